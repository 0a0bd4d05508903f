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
    public static final String MAX_BYTES_IN_FLIGHT = "max-bytes-in-flight";
    public static final String HEADER = "header";
    public static final String ACK = "ack";
    public static final String KEY = "key";
    public static final String KEY_NONE = "none";
    public static final String KEY_CONNECTION = "connection";
    public static final String TLS_CERT = "tls-cert";
    public static final String TLS_KEY = "tls-key";
    public static final String TLS_CLIENT_CA = "tls-client-ca";
    public static final String SHUTDOWN_TIMEOUT = "shutdown-timeout";
    public static final String EVENT_LOOPS = "event-loops";

    public static final ConfigDef DEFINITION = KafkaClientSettings.define(HttpEndpoints.define(new ConfigDef(), HttpEndpoints.ALL_INTERFACES))
            .define(PORT, Type.INT, 9999, Range.between(0, 65535), Importance.HIGH,
                    "TCP port clients write CSV lines to (0 picks a free port).")
            .define(HEADER, Type.BOOLEAN, false, Importance.MEDIUM,
                    "The first line of each connection names its columns (CSV, quoted names allowed): it is not counted itself,"
                            + " and travels with every later line of the connection as the record header streamavg.columns.")
            .define(ACK, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Write 'ok N' back to the client whenever Kafka has acknowledged the first N lines of the connection (N only"
                            + " grows; a header line is not counted); when the client closes its side, answer the final 'ok N' for"
                            + " every line read, then close. A connection may then open with 'session ID N' to resume a session"
                            + " after its first N lines (see the README).")
            .define(KEY, Type.STRING, KEY_NONE, ConfigDef.ValidString.in(KEY_NONE, KEY_CONNECTION), Importance.MEDIUM,
                    "Record key of the lines: none spreads them over the partitions (each event loop sends to one partition for a"
                            + " few batches, then to the next in turn; a connection's lines stay in order within each partition);"
                            + " connection keys every line"
                            + " of a connection with an id of that connection (a random UUID), so they stay in order on one partition."
                            + " Whatever this says, the lines of a resumable session (see ack) are keyed by its ID.")
            .define(MAX_LINE_BYTES, Type.INT, 65536, Range.atLeast(1), Importance.MEDIUM,
                    "Longest line in bytes, without its terminator: a longer line is not published to raw-lines; its first"
                            + " max-line-bytes bytes go to raw-lines-dlq with reason line-too-long, and the connection stays open.")
            .define(MAX_CONNECTIONS, Type.INT, 20_000, Range.atLeast(1), Importance.MEDIUM,
                    "Most clients connected at once: a further client reads one line, 'error refused: …', and is closed;"
                            + " refusals are logged and counted. Each connection needs a file descriptor (ulimit -n).")
            .define(IDLE_TIMEOUT, Type.INT, 0, Range.atLeast(0), Importance.LOW,
                    "Seconds a client may send nothing before the bridge closes its connection, after writing 'error idle …'"
                            + " (a line it had not ended is dropped); 0 never closes an idle client. Time paused by back-pressure"
                            + " does not count.")
            .define(MAX_BYTES_IN_FLIGHT, Type.LONG, 16L << 20, Range.atLeast(1024), Importance.LOW,
                    "Bytes of lines sent to Kafka and not yet acknowledged, over all clients, at which the bridge stops reading"
                            + " from every client (TCP then holds them back); reading resumes when acknowledgements bring them down"
                            + " to half. At most half the producer's buffer.memory (32 MiB by default), so that a send never waits.")
            .define(TLS_CERT, Type.STRING, "", Importance.MEDIUM,
                    "PEM file of the ingest port's TLS certificate, then its chain: with --tls-key, clients must connect with"
                            + " TLS; empty, plain TCP.")
            .define(TLS_KEY, Type.STRING, "", Importance.MEDIUM,
                    "PEM file of the private key of --tls-cert, unencrypted PKCS#8 ('BEGIN PRIVATE KEY'), RSA or EC.")
            .define(TLS_CLIENT_CA, Type.STRING, "", Importance.MEDIUM,
                    "PEM file of the certificates that sign client certificates: with it, a client must present a certificate"
                            + " they verify, or it is refused during the TLS handshake; empty, no client certificate is asked for.")
            .define(SHUTDOWN_TIMEOUT, Type.INT, 10, Range.atLeast(0), Importance.LOW,
                    "On SIGTERM, the longest the bridge goes on reading from connected clients, in seconds: a connection's"
                            + " input ends once nothing has arrived on it for 200 ms, or its client ended it, or this passes (an"
                            + " unfinished line is dropped); then every line read is delivered and, with --ack, answered with the"
                            + " final 'ok N'.")
            .define(EVENT_LOOPS, Type.INT, 0, Range.between(0, 1024), Importance.LOW,
                    "Threads that read from the clients and hand their lines to the producer; 0: one per two cores (the"
                            + " JVM's available processors), at least one. The producer's own thread, the garbage collector and"
                            + " the JIT need the others; more loops than that queue on the producer's locks.");

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

    public boolean header() {
        return getBoolean(HEADER);
    }

    public boolean ack() {
        return getBoolean(ACK);
    }

    public boolean keyByConnection() {
        return KEY_CONNECTION.equals(getString(KEY));
    }

    public long maxBytesInFlight() {
        return getLong(MAX_BYTES_IN_FLIGHT);
    }

    public Duration shutdownTimeout() {
        return Duration.ofSeconds(getInt(SHUTDOWN_TIMEOUT));
    }

    public String tlsCert() {
        return getString(TLS_CERT);
    }

    public String tlsKey() {
        return getString(TLS_KEY);
    }

    public String tlsClientCa() {
        return getString(TLS_CLIENT_CA);
    }

    /**
     * The event loops to run: --event-loops, or one per two available processors. On 2 cores, one
     * event loop spent 3.7-4.3 s of CPU on 2,000,000 lines where two spent 4.6-6.5 s, with fewer
     * monitor waits (docs/BENCHMARKS.md, the bridge bench, 2026-12-06).
     */
    public int eventLoops() {
        final int configured = getInt(EVENT_LOOPS);
        return configured > 0 ? configured : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public Duration idleTimeout() {
        return Duration.ofSeconds(getInt(IDLE_TIMEOUT));
    }
}
