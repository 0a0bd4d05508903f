package io.streamavg.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one) running inside this JVM on
 * loopback, with its data in a folder of its own. It serves {@code ./streamavg local} and the
 * integration tests alike. Started again on the same folder it keeps its topics, records and
 * committed offsets.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaRaftServer server;
    private final int port;

    private EmbeddedKafkaBroker(final KafkaRaftServer server, final int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Formats {@code dataDir} if it is new, starts the broker and returns once it accepts clients.
     *
     * @param port the client port on 127.0.0.1; 0 picks a free one
     */
    public static EmbeddedKafkaBroker start(final Path dataDir, final int port) throws Exception {
        return start(dataDir, port, Map.of());
    }

    /**
     * The same, with broker settings of the caller's on top of this class's (e.g. fewer threads
     * for {@code ./streamavg local}, whose broker serves one process).
     */
    public static EmbeddedKafkaBroker start(final Path dataDir, final int port, final Map<String, String> settings) throws Exception {
        final int clientPort = port == 0 ? freePort() : port;
        final int controllerPort = freePort();
        final Path logDir = dataDir.toAbsolutePath().resolve("kafka-logs");
        Files.createDirectories(logDir);

        final Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("default.replication.factor", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // After a crash the broker's old registration must expire before it may register again.
        // Shorter than the 9 s default, but not the 1.5 s that restarts fastest: on two busy
        // cores the controller then timed out the broker's own heartbeats and fenced it.
        props.put("broker.heartbeat.interval.ms", "1000");
        props.put("broker.session.timeout.ms", "6000");
        // Only the pipeline's own topics exist: a typo in a client must not create a new one.
        props.put("auto.create.topics.enable", "false");
        // The log cleaner allocates its whole dedupe buffer on the heap when it starts: 128 MiB by
        // default, most of the process's live heap. 16 MiB still maps about 600,000 distinct keys
        // per cleaning pass; the compacted topics here (changelogs, offsets) hold a few hundred.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        props.putAll(settings);

        final KafkaConfig config = KafkaConfig.fromProps(props, false);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            final Formatter formatter = new Formatter()
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setUnstableFeatureVersionsEnabled(false)
                    .setPrintStream(LogPrintStream.INFO);
            formatter.run();
        }
        final KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            server.awaitShutdown();
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new IllegalStateException("the Kafka broker could not start on " + HOST + ":" + clientPort + ": " + cause.getMessage(), e);
        }
        LOG.info("Kafka broker ready on {}:{} (data in {})", HOST, clientPort, logDir);
        return new EmbeddedKafkaBroker(server, clientPort);
    }

    public String bootstrapServers() {
        return bootstrapServers(port);
    }

    /** The bootstrap address of a broker started on {@code port}. */
    public static String bootstrapServers(final int port) {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the broker and waits until it has; its ports are free again on return. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka broker on {}:{} stopped", HOST, port);
    }

    /** A port free right now on loopback; a race with another process binding it is possible but rare. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }
}
