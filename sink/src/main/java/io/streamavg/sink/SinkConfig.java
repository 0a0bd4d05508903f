package io.streamavg.sink;

import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.HttpEndpoints;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.sqlite.SQLiteConfig.SynchronousMode;

/** The options of {@code streamavg sink}. */
public final class SinkConfig extends AbstractConfig {

    public static final String DB = "db";
    public static final String SYNCHRONOUS = "synchronous";
    public static final String GROUP_ID = "group-id";

    public static final ConfigDef DEFINITION = KafkaClientSettings.define(HttpEndpoints.define(new ConfigDef(), HttpEndpoints.ALL_INTERFACES))
            .define(DB, Type.STRING, "processed_data.db", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The SQLite database file the statistics are written to (created if missing).")
            .define(SYNCHRONOUS, Type.STRING, "NORMAL", ConfigDef.CaseInsensitiveValidString.in("NORMAL", "FULL"),
                    Importance.LOW,
                    "SQLite's PRAGMA synchronous: NORMAL is safe here because the consumed offsets are committed in the"
                            + " same transaction as the statistics, so a transaction lost to a power cut is re-applied from Kafka.")
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

    public String groupId() {
        return getString(GROUP_ID);
    }
}
