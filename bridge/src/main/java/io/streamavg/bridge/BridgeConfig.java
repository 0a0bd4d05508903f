package io.streamavg.bridge;

import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.HttpEndpoints;
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

    public static final ConfigDef DEFINITION = KafkaClientSettings.define(HttpEndpoints.define(new ConfigDef(), HttpEndpoints.ALL_INTERFACES))
            .define(PORT, Type.INT, 9999, Range.between(0, 65535), Importance.HIGH,
                    "TCP port clients write CSV lines to (0 picks a free port).")
            .define(MAX_LINE_BYTES, Type.INT, 65536, Range.atLeast(1), Importance.MEDIUM,
                    "Longest line in bytes, without its terminator: a longer line is not published to raw-lines; its first"
                            + " max-line-bytes bytes go to raw-lines-dlq with reason line-too-long, and the connection stays open.")
            .define(MAX_CONNECTIONS, Type.INT, 1024, Range.atLeast(1), Importance.MEDIUM,
                    "Most clients connected at once: further clients are refused (accepted, then closed at once), logged and counted.");

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
}
