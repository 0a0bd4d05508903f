package io.streamavg.bench;

import java.nio.file.Files;
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

/** The options of {@code streamavg bench bridge}. */
final class BridgeBenchConfig extends AbstractConfig {

    static final String LINES = "lines";
    static final String WARMUP_LINES = "warmup-lines";
    static final String COLUMNS = "columns";
    static final String CONNECTIONS = "connections";
    static final String PARTITIONS = "partitions";
    static final String SEED = "seed";
    static final String TIMEOUT = "timeout";
    static final String JSON = "json";
    static final String JFR = "jfr";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(LINES, Type.LONG, 2_000_000L, Range.between(1L, 1_000_000_000L), Importance.HIGH,
                    "Lines of each run: the load generator's through the bridge, and ProducerPerformance's records.")
            .define(WARMUP_LINES, Type.LONG, 2_000_000L, Range.between(0L, 1_000_000_000L), Importance.MEDIUM,
                    "Lines sent through each bridge, and records through ProducerPerformance's JVM, untimed, before the timed "
                            + "ones: a JVM's first seconds go as much to its JIT compilers as to its work. 0 times them cold.")
            .define(COLUMNS, Type.INT, 8, Range.between(1, 512), Importance.MEDIUM, "Numbers per line (the record size).")
            .define(CONNECTIONS, Type.INT, 16, Range.between(1, 1024), Importance.HIGH, "TCP connections of the load generator.")
            .define(PARTITIONS, Type.INT, 4, Range.between(1, 1024), Importance.MEDIUM,
                    "Partitions of raw-lines and of ProducerPerformance's topic, which the bench creates on its broker.")
            .define(SEED, Type.LONG, 1L, Importance.LOW, "Seed of the random lines: the same seed, the same lines.")
            .define(TIMEOUT, Type.INT, 600, Range.between(10, 86_400), Importance.LOW,
                    "Seconds a run may take (or the bridge to become ready) before the bench gives up.")
            .define(JSON, Type.STRING, "", Importance.MEDIUM,
                    "A file to write the figures to as JSON, as well as the Markdown tables on standard output.")
            .define(JFR, Type.STRING, "", Importance.MEDIUM,
                    "A folder for a JFR recording (settings 'profile') of the bridge's JVM in each run (slows those runs slightly).");

    BridgeBenchConfig(final Map<String, String> settings) {
        super(DEFINITION, settings, false);
        if (getLong(LINES) < getInt(CONNECTIONS)) {
            throw new ConfigException(LINES, getLong(LINES), "must be at least --connections (" + getInt(CONNECTIONS) + ")");
        }
        json().map(Path::getParent).filter(parent -> !Files.isDirectory(parent)).ifPresent(parent -> {
            throw new ConfigException(JSON, getString(JSON), "its folder " + parent + " does not exist");
        });
    }

    long lines() {
        return getLong(LINES);
    }

    long warmupLines() {
        return getLong(WARMUP_LINES);
    }

    int columns() {
        return getInt(COLUMNS);
    }

    int connections() {
        return getInt(CONNECTIONS);
    }

    int partitions() {
        return getInt(PARTITIONS);
    }

    long seed() {
        return getLong(SEED);
    }

    Duration timeout() {
        return Duration.ofSeconds(getInt(TIMEOUT));
    }

    Optional<Path> json() {
        return Optional.of(getString(JSON).trim()).filter(file -> !file.isEmpty()).map(file -> Path.of(file).toAbsolutePath());
    }

    Optional<Path> jfrDir() {
        return Optional.of(getString(JFR).trim()).filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir).toAbsolutePath());
    }
}
