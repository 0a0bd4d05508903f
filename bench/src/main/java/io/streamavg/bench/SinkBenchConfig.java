package io.streamavg.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The options of {@code streamavg bench sink}. */
final class SinkBenchConfig extends AbstractConfig {

    static final String UPDATES = "updates";
    static final String KEYS = "keys";
    static final String PARTITIONS = "partitions";
    static final String NAIVE_UPDATES = "naive-updates";
    static final String JFR = "jfr";
    static final String SINK_KAFKA_CONFIG = "sink-kafka-config";
    static final String SEED = "seed";
    static final String TIMEOUT = "timeout";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(UPDATES, Type.LONG, 1_000_000L, Range.between(1L, 1_000_000_000L), Importance.HIGH,
                    "Statistics updates preloaded into column-averages, round-robin over --keys columns; a multiple of --keys.")
            .define(KEYS, Type.INT, 10_000, Range.between(1, 10_000_000), Importance.HIGH,
                    "Distinct columns (keys) the updates are spread over: the rows of the table.")
            .define(PARTITIONS, Type.INT, 4, Range.between(1, 1024), Importance.MEDIUM, "Partitions of column-averages.")
            .define(NAIVE_UPDATES, Type.LONG, 20_000L, Range.between(0L, 1_000_000_000L), Importance.HIGH,
                    "The first this many updates go through the naive way (one INSERT OR REPLACE and one commit per update,"
                            + " as the original design wrote); 0 skips it. Its rate is compared with the sink's.")
            .define(JFR, Type.STRING, "", Importance.MEDIUM,
                    "A folder for a JFR recording of the sink's JVM (settings=profile), summarised after the table.")
            .define(SINK_KAFKA_CONFIG, Type.STRING, "", Importance.LOW,
                    "A properties file passed to the sink as its --kafka-config (max.poll.records=500, say), to compare settings.")
            .define(SEED, Type.LONG, 1L, Importance.LOW, "Seed of the random values: the same seed, the same updates.")
            .define(TIMEOUT, Type.INT, 900, Range.between(10, 86_400), Importance.LOW,
                    "Seconds each way may take before the bench gives up on it.");

    SinkBenchConfig(final Map<String, String> settings) {
        super(DEFINITION, settings, false);
        if (updates() % keys() != 0) {
            throw new ConfigException(UPDATES, updates(), "must be a multiple of --" + KEYS + " (" + keys() + ")");
        }
        if (naiveUpdates() > updates()) {
            throw new ConfigException(NAIVE_UPDATES, naiveUpdates(), "must be at most --" + UPDATES + " (" + updates() + ")");
        }
    }

    long updates() {
        return getLong(UPDATES);
    }

    int keys() {
        return getInt(KEYS);
    }

    int partitions() {
        return getInt(PARTITIONS);
    }

    long naiveUpdates() {
        return getLong(NAIVE_UPDATES);
    }

    Optional<Path> jfrDir() {
        return Optional.of(getString(JFR).trim()).filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir).toAbsolutePath());
    }

    Optional<Path> sinkKafkaConfig() {
        return Optional.of(getString(SINK_KAFKA_CONFIG).trim()).filter(file -> !file.isEmpty()).map(file -> Path.of(file).toAbsolutePath());
    }

    long seed() {
        return getLong(SEED);
    }

    Duration timeout() {
        return Duration.ofSeconds(getInt(TIMEOUT));
    }
}
