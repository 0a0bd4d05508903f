package io.streamavg.runtime;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * One command of the launcher ({@code streamavg NAME [options]}). Implementations are found with
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services}), so a distribution holds
 * exactly the commands whose modules it ships: the service-only one has no {@code local}.
 */
public interface ServiceCommand {

    String name();

    /** One sentence for the launcher's usage and {@code --help}. */
    String summary();

    /** The options; they include {@link HttpEndpoints#HTTP_PORT} and {@link HttpEndpoints#BIND_ADDRESS}. */
    ConfigDef options();

    /**
     * Builds the service from the raw settings, registering its meters and routes with {@code context}.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming an invalid option
     */
    Service create(Map<String, String> settings, ServiceContext context);
}
