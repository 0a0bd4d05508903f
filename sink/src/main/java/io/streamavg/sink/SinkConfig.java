package io.streamavg.sink;

import io.streamavg.runtime.HttpEndpoints;
import io.streamavg.runtime.KafkaClientSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.sqlite.SQLiteConfig.SynchronousMode;

/** The options of {@code streamavg sink}. */
public final class SinkConfig extends AbstractConfig {

    public static final String DB = "db";
    public static final String SYNCHRONOUS = "synchronous";
    public static final String WINDOW_RETENTION = "window-retention";
    public static final String RESET_DB = "reset-db";
    public static final String GROUP_ID = "group-id";

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

    public static final ConfigDef DEFINITION = KafkaClientSettings.define(HttpEndpoints.define(new ConfigDef(), HttpEndpoints.ALL_INTERFACES))
            .define(DB, Type.STRING, "processed_data.db", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The SQLite database file the statistics are written to (created if missing).")
            .define(SYNCHRONOUS, Type.STRING, "NORMAL", ConfigDef.CaseInsensitiveValidString.in("NORMAL", "FULL"),
                    Importance.LOW,
                    "SQLite's PRAGMA synchronous. NORMAL: a power cut or OS crash may lose the last transactions"
                            + " written before it, never corrupts the file, and loses nothing here, because the consumed"
                            + " offsets are in the same transactions: the sink reads those records again from Kafka."
                            + " FULL: each transaction is on disk before the next begins (slower).")
            .define(WINDOW_RETENTION, Type.STRING, "7d", ConfigDef.LambdaValidator.with(
                            (name, value) -> parseDuration(name, (String) value), () -> "a number with a unit: ms, s, m, h or d"),
                    Importance.MEDIUM,
                    "Rows of window_averages whose window ended longer ago than this are deleted (checked with each batch"
                            + " and at least once a minute); 0 keeps them all. A number with a unit: 500ms, 90s, 30m, 12h, 7d.")
            .define(RESET_DB, Type.BOOLEAN, false, Importance.LOW,
                    "Empties the statistics tables and the stored offsets at start, then rebuilds them from the beginning"
                            + " of the topics: for a --db that held the statistics of another Kafka cluster or of a deleted"
                            + " topic (the sink refuses to start on one otherwise). Rows that only the old topic had are lost.")
            .define(GROUP_ID, Type.STRING, "streamavg-sink", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "The Kafka consumer group; offsets committed to Kafka are informational, the database's own offsets"
                            + " decide where the sink resumes.");

    public SinkConfig(final Map<String, ?> originals) {
        super(DEFINITION, originals, false);
    }

    public Path db() {
        return Path.of(getString(DB));
    }

    public SynchronousMode synchronous() {
        return SynchronousMode.valueOf(getString(SYNCHRONOUS).toUpperCase(Locale.ROOT));
    }

    /** How long window rows are kept after their window ended; zero keeps them for ever. */
    public Duration windowRetention() {
        return parseDuration(WINDOW_RETENTION, getString(WINDOW_RETENTION));
    }

    public boolean resetDb() {
        return getBoolean(RESET_DB);
    }

    public String groupId() {
        return getString(GROUP_ID);
    }

    private static Duration parseDuration(final String name, final String value) {
        final Matcher matcher = DURATION.matcher(value == null ? "" : value.strip());
        if (!matcher.matches() || (matcher.group(2) == null && Long.parseLong(matcher.group(1)) != 0)) {
            throw new ConfigException(name, value, "must be 0 or a number with a unit: ms, s, m, h or d (e.g. 7d)");
        }
        final long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}
