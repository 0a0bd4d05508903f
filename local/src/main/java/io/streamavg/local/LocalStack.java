package io.streamavg.local;

import io.streamavg.bridge.BridgeServer;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.service.Readiness;
import io.streamavg.service.Service;
import io.streamavg.service.TopicSetup;
import io.streamavg.sink.SqliteSink;
import io.streamavg.topology.TopologyConfig;
import io.streamavg.topology.TopologyService;
import io.streamavg.wire.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamavg local}: a real Kafka broker in this process, the topics, then the topology,
 * the sink and the bridge, the same service classes the separate commands run.
 */
public final class LocalStack implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private final LocalConfig config;
    /** A broker that runs elsewhere, or null to start one in this process. */
    private final String externalBootstrap;
    private volatile EmbeddedKafkaBroker broker;
    private volatile String bootstrap;
    private volatile TopologyService topology;
    private volatile SqliteSink sink;
    private volatile BridgeServer bridge;
    private volatile boolean closed;

    public LocalStack(final LocalConfig config) {
        this(config, null);
    }

    /**
     * The same stack on a broker that runs elsewhere, at {@code bootstrapServers}: the end-to-end
     * scenarios run this way on a broker in a container.
     */
    public LocalStack(final LocalConfig config, final String bootstrapServers) {
        this.config = config;
        this.externalBootstrap = bootstrapServers;
    }

    @Override
    public void start(final Consumer<Throwable> onFatal) throws Exception {
        // Not synchronized with close(): Ctrl-C during start-up must not wait for start-up to end.
        // Each part is registered before it starts, so close() stops whatever exists by then.
        if (externalBootstrap == null) {
            final EmbeddedKafkaBroker started;
            try {
                started = EmbeddedKafkaBroker.start(config.dataDir().resolve("kafka"), config.getInt(LocalConfig.KAFKA_PORT));
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + " (--" + LocalConfig.KAFKA_PORT + ")", e);
            }
            register(started, part -> broker = part);
            bootstrap = broker.bootstrapServers();
        } else {
            bootstrap = externalBootstrap;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicSetup.createMissing(admin, Topics.definitions(config.getInt(TopologyConfig.PARTITIONS)), TOPIC_TIMEOUT);
        }
        register(new TopologyService(config.topology(bootstrap)), part -> topology = part).start(onFatal);
        register(new SqliteSink(config.sink(bootstrap)), part -> sink = part).start(onFatal);
        // Last, so that clients are accepted only once everything downstream runs.
        register(new BridgeServer(config.bridge(bootstrap)), part -> bridge = part).start(onFatal);
        LOG.info("streamavg local: ingest on port {}, Kafka bootstrap {}, data in {}", bridge.port(), bootstrap,
                config.dataDir().toAbsolutePath());
    }

    /** Hands {@code part} to close() through {@code field}, or closes it at once when the stack was closed meanwhile. */
    private <T extends AutoCloseable> T register(final T part, final Consumer<T> field) throws Exception {
        synchronized (this) {
            if (!closed) {
                field.accept(part);
                return part;
            }
        }
        part.close();
        throw new IllegalStateException("closed while starting");
    }

    /** The port clients write lines to. */
    public int ingestPort() {
        return bridge.port();
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public BridgeServer bridge() {
        return bridge;
    }

    @Override
    public Readiness readiness() {
        if (closed) {
            return Readiness.down("closed");
        }
        final Map<String, Readiness> parts = new LinkedHashMap<>();
        parts.put("broker", bootstrap == null ? Readiness.down("starting") : Readiness.up());
        parts.put("topology", topology == null ? Readiness.down("not started") : topology.readiness());
        parts.put("sink", sink == null ? Readiness.down("not started") : sink.readiness());
        parts.put("bridge", bridge == null ? Readiness.down("not started") : bridge.readiness());
        return Readiness.allOf(parts);
    }

    /**
     * Stops ingest first and lets the bridge deliver what it accepted, then the topology (which
     * commits what it processed), the sink and the broker: a restart continues from there.
     */
    @Override
    public void close() {
        final AutoCloseable[] parts;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            parts = new AutoCloseable[] {bridge, topology, sink, broker};
        }
        final List<RuntimeException> failures = new ArrayList<>();
        for (final AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                LOG.error("Closing {} failed", part.getClass().getSimpleName(), e);
                failures.add(e instanceof RuntimeException re ? re : new IllegalStateException(e));
            }
        }
        if (!failures.isEmpty()) {
            final RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
        LOG.info("streamavg local stopped");
    }
}
