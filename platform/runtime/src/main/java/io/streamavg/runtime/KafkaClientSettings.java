package io.streamavg.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Kafka client settings of a service: {@code --bootstrap-servers}, then a properties file
 * ({@code --kafka-config}), then {@code STREAMAVG_KAFKA_*} variables, so that TLS and SASL need no
 * code. Names are checked against the clients' own settings, because Kafka merely logs an unknown
 * one at INFO and a typo in {@code security.protocol} would silently connect in plain text.
 */
public final class KafkaClientSettings {

    public static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
    public static final String KAFKA_CONFIG = "kafka-config";
    /** Prefix of pass-through settings in a service's raw settings (see {@link CommandLine}). */
    static final String PREFIX = "kafka.";

    private static final Set<String> CLIENT_NAMES = new HashSet<>();

    static {
        CLIENT_NAMES.addAll(ProducerConfig.configNames());
        CLIENT_NAMES.addAll(ConsumerConfig.configNames());
        CLIENT_NAMES.addAll(AdminClientConfig.configNames());
    }

    private KafkaClientSettings() {
    }

    /** The key under which a service's raw settings carry the Kafka client setting {@code clientSetting}. */
    public static String passThroughKey(final String clientSetting) {
        return PREFIX + clientSetting;
    }

    /** Whether {@code name} is a producer, consumer or admin client setting. */
    public static boolean isClientSetting(final String name) {
        return CLIENT_NAMES.contains(name);
    }

    /** Declares the Kafka connection options on a service's definition. */
    public static ConfigDef define(final ConfigDef definition) {
        return definition
                .define(BOOTSTRAP_SERVERS, ConfigDef.Type.LIST, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.LambdaValidator.with(
                                (name, value) -> {
                                    if (value == null || ((List<?>) value).isEmpty() || ((List<?>) value).contains("")) {
                                        throw new ConfigException(name, value, "must name at least one host:port");
                                    }
                                }, () -> "host:port[,host:port…]"),
                        ConfigDef.Importance.HIGH, "Kafka bootstrap servers, host:port[,host:port…].")
                .define(KAFKA_CONFIG, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                        "A properties file of Kafka client settings (security.protocol, ssl.*, sasl.*, …), passed through unchanged.");
    }

    /** The client properties for {@code config}, accepting producer, consumer and admin settings. */
    public static Map<String, Object> resolve(final AbstractConfig config) {
        return resolve(config, name -> false);
    }

    /**
     * The client properties for {@code config}.
     *
     * @param alsoKnown settings valid for this service beyond producer, consumer and admin ones
     *                  (Kafka Streams' own, and its prefixed client settings, for the topology)
     * @throws ConfigException naming an unreadable file or an unknown client setting
     */
    public static Map<String, Object> resolve(final AbstractConfig config, final Predicate<String> alsoKnown) {
        final Map<String, Object> settings = new HashMap<>();
        final String file = config.getString(KAFKA_CONFIG);
        if (!file.isEmpty()) {
            final Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException(KAFKA_CONFIG, file, "cannot read Kafka client settings: " + e);
            }
            properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
        }
        settings.putAll(config.originalsWithPrefix(PREFIX));
        final Set<String> unknown = new TreeSet<>(settings.keySet());
        unknown.removeAll(CLIENT_NAMES);
        unknown.removeIf(alsoKnown);
        if (!unknown.isEmpty()) {
            throw new ConfigException("Unknown Kafka client setting(s) " + unknown + " from --" + KAFKA_CONFIG
                    + " or STREAMAVG_KAFKA_*");
        }
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.getList(BOOTSTRAP_SERVERS)));
        return settings;
    }
}
