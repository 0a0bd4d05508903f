package io.streamavg.bridge;

import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.HttpEndpoints;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The options of {@code streamavg bridge}; their docs are its {@code --help} and README table. */
public final class BridgeConfig extends AbstractConfig {

    public static final String PORT = "port";
    public static final String MAX_LINE_BYTES = "max-line-bytes";
    public static final String MAX_CONNECTIONS = "max-connections";
    public static final String IDLE_TIMEOUT = "idle-timeout";

    public static final ConfigDef DEFINITION = KafkaClientSettings.define(HttpEndpoints.define(new ConfigDef(), HttpEndpoints.ALL_INTERFACES))
            .define(PORT, Type.INT, 9999, Range.between(0, 65535), Importance.HIGH,
                    "TCP port clients write CSV lines to (0 picks a free port).")
            .define(MAX_LINE_BYTES, Type.INT, 65536, Range.atLeast(1), Importance.MEDIUM,
                    "Longest line in bytes, without its terminator: a longer line is not published to raw-lines; its first"
                            + " max-line-bytes bytes go to raw-lines-dlq with reason line-too-long, and the connection stays open.")
            .define(MAX_CONNECTIONS, Type.INT, 20_000, Range.atLeast(1), Importance.MEDIUM,
                    "Most clients connected at once: a further client reads one line, 'error refused: …', and is closed;"
                            + " refusals are logged and counted. Each connection needs a file descriptor (ulimit -n).")
            .define(IDLE_TIMEOUT, Type.INT, 0, Range.atLeast(0), Importance.LOW,
                    "Seconds a client may send nothing before the bridge closes its connection, after writing 'error idle …'"
                            + " (a line it had not ended is dropped); 0 never closes an idle client. Time paused by back-pressure"
                            + " does not count.");

    /** @throws org.apache.kafka.common.config.ConfigException naming a missing or invalid option */
    public BridgeConfig(final Map<String, ?> originals) {
        super(DEFINITION, originals);
    }

    public String bindAddress() {
        return getString(HttpEndpoints.BIND_ADDRESS);
    }

    public int port() {
        return getInt(PORT);
    }

    public int maxLineBytes() {
        return getInt(MAX_LINE_BYTES);
    }

    public int maxConnections() {
        return getInt(MAX_CONNECTIONS);
    }

    public Duration idleTimeout() {
        return Duration.ofSeconds(getInt(IDLE_TIMEOUT));
    }
}
