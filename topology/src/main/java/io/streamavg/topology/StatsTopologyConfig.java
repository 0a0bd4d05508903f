package io.streamavg.topology;

import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.HttpEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/** The topology's options: how lines are read, and how the Kafka Streams instance runs. */
public final class StatsTopologyConfig extends AbstractConfig {

    public static final String APPLICATION_ID = "application-id";
    public static final String DELIMITER = "delimiter";
    public static final String MAX_COLUMNS = "max-columns";
    public static final String NA_VALUES = "na-values";
    public static final String NUM_STREAM_THREADS = "num-stream-threads";
    public static final String STATE_DIR = "state-dir";
    public static final String PROCESSING_GUARANTEE = "processing-guarantee";
    public static final String COMMIT_INTERVAL = "commit-interval";
    public static final String PARTITIONS = "partitions";
    public static final String MERGE_PARTITIONS = "merge-partitions";
    public static final String WINDOW_SIZE = "window-size";
    public static final String WINDOW_GRACE = "window-grace";
    public static final String WINDOW_STORE_RETENTION = "window-store-retention";
    public static final String SESSION_RETENTION = "session-retention";

    public static final ConfigDef DEFINITION = KafkaClientSettings.define(HttpEndpoints.define(new ConfigDef(), HttpEndpoints.ALL_INTERFACES))
            .define(APPLICATION_ID, Type.STRING, "streamavg", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id: instances with the same id share the work; also the prefix of internal topics.")
            // Validated in the constructor, on the value as given: Kafka's ConfigDef trims strings, so
            // it would see a space or a tab as empty.
            .define(DELIMITER, Type.STRING, ",", Importance.HIGH, "Cell delimiter: one character, a space included (\\t for tab); never a quote or line break.")
            .define(MAX_COLUMNS, Type.INT, 1024, Range.between(1, 1_000_000), Importance.LOW,
                    "A line with more cells goes to raw-lines-dlq (too-many-columns).")
            // A list: Kafka splits it at commas and trims each token, so a token can hold neither a
            // comma nor spaces at its ends; none of pandas' does. Checked in the constructor.
            .define(NA_VALUES, Type.LIST, NaValues.PANDAS_DEFAULT, Importance.MEDIUM,
                    "Cell texts read as a missing value, like an empty cell (by default pandas' na_values), compared with the cell "
                            + "without the spaces around it, case included. Comma-separated, each token trimmed; replaces the default "
                            + "list, and an empty value turns them off. Numbers cannot be listed: they are always counted.")
            // Unset by default: one per processor (measured in docs/BENCHMARKS.md: on 2 cores, 2 threads
            // beat 1; threads beyond the cores only add commits). Kafka's ConfigDef has no computed default.
            .define(NUM_STREAM_THREADS, Type.INT, null, ConfigDef.LambdaValidator.with((name, value) -> {
                if (value != null && (Integer) value < 1) {
                    throw new ConfigException(name, value, "must be at least 1");
                }
            }, () -> "[1,...]"), Importance.MEDIUM,
                    "Stream threads in this instance; unset, one per processor of the machine (what the JVM reports).")
            .define(STATE_DIR, Type.STRING, "streamavg-state", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Folder of the local state stores (rebuilt from Kafka when lost).")
            .define(PROCESSING_GUARANTEE, Type.STRING, StreamsConfig.EXACTLY_ONCE_V2,
                    ConfigDef.ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE), Importance.MEDIUM,
                    "exactly_once_v2 counts every line once through crashes; at_least_once may count a line twice after one.")
            .define(COMMIT_INTERVAL, Type.LONG, 100L, Range.between(1L, 3_600_000L), Importance.MEDIUM,
                    "Milliseconds between commits; statistics reach column-averages about this often.")
            .define(PARTITIONS, Type.INT, 4, Range.between(1, 10_000), Importance.MEDIUM,
                    "Partitions of the topics when this instance has to create them (existing topics are left as they are).")
            .define(MERGE_PARTITIONS, Type.INT, 1, Range.between(1, 10_000), Importance.LOW,
                    "Partitions of the internal topics the per-task partials are merged from, so tasks of the merges: each commits "
                            + "apart, and a few partials per column and commit need no more than one. Changing it needs an application "
                            + "reset (README, Upgrading).")
            .define(WINDOW_SIZE, Type.LONG, 60_000L, Range.between(1L, 366L * 86_400_000L), Importance.MEDIUM,
                    "Milliseconds of a tumbling window of the statistics on window-averages and /windows (aligned to the epoch); "
                            + "a line belongs to the window of its record timestamp, the time the bridge received it.")
            .define(WINDOW_GRACE, Type.LONG, 10_000L, Range.between(0L, 366L * 86_400_000L), Importance.MEDIUM,
                    "Milliseconds a window still takes lines after its end, in the time of the lines a task has read; a later line "
                            + "counts only in the cumulative statistics, and in streamavg_topology_late_lines_total.")
            .define(WINDOW_STORE_RETENTION, Type.LONG, 86_400_000L, Range.between(1L, 3_660L * 86_400_000L), Importance.LOW,
                    "Milliseconds the topology's window store keeps windows for /windows, after the newest; at least window-size + "
                            + "window-grace. window-averages keeps them as long as the broker's retention.ms, the sink's table for "
                            + "its --window-retention.")
            .define(SESSION_RETENTION, Type.LONG, 7L * 86_400_000L, Range.between(1L, 3_660L * 86_400_000L), Importance.LOW,
                    "Milliseconds the topology keeps the count of a resumable session (the bridge's session line) after its newest "
                            + "line, in the time of the lines a task has read; lines resent to a session idle for longer are counted again.");

    private static final List<String> STREAMS_CLIENT_PREFIXES = List.of(StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);

    private final Properties streamsProperties;
    private final char delimiter;

    public StatsTopologyConfig(final Map<String, ?> originals) {
        super(DEFINITION, originals, false);
        final Object given = originals.get(DELIMITER);
        this.delimiter = delimiterOf(given == null ? getString(DELIMITER) : String.valueOf(given));
        checkNaValues(getList(NA_VALUES));
        if (getLong(WINDOW_STORE_RETENTION) < getLong(WINDOW_SIZE) + getLong(WINDOW_GRACE)) {
            throw new ConfigException(WINDOW_STORE_RETENTION, getLong(WINDOW_STORE_RETENTION), "must be at least " + WINDOW_SIZE + " + "
                    + WINDOW_GRACE + " (" + (getLong(WINDOW_SIZE) + getLong(WINDOW_GRACE)) + " ms)");
        }
        // Once, here: the topology and the instance both need them, and a bad client setting fails now.
        this.streamsProperties = resolveStreamsProperties();
    }

    /** The Kafka Streams settings: the options above, over any passed-through client and Streams settings. */
    public Properties streamsProperties() {
        final Properties copy = new Properties();
        copy.putAll(streamsProperties);
        return copy;
    }

    private Properties resolveStreamsProperties() {
        final Properties props = new Properties();
        props.putAll(KafkaClientSettings.resolve(this, StatsTopologyConfig::isStreamsSetting));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, getString(PROCESSING_GUARANTEE));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads());
        props.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR));
        // Kafka 5.0's default, and without it every start warns; there is no global state here.
        // The partition assignor reads its settings from the main consumer's, hence the prefixed copy.
        // Each task reads one partition of one topic, so there is nothing to wait for to keep partitions
        // in timestamp order; and with idling on, Kafka Streams 4.4 formats a "not ready" reason with
        // String.format for every idle task on every pass of its loop: 22% of the stream thread in a
        // profile (docs/BENCHMARKS.md), the merge tasks being idle between flushes.
        props.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.putIfAbsent(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        // The safety net for bugs, unless a handler is passed through (e.g. Kafka's LogAndFail ones, to
        // stop at the first bug). The instance adds the meters it needs, see DeadLetterOnError.
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnError.class);
        props.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnError.class);
        return props;
    }

    /** Kafka Streams' own settings, and client settings under the prefixes Streams routes to one client. */
    private static boolean isStreamsSetting(final String name) {
        if (StreamsConfig.configDef().names().contains(name)) {
            return true;
        }
        for (final String prefix : STREAMS_CLIENT_PREFIXES) {
            if (name.startsWith(prefix) && KafkaClientSettings.isClientSetting(name.substring(prefix.length()))) {
                return true;
            }
        }
        return false;
    }

    /** As given, or one per processor. */
    public int streamThreads() {
        final Integer given = getInt(NUM_STREAM_THREADS);
        return given == null ? Runtime.getRuntime().availableProcessors() : given;
    }

    public char delimiter() {
        return delimiter;
    }

    public Duration commitInterval() {
        return Duration.ofMillis(getLong(COMMIT_INTERVAL));
    }

    public Duration windowSize() {
        return Duration.ofMillis(getLong(WINDOW_SIZE));
    }

    public Duration windowGrace() {
        return Duration.ofMillis(getLong(WINDOW_GRACE));
    }

    public Duration windowStoreRetention() {
        return Duration.ofMillis(getLong(WINDOW_STORE_RETENTION));
    }

    public Duration sessionRetention() {
        return Duration.ofMillis(getLong(SESSION_RETENTION));
    }

    /** The parser reads a number before it looks for NA tokens, so a numeric token would never match: refused rather than ignored. */
    private static void checkNaValues(final List<String> tokens) {
        for (final String token : tokens) {
            if (!Double.isNaN(DecimalText.parse(token.toCharArray(), 0, token.length()))) {
                throw new ConfigException(NA_VALUES, String.join(",", tokens),
                        "'" + token + "' is a number, and numbers are always counted; list only texts that are not numbers");
            }
        }
    }

    static char delimiterOf(final String text) {
        final String value = "\\t".equals(text) ? "\t" : text;
        if (value.length() != 1 || value.charAt(0) == '"' || value.charAt(0) == '\n' || value.charAt(0) == '\r') {
            throw new ConfigException(DELIMITER, text, "must be one character other than a quote or a line break (\\t for tab)");
        }
        return value.charAt(0);
    }
}
