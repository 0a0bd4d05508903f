package io.streamavg.local;

import io.streamavg.bridge.BridgeConfig;
import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.HttpEndpoints;
import io.streamavg.sink.SinkConfig;
import io.streamavg.topology.StatsTopologyConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The options of {@code streamavg local}: its own, then every option of the three services except
 * those the local stack decides itself (where Kafka is, the one HTTP port, where state lives).
 */
public final class LocalConfig extends AbstractConfig {

    public static final String DATA_DIR = "data-dir";
    public static final String KAFKA_PORT = "kafka-port";

    /** Options of the services that the local stack sets itself. */
    private static final Set<String> DECIDED_LOCALLY = Set.of(KafkaClientSettings.BOOTSTRAP_SERVERS,
            KafkaClientSettings.KAFKA_CONFIG, HttpEndpoints.HTTP_PORT, StatsTopologyConfig.STATE_DIR);

    public static final ConfigDef DEFINITION = definition();

    /**
     * The local stack is the only member of its consumer groups, so its topology and sink join as
     * static members: restarted after a crash, they take over their old membership at once instead
     * of waiting out its 45 s session (the killed process never said it left).
     */
    private static final String STATIC_MEMBER = KafkaClientSettings.passThroughKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);

    /**
     * How long the broker may hold a fetch that finds nothing new (Kafka: 500 ms). A held fetch is
     * answered as soon as a record becomes readable (under read_committed: once its transaction
     * commits), so a longer wait only spaces out the fetches that find nothing: six idle round trips a
     * second for local's three consumers, each through the broker's network, request and purgatory
     * threads. Its price: a partition that becomes fetchable while a fetch is held (resumed, or its
     * position found just after start-up) waits for that fetch to end; the first line after
     * /health/ready took about 2.5 s to reach SQLite against 2.2 s (docs/BENCHMARKS.md).
     */
    static final int FETCH_MAX_WAIT_MS = 2000;

    /**
     * Between the checks of the classic group protocol's heartbeat thread, which waits
     * {@code retry.backoff.ms} (Kafka: 100 ms) each time it finds no heartbeat due, so ten wake-ups a
     * second for a heartbeat every 3 s. It is also the first backoff of the consumer's retries
     * (finding the coordinator, metadata after an error), which grow to {@code retry.backoff.max.ms}
     * (1 s) anyway.
     */
    static final int CONSUMER_RETRY_BACKOFF_MS = 500;

    public LocalConfig(final Map<String, ?> originals) {
        super(DEFINITION, originals, false);
    }

    private static ConfigDef definition() {
        // The options every user needs come first, in DESIGN.md's order.
        final ConfigDef definition = new ConfigDef()
                .define(BridgeConfig.DEFINITION.configKeys().get(BridgeConfig.PORT))
                .define(SinkConfig.DEFINITION.configKeys().get(SinkConfig.DB))
                .define(DATA_DIR, Type.STRING, "streamavg-data", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Folder of the local broker's data and the topology's state; a restart on the same folder continues where it stopped.")
                .define(KAFKA_PORT, Type.INT, 9092, Range.between(0, 65535), Importance.HIGH,
                        "Port of the in-process Kafka broker on 127.0.0.1, for kcat and Kafka's tools (0 picks a free port).");
        // A tool for one machine: nothing listens beyond it unless asked.
        HttpEndpoints.define(definition, HttpEndpoints.LOOPBACK);
        for (final ConfigDef service : new ConfigDef[] {BridgeConfig.DEFINITION, StatsTopologyConfig.DEFINITION, SinkConfig.DEFINITION}) {
            service.configKeys().values().stream()
                    .filter(key -> !DECIDED_LOCALLY.contains(key.name) && !definition.names().contains(key.name))
                    .forEach(definition::define);
        }
        return definition;
    }

    public Path dataDir() {
        return Path.of(getString(DATA_DIR));
    }

    BridgeConfig bridge(final String bootstrapServers) {
        return new BridgeConfig(serviceSettings(BridgeConfig.DEFINITION, bootstrapServers, Map.of()));
    }

    StatsTopologyConfig topology(final String bootstrapServers) {
        return new StatsTopologyConfig(serviceSettings(StatsTopologyConfig.DEFINITION, bootstrapServers, Map.of(
                StatsTopologyConfig.STATE_DIR, dataDir().resolve("streams").toString(),
                STATIC_MEMBER, getString(StatsTopologyConfig.APPLICATION_ID) + "-local",
                mainConsumer(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), Integer.toString(FETCH_MAX_WAIT_MS),
                mainConsumer(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG), Integer.toString(CONSUMER_RETRY_BACKOFF_MS))));
    }

    SinkConfig sink(final String bootstrapServers) {
        return new SinkConfig(serviceSettings(SinkConfig.DEFINITION, bootstrapServers, Map.of(
                STATIC_MEMBER, getString(SinkConfig.GROUP_ID) + "-local",
                KafkaClientSettings.passThroughKey(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), Integer.toString(FETCH_MAX_WAIT_MS),
                KafkaClientSettings.passThroughKey(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG), Integer.toString(CONSUMER_RETRY_BACKOFF_MS))));
    }

    /** Kafka Streams' main consumer's {@code setting}: its restore consumer reads only while restoring. */
    private static String mainConsumer(final String setting) {
        return KafkaClientSettings.passThroughKey(StreamsConfig.mainConsumerPrefix(setting));
    }

    /** The settings of one service: the local options it declares, plus what the stack decides. */
    private Map<String, Object> serviceSettings(final ConfigDef service, final String bootstrapServers,
                                                final Map<String, String> decided) {
        final Map<String, Object> settings = new HashMap<>();
        values().forEach((name, value) -> {
            if (service.names().contains(name) && !DECIDED_LOCALLY.contains(name)) {
                // The value as given where there is one: parsed values are trimmed (a space delimiter
                // would arrive empty); local's own defaults (--bind-address) where there is none.
                settings.put(name, originals().getOrDefault(name, value));
            }
        });
        settings.put(KafkaClientSettings.BOOTSTRAP_SERVERS, bootstrapServers);
        settings.putAll(decided);
        return settings;
    }
}
