package io.streamavg.bench;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The options of {@code streamavg loadgen}. */
final class LoadgenConfig extends AbstractConfig {

    static final String HOST = "host";
    static final String PORT = "port";
    static final String CONNECTIONS = "connections";
    static final String RATE = "rate";
    static final String LINES = "lines";
    static final String DURATION = "duration";
    static final String COLUMNS = "columns";
    static final String SEED = "seed";
    static final String HEADER = "header";
    static final String ACK = "ack";
    static final String ACK_TIMEOUT = "ack-timeout";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(HOST, Type.STRING, "localhost", new ConfigDef.NonEmptyString(), Importance.HIGH, "The bridge's host.")
            .define(PORT, Type.INT, 9999, Range.between(1, 65_535), Importance.HIGH, "The bridge's ingest port.")
            .define(CONNECTIONS, Type.INT, 1, Range.between(1, 100_000), Importance.HIGH,
                    "Concurrent connections, each on its own thread; the lines and the rate are shared evenly between them.")
            .define(RATE, Type.LONG, 0L, Range.atLeast(0L), Importance.HIGH,
                    "Lines per second over all connections; 0 sends as fast as the bridge reads.")
            .define(LINES, Type.LONG, 1_000_000L, Range.atLeast(0L), Importance.HIGH,
                    "Lines to send over all connections; 0 for no limit (then --duration ends the run).")
            .define(DURATION, Type.LONG, 0L, Range.atLeast(0L), Importance.MEDIUM,
                    "Seconds to send for; 0 for no limit (then --lines ends the run). With both, whichever comes first.")
            .define(COLUMNS, Type.INT, 8, Range.between(1, 1024), Importance.MEDIUM,
                    "Numbers per line: random decimals in [-1000, 1000) with three decimals, about 8 bytes each.")
            .define(SEED, Type.LONG, 1L, Importance.MEDIUM,
                    "Seed of the values: the same seed and options send the same bytes (connection i uses seed + i).")
            .define(HEADER, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Start each connection with a header line naming the columns (c0,c1,…), for a bridge in --header mode.")
            .define(ACK, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Read the 'ok N' acknowledgements of a bridge in --ack mode, show them, and at the end half-close each "
                            + "connection and wait until every line sent is acknowledged; the run fails otherwise.")
            .define(ACK_TIMEOUT, Type.LONG, 60L, Range.atLeast(1L), Importance.LOW,
                    "With --ack, seconds to wait after the last line for the final acknowledgement of each connection.");

    LoadgenConfig(final Map<String, String> settings) {
        super(DEFINITION, settings, false);
        if (getLong(LINES) == 0 && getLong(DURATION) == 0) {
            throw new ConfigException(LINES, 0, "a run needs an end: set --lines or --duration above 0");
        }
    }

    String host() {
        return getString(HOST);
    }

    int port() {
        return getInt(PORT);
    }

    int connections() {
        return getInt(CONNECTIONS);
    }

    /** Lines the {@code index}-th connection sends, or -1 for no limit: the remainder goes to the first ones. */
    long linesOf(final int index) {
        final long lines = getLong(LINES);
        if (lines == 0) {
            return -1;
        }
        final int connections = connections();
        return lines / connections + (index < lines % connections ? 1 : 0);
    }

    /** Lines per second of one connection, 0 for as fast as possible. */
    double ratePerConnection() {
        return (double) getLong(RATE) / connections();
    }

    Duration duration() {
        return Duration.ofSeconds(getLong(DURATION));
    }

    int columns() {
        return getInt(COLUMNS);
    }

    long seed() {
        return getLong(SEED);
    }

    boolean header() {
        return getBoolean(HEADER);
    }

    boolean ack() {
        return getBoolean(ACK);
    }

    Duration ackTimeout() {
        return Duration.ofSeconds(getLong(ACK_TIMEOUT));
    }
}
