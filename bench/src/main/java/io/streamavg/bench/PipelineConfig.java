package io.streamavg.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The options of {@code streamavg bench pipeline}. */
final class PipelineConfig extends AbstractConfig {

    static final String LINES = "lines";
    static final String COLUMNS = "columns";
    static final String CONNECTIONS = "connections";
    static final String PARTITIONS = "partitions";
    static final String RUNS = "runs";
    static final String LATENCY_RATE = "latency-rate";
    static final String LATENCY_DURATION = "latency-duration";
    static final String LATENCY_WARMUP = "latency-warmup";
    static final String MARKER_RATE = "marker-rate";
    static final String COMMIT_INTERVAL = "commit-interval";
    static final String STREAM_THREADS = "stream-threads";
    static final String MERGE_PARTITIONS = "merge-partitions";
    static final String WARMUP_LINES = "warmup-lines";
    static final String POLL_INTERVAL = "poll-interval";
    static final String SEED = "seed";
    static final String TIMEOUT = "timeout";
    static final String JSON = "json";

    /** The runs, in the order the bench makes them. */
    static final List<String> RUN_IDS = List.of("pipeline", "latency", "textbook", "producer-perf");

    /**
     * Columns the markers take turns in, each holding at most one marker in flight: enough that at
     * the highest marker rate a marker would wait for a free column only past 64 / 200 s = 320 ms
     * of latency for every one of them at once.
     */
    static final int MARKER_COLUMNS = 64;

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(LINES, Type.LONG, 2_000_000L, Range.between(1L, 1_000_000_000L), Importance.HIGH,
                    "Lines of the throughput runs; each ends when every column counts them all (in SQLite, or on the textbook's topic).")
            .define(WARMUP_LINES, Type.LONG, 2_000_000L, Range.between(0L, 1_000_000_000L), Importance.MEDIUM,
                    "Lines sent through each throughput run's stack, and records through ProducerPerformance's JVM, untimed, "
                            + "before the timed ones: the services run for days, and a JVM's first minute is spent as much in its JIT "
                            + "compilers as in its work. 0 times them cold, from their first lines.")
            .define(COLUMNS, Type.INT, 8, Range.between(1, 512), Importance.MEDIUM, "Numbers per line.")
            .define(CONNECTIONS, Type.INT, 16, Range.between(1, 1024), Importance.HIGH,
                    "TCP connections of the load generator, in the throughput runs and for the steady load of the latency run.")
            .define(PARTITIONS, Type.INT, 4, Range.between(1, 1024), Importance.MEDIUM,
                    "Partitions of the topics, which the bench creates on its broker.")
            .define(RUNS, Type.LIST, String.join(",", RUN_IDS), ConfigDef.LambdaValidator.with(
                            (name, value) -> {
                                final List<?> ids = (List<?>) value;
                                if (ids.isEmpty() || !RUN_IDS.containsAll(ids)) {
                                    throw new ConfigException(name, value, "must be some of " + String.join(",", RUN_IDS));
                                }
                            }, () -> String.join(",", RUN_IDS)),
                    Importance.MEDIUM, "Which runs to make, in the bench's own order; the ratio column needs producer-perf.")
            .define(LATENCY_RATE, Type.LONG, 20_000L, Range.between(1L, 10_000_000L), Importance.HIGH,
                    "Lines per second of the steady load under which the latency run measures send-to-SQLite latency.")
            .define(LATENCY_DURATION, Type.INT, 30, Range.between(1, 86_400), Importance.MEDIUM,
                    "Seconds the latency run sends markers for (the steady load runs a little longer on each side).")
            .define(LATENCY_WARMUP, Type.INT, 240, Range.between(0, 3_600), Importance.LOW,
                    "Most seconds of untimed markers under the steady load before the timed ones, which start as soon as the "
                            + "JIT compilers of every JVM of the run use under a tenth of a core over 10 s: JVMs started for the run "
                            + "compile for minutes on the cores the pipeline needs, and a commit then takes ten times as long.")
            .define(MERGE_PARTITIONS, Type.INT, 0, Range.between(0, 1_024), Importance.LOW,
                    "The topology's --merge-partitions; 0 leaves the topology's own default.")
            .define(MARKER_RATE, Type.INT, 50, Range.between(1, 200), Importance.LOW,
                    "Marker lines per second in the latency run, each timed from its send until SQLite shows it.")
            .define(COMMIT_INTERVAL, Type.INT, 100, Range.between(1, 600_000), Importance.MEDIUM,
                    "The topology's --commit-interval, in milliseconds: the main knob of latency.")
            .define(STREAM_THREADS, Type.INT, 0, Range.between(0, 64), Importance.MEDIUM,
                    "The topology's --num-stream-threads; 0 leaves the topology's own default (one per processor).")
            .define(POLL_INTERVAL, Type.INT, 10, Range.between(1, 10_000), Importance.LOW,
                    "Milliseconds between the bench's read-only queries of the SQLite file; a latency is late by up to this much.")
            .define(SEED, Type.LONG, 1L, Importance.LOW, "Seed of the random lines: the same seed, the same lines.")
            .define(TIMEOUT, Type.INT, 600, Range.between(10, 86_400), Importance.LOW,
                    "Seconds a run may take to count every line (or a service to become ready) before the bench gives up.")
            .define(JSON, Type.STRING, "", Importance.MEDIUM,
                    "A file to write the figures to as JSON, as well as the Markdown tables on standard output.");

    PipelineConfig(final Map<String, String> settings) {
        super(DEFINITION, settings, false);
        if (getLong(LINES) < getInt(CONNECTIONS)) {
            throw new ConfigException(LINES, getLong(LINES), "must be at least --connections (" + getInt(CONNECTIONS) + ")");
        }
        if (getLong(LATENCY_RATE) < getInt(CONNECTIONS)) {
            throw new ConfigException(LATENCY_RATE, getLong(LATENCY_RATE),
                    "must be at least --connections (" + getInt(CONNECTIONS) + "): each connection sends its share");
        }
        json().map(Path::getParent).filter(parent -> !Files.isDirectory(parent)).ifPresent(parent -> {
            throw new ConfigException(JSON, getString(JSON), "its folder " + parent + " does not exist");
        });
    }

    long lines() {
        return getLong(LINES);
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

    boolean runs(final String id) {
        return getList(RUNS).contains(id);
    }

    long latencyRate() {
        return getLong(LATENCY_RATE);
    }

    Duration latencyDuration() {
        return Duration.ofSeconds(getInt(LATENCY_DURATION));
    }

    Duration latencyWarmup() {
        return Duration.ofSeconds(getInt(LATENCY_WARMUP));
    }

    int markerRate() {
        return getInt(MARKER_RATE);
    }

    int commitIntervalMillis() {
        return getInt(COMMIT_INTERVAL);
    }

    /** The topology's stream threads, if set. */
    OptionalInt streamThreads() {
        return setOrEmpty(STREAM_THREADS);
    }

    /** The topology's --merge-partitions, if set. */
    OptionalInt mergePartitions() {
        return setOrEmpty(MERGE_PARTITIONS);
    }

    /** A topology option passed through: 0 leaves the topology's own default. */
    private OptionalInt setOrEmpty(final String name) {
        return getInt(name) == 0 ? OptionalInt.empty() : OptionalInt.of(getInt(name));
    }

    long warmupLines() {
        return getLong(WARMUP_LINES);
    }

    Duration pollInterval() {
        return Duration.ofMillis(getInt(POLL_INTERVAL));
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
}
