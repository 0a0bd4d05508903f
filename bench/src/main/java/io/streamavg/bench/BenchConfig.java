package io.streamavg.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The options of {@code streamavg bench topology}. */
final class BenchConfig extends AbstractConfig {

    static final String LINES = "lines";
    static final String COLUMNS = "columns";
    static final String PARTITIONS = "partitions";
    static final String VARIANTS = "variants";
    static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
    static final String JFR = "jfr";
    static final String SEED = "seed";
    static final String TIMEOUT = "timeout";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(LINES, Type.LONG, 2_000_000L, Range.between(1L, 1_000_000_000L), Importance.HIGH,
                    "Lines preloaded into raw-lines; every variant runs until it has counted them all.")
            .define(COLUMNS, Type.INT, 8, Range.between(1, 1024), Importance.MEDIUM, "Numeric columns per line.")
            .define(PARTITIONS, Type.INT, 4, Range.between(1, 1024), Importance.MEDIUM,
                    "Partitions of raw-lines (and so tasks per stage) when the bench creates it.")
            .define(VARIANTS, Type.LIST, String.join(",", Variant.ids()), ConfigDef.LambdaValidator.with(
                            (name, value) -> {
                                final List<?> ids = (List<?>) value;
                                if (ids.isEmpty() || !Variant.ids().containsAll(ids)) {
                                    throw new ConfigException(name, value, "must be some of " + String.join(",", Variant.ids()));
                                }
                            }, () -> String.join(",", Variant.ids())),
                    Importance.MEDIUM, "Which variants to run, in the bench's own order; ratios need textbook and consumer-perf.")
            .define(BOOTSTRAP_SERVERS, Type.STRING, "", Importance.MEDIUM,
                    "A Kafka cluster to run on instead of a broker in this process; its raw-lines must be absent or empty.")
            .define(JFR, Type.STRING, "", Importance.MEDIUM,
                    "A folder for a JFR recording of each project-topology JVM, summarised after the table (slows those runs slightly).")
            .define(SEED, Type.LONG, 1L, Importance.LOW, "Seed of the random lines: the same seed, the same lines.")
            .define(TIMEOUT, Type.INT, 900, Range.between(10, 86_400), Importance.LOW,
                    "Seconds one variant may take before the bench gives up on it.");

    BenchConfig(final Map<String, String> settings) {
        super(DEFINITION, settings, false);
    }

    long lines() {
        return getLong(LINES);
    }

    int columns() {
        return getInt(COLUMNS);
    }

    int partitions() {
        return getInt(PARTITIONS);
    }

    /** The chosen variants in the bench's order, whatever order they were given in. */
    List<Variant> variants() {
        final List<String> chosen = getList(VARIANTS);
        return List.of(Variant.values()).stream().filter(variant -> chosen.contains(variant.id())).toList();
    }

    Optional<String> bootstrapServers() {
        return Optional.of(getString(BOOTSTRAP_SERVERS).trim()).filter(servers -> !servers.isEmpty());
    }

    Optional<Path> jfrDir() {
        return Optional.of(getString(JFR).trim()).filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir).toAbsolutePath());
    }

    long seed() {
        return getLong(SEED);
    }

    Duration timeout() {
        return Duration.ofSeconds(getInt(TIMEOUT));
    }
}
