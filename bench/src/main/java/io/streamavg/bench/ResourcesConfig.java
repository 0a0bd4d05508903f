package io.streamavg.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The options of {@code streamavg bench resources}. */
final class ResourcesConfig extends AbstractConfig {

    static final String LINES = "lines";
    static final String COLUMNS = "columns";
    static final String CONNECTIONS = "connections";
    static final String SETTLE = "settle";
    static final String IDLE = "idle";
    static final String PROBES = "probes";
    static final String JAVA_OPTS = "java-opts";
    static final String LOCAL_OPTIONS = "local-options";
    static final String TIMEOUT = "timeout";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(LINES, Type.LONG, 2_000_000L, Range.between(1L, 1_000_000_000L), Importance.HIGH,
                    "Lines sent between the two idle measurements; the memory is read once SQLite counts them all.")
            .define(COLUMNS, Type.INT, 8, Range.between(1, 512), Importance.MEDIUM, "Numbers per line.")
            .define(CONNECTIONS, Type.INT, 16, Range.between(1, 1024), Importance.MEDIUM, "TCP connections of the load generator.")
            .define(SETTLE, Type.LONG, 30L, Range.between(0L, 3600L), Importance.MEDIUM,
                    "Seconds local is left alone before each idle measurement: after readiness, the JIT compiler is still "
                            + "busy; after the load, the last commits and the compiler.")
            .define(IDLE, Type.LONG, 60L, Range.between(5L, 3600L), Importance.HIGH,
                    "Seconds each idle measurement lasts: local's CPU time over them, in % of one core.")
            .define(PROBES, Type.INT, 10, Range.between(0, 1000), Importance.MEDIUM,
                    "Single lines sent one at a time to the idle stack at the end, each timed until SQLite counts it: the "
                            + "latency an idle local gives a lone line (none with 0).")
            .define(JAVA_OPTS, Type.STRING, "", Importance.MEDIUM,
                    "JAVA_OPTS of the local under test (the JAVA_OPTS of this command's environment are not passed on): "
                            + "empty measures the launcher's defaults, anything else what it overrides.")
            .define(LOCAL_OPTIONS, Type.LIST, "", Importance.MEDIUM,
                    "Further options of the local under test, comma-separated (--num-stream-threads,1); its ports, "
                            + "--data-dir and --db are the bench's.")
            .define(TIMEOUT, Type.LONG, 900L, Range.between(10L, 86_400L), Importance.LOW,
                    "Seconds the whole run may take before it is abandoned.");

    ResourcesConfig(final Map<String, String> settings) {
        super(DEFINITION, settings, false);
        if (lines() < connections()) {
            throw new ConfigException(LINES, lines(), "must be at least --" + CONNECTIONS + " (" + connections() + ")");
        }
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

    Duration settle() {
        return Duration.ofSeconds(getLong(SETTLE));
    }

    Duration idle() {
        return Duration.ofSeconds(getLong(IDLE));
    }

    int probes() {
        return getInt(PROBES);
    }

    String javaOpts() {
        return getString(JAVA_OPTS).strip();
    }

    List<String> localOptions() {
        return getList(LOCAL_OPTIONS);
    }

    Duration timeout() {
        return Duration.ofSeconds(getLong(TIMEOUT));
    }
}
