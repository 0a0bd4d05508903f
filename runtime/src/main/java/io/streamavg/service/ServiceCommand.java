package io.streamavg.service;

import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;

/**
 * One command of the launcher: its name, what it does, its options, and how raw settings become a
 * {@link Service} (the factory validates them, throwing a {@code ConfigException} naming the option).
 * The options must include {@link io.streamavg.http.HttpEndpoints#HTTP_PORT}.
 */
public record ServiceCommand(String name, String summary, ConfigDef options,
                             Function<Map<String, String>, Service> factory) {
}
