package io.streamavg.local;

import io.streamavg.bridge.BridgeServer;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.Health;
import io.streamavg.runtime.Service;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.StartupException;
import io.streamavg.sink.SqliteSink;
import io.streamavg.topology.TopologyService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamavg local}: a real Kafka broker in this process, then the topology (which creates
 * the topics), the sink and the bridge, the same service classes the separate commands run,
 * sharing the process's meters and HTTP routes.
 */
public final class LocalStack implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final LocalConfig config;
    /** The broker's client port to start on, or 0 when the broker runs elsewhere. */
    private final int brokerPort;
    private final String bootstrap;
    private final TopologyService topology;
    private final SqliteSink sink;
    private final BridgeServer bridge;
    private volatile boolean brokerUp;
    // Guarded by this.
    private EmbeddedKafkaBroker broker;
    private DataDirLock dataDirLock;
    private boolean closed;

    public LocalStack(final LocalConfig config, final ServiceContext context) {
        this(config, context, null);
    }

    /**
     * The same stack on a broker that runs elsewhere, at {@code bootstrapServers} (null: start one
     * in this process): the end-to-end scenarios run this way on a broker in a container.
     */
    public LocalStack(final LocalConfig config, final ServiceContext context, final String bootstrapServers) {
        this.config = config;
        if (bootstrapServers == null) {
            final int port = config.getInt(LocalConfig.KAFKA_PORT);
            // Chosen now, so that the parts (and their routes) exist before anything starts.
            this.brokerPort = port == 0 ? EmbeddedKafkaBroker.freePort() : port;
            this.bootstrap = EmbeddedKafkaBroker.bootstrapServers(brokerPort);
        } else {
            this.brokerPort = 0;
            this.bootstrap = bootstrapServers;
        }
        this.topology = new TopologyService(config.topology(bootstrap), context);
        this.sink = new SqliteSink(config.sink(bootstrap), context);
        this.bridge = new BridgeServer(config.bridge(bootstrap), context);
    }

    @Override
    public void start(final Consumer<Throwable> onFatal) throws Exception {
        // Not synchronized with close(): Ctrl-C during start-up must not wait for start-up to end.
        // close() stops every part, started or not, and a part closed first refuses to start.
        if (brokerPort != 0) {
            // Before the broker or the topology touch the folder: a second stack on it would
            // corrupt the running one's broker (see DataDirLock).
            final DataDirLock lock = DataDirLock.acquire(config.dataDir());
            synchronized (this) {
                if (closed) {
                    lock.close();
                    throw new IllegalStateException("closed while starting");
                }
                dataDirLock = lock;
            }
            // Before the broker starts, so that a --db that cannot be used stops local at once; after
            // the lock, so that a second local's --reset-db cannot empty the running one's database.
            sink.openDatabase();
            final EmbeddedKafkaBroker started;
            try {
                started = EmbeddedKafkaBroker.start(config.dataDir().resolve("kafka"), brokerPort, brokerSettings(availableProcessors()));
            } catch (IllegalStateException e) {
                throw new StartupException(e.getMessage() + " (--" + LocalConfig.KAFKA_PORT + ")", e);
            }
            synchronized (this) {
                if (closed) {
                    started.close();
                    throw new IllegalStateException("closed while starting");
                }
                broker = started;
            }
        }
        brokerUp = true;
        topology.start(onFatal);
        sink.start(onFatal);
        // Last, so that clients are accepted only once everything downstream runs.
        bridge.start(onFatal);
        LOG.info("streamavg local: ingest on port {}, Kafka bootstrap {}, data in {}", ingestPort(), bootstrapServers(),
                config.dataDir().toAbsolutePath());
    }

    /**
     * What {@code local}'s broker differs in from Kafka's defaults, which are made for a broker on a
     * machine of its own, serving many clients. Here it serves one process's clients, on the cores it
     * shares with them, and mostly waits: every setting below is a timer or a thread that costs CPU
     * while nothing happens (docs/BENCHMARKS.md, "The resources bench").
     * <ul>
     * <li>Request threads no more than the cores (Kafka: 8 handlers and 3 network threads, for the
     * broker and again for the controller); each idle handler wakes every 300 ms.</li>
     * <li>One group coordinator thread (Kafka: 4) for local's two consumer groups; each wakes about 3.5
     * times a second while idle.</li>
     * <li>The controller's no-op record every 5 s instead of 500 ms ({@code metadata.max.idle.interval.ms}):
     * each is an append to the metadata log and a flush, written so that the metadata log moves, and
     * its lag metrics mean something, while nothing changes (KIP-835); a single node in one process
     * has no other node to show it to. The raft thread went from 19 wake-ups a second to 2.</li>
     * </ul>
     */
    static Map<String, String> brokerSettings(final int processors) {
        return Map.of("num.io.threads", Integer.toString(Math.min(8, Math.max(2, processors))),
                "num.network.threads", Integer.toString(Math.min(3, Math.max(1, processors / 2))),
                "group.coordinator.threads", "1",
                "metadata.max.idle.interval.ms", "5000");
    }

    private static int availableProcessors() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The port clients write lines to. */
    public int ingestPort() {
        return bridge.port();
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    @Override
    public synchronized Health readiness() {
        if (closed) {
            return Health.down("closed");
        }
        final Map<String, Health> parts = new LinkedHashMap<>();
        parts.put("broker", brokerUp ? Health.up() : Health.down("starting"));
        parts.put("topology", topology.readiness());
        parts.put("sink", sink.readiness());
        parts.put("bridge", bridge.readiness());
        return Health.allOf(parts);
    }

    @Override
    public Health liveness() {
        final Map<String, Health> parts = new LinkedHashMap<>();
        parts.put("topology", topology.liveness());
        parts.put("sink", sink.liveness());
        parts.put("bridge", bridge.liveness());
        return Health.allOf(parts);
    }

    /**
     * Stops ingest first and lets the bridge deliver what it accepted, then the topology (which
     * commits what it processed), the sink and the broker: a restart continues from there.
     */
    @Override
    public void close() {
        final List<AutoCloseable> parts = new ArrayList<>(List.of(bridge, topology, sink));
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (broker != null) {
                parts.add(broker);
            }
            if (dataDirLock != null) {
                // Last: another stack may use the folder only once this one's broker has stopped.
                parts.add(dataDirLock);
            }
        }
        final List<RuntimeException> failures = new ArrayList<>();
        for (final AutoCloseable part : parts) {
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
