package io.streamavg.bridge;

import java.time.Duration;

/**
 * What the bridge's options say about every connection, read once from {@link BridgeConfig}.
 *
 * @param maxLineBytes   longest line published; longer ones go to the dead-letter topic cut to this
 * @param maxConnections clients served at once; more are refused with a reason
 * @param idleTimeout    a client that sends nothing for this long is closed; zero: never
 * @param header         the first line of a connection names its columns
 * @param ack            the client is told how many of its lines Kafka acknowledged
 * @param keyByConnection every record of a connection has the connection's id as its key
 */
record ConnectionRules(int maxLineBytes, int maxConnections, Duration idleTimeout, boolean header, boolean ack,
                       boolean keyByConnection) {

    static ConnectionRules of(final BridgeConfig config) {
        return new ConnectionRules(config.maxLineBytes(), config.maxConnections(), config.idleTimeout(), config.header(), config.ack(),
                config.keyByConnection());
    }
}
