package io.streamavg.bridge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.streamavg.runtime.KafkaClientSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamavg.runtime.Health;
import io.streamavg.runtime.HttpEndpoints;
import io.streamavg.runtime.Service;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.ServiceRunner;
import io.streamavg.runtime.StartupException;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.wire.Topics;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP ingest server: every line a client writes becomes one record on raw-lines, unchanged,
 * timestamped with the time it was received. It owns the event loops, the listening socket and
 * the producer; {@link BridgeChannelInitializer} sets up each connection.
 */
public final class BridgeServer implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeServer.class);
    static final List<String> TOPICS = List.of(Topics.RAW_LINES, Topics.RAW_LINES_DLQ);
    private static final Duration TOPICS_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration NETWORK_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration METADATA_KEPT = Duration.ofDays(365);
    private static final Duration METADATA_POLL = Duration.ofMillis(50);
    /** The producer's close gets this long even when the connections took all the shutdown's time. */
    private static final Duration PRODUCER_CLOSE_AT_LEAST = Duration.ofSeconds(5);
    static final int BATCHES_PER_PARTITION_TURN = 4;

    /** Returns once the broker serves every partition of {@link #TOPICS}, or throws. */
    @FunctionalInterface
    interface TopicCheck {
        void awaitServed(Duration timeout) throws Exception;
    }

    private final BridgeConfig config;
    private final Supplier<Producer<byte[], byte[]>> producerFactory;
    private final MeterRegistry registry;
    private final TopicCheck topicCheck;
    private final Duration deliveryTimeout;
    private final long rotateAfterBytes;
    private final BridgeMeters meters;
    /** Null for plain TCP. */
    private final SslContext tls;
    private Producer<byte[], byte[]> producer;
    private RecordSender sender;
    private KafkaClientMetrics producerMetrics;
    private volatile Health readiness = Health.down("not started");

    // Guarded by this: start and close may race (a shutdown hook during start).
    private boolean started;
    private boolean closed;
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private ChannelGroup clients;
    private InFlightBytes inFlight;
    private Channel listener;

    /** Resolves the settings now, so that a bad one fails before anything starts; connects to Kafka in {@link #start}. */
    public BridgeServer(final BridgeConfig config, final ServiceContext context) {
        this(config, context, producerSettings(config));
    }

    private BridgeServer(final BridgeConfig config, final ServiceContext context, final Map<String, Object> producerSettings) {
        this(config, context, producerFactory(producerSettings), deliveryTimeout(producerSettings), rotateAfterBytes(producerSettings),
                timeout -> {
                    try (Admin admin = Admin.create(adminSettings(config))) {
                        TopicSetup.awaitServed(admin, TOPICS, timeout);
                    }
                });
    }

    /** For tests: a stand-in producer, and a stand-in for asking the broker about the topics. */
    BridgeServer(final BridgeConfig config, final ServiceContext context, final Supplier<Producer<byte[], byte[]>> producerFactory,
                 final TopicCheck topicCheck) {
        this(config, context, producerFactory, Duration.ofMinutes(2), RecordSender.DEFAULT_ROTATE_AFTER_BYTES, topicCheck);
    }

    private BridgeServer(final BridgeConfig config, final ServiceContext context, final Supplier<Producer<byte[], byte[]>> producerFactory,
                         final Duration deliveryTimeout, final long rotateAfterBytes, final TopicCheck topicCheck) {
        this.deliveryTimeout = deliveryTimeout;
        this.rotateAfterBytes = rotateAfterBytes;
        this.config = config;
        this.producerFactory = producerFactory;
        this.topicCheck = topicCheck;
        this.registry = context.meters();
        this.meters = new BridgeMeters(registry);
        this.tls = ServerTls.of(config);
    }

    private static Supplier<Producer<byte[], byte[]>> producerFactory(final Map<String, Object> settings) {
        return () -> new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Duration deliveryTimeout(final Map<String, Object> settings) {
        return Duration.ofMillis((Integer) producerSetting(settings, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ConfigDef.Type.INT));
    }

    /**
     * An event loop's unkeyed lines go to one partition for this many bytes (see {@link LinePartitions}):
     * a few of the producer's batches, so that most batches close full, not at linger.ms, and the
     * broker gets fewer, larger ones. The producer's own sticky partitioner moves on after one.
     */
    private static long rotateAfterBytes(final Map<String, Object> settings) {
        return BATCHES_PER_PARTITION_TURN * (Integer) producerSetting(settings, ProducerConfig.BATCH_SIZE_CONFIG, ConfigDef.Type.INT);
    }

    private static Object producerSetting(final Map<String, Object> settings, final String name, final ConfigDef.Type type) {
        return ConfigDef.parseType(name, settings.getOrDefault(name, ProducerConfig.configDef().defaultValues().get(name)), type);
    }

    /**
     * Tuning, which the Kafka client settings (--kafka-config, STREAMAVG_KAFKA_*) may change. A
     * batch of 64 KiB, not the producer's 16 KiB: the producer sends at most one batch per
     * partition in a request and 5 requests at a time, so when lines come faster than the broker
     * answers, the batch size bounds what is on its way (docs/BENCHMARKS.md, the bridge bench).
     */
    private static final Map<String, Object> TUNING = Map.of(
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
            ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);

    /**
     * The producer settings the bridge uses unless told otherwise, guarantees then tuning, as
     * {@code name=value} for a tool such as Kafka's ProducerPerformance to produce as the bridge does.
     */
    public static Map<String, String> producerDefaults() {
        final Map<String, String> defaults = new TreeMap<>();
        defaults.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        defaults.put(ProducerConfig.ACKS_CONFIG, "all");
        TUNING.forEach((name, value) -> defaults.put(name, String.valueOf(value)));
        return defaults;
    }

    /** @throws ConfigException when --max-bytes-in-flight does not fit twice in the producer's buffer.memory */
    static Map<String, Object> producerSettings(final BridgeConfig config) {
        final Map<String, Object> settings = clientSettings(config, ProducerConfig.configNames());
        // Not the user's to weaken: every acknowledged line is in the log, once.
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        // send() runs on an event loop, which must never wait: the metadata of both topics is
        // fetched at start, --max-bytes-in-flight keeps the buffer from filling, and should it
        // fill all the same, the send fails at once (counted, logged, its connection closed)
        // instead of stalling every client of that event loop for up to a minute.
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
        // A topic not written for this long leaves the producer's metadata, and the next send to
        // it would then need a fetch, which a send that never waits cannot make: raw-lines-dlq
        // may see no line for days.
        settings.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, METADATA_KEPT.toMillis());
        TUNING.forEach(settings::putIfAbsent);
        final long buffer = (Long) producerSetting(settings, ProducerConfig.BUFFER_MEMORY_CONFIG, ConfigDef.Type.LONG);
        if (config.maxBytesInFlight() > buffer / 2) {
            throw new ConfigException(BridgeConfig.MAX_BYTES_IN_FLIGHT, config.maxBytesInFlight(),
                    "must be at most half the producer's buffer.memory (" + buffer + "): raise buffer.memory"
                            + " (STREAMAVG_KAFKA_BUFFER_MEMORY) or lower it");
        }
        return settings;
    }

    /** The admin client's, which asks whether the topics are served: the same connection settings as the producer's. */
    static Map<String, Object> adminSettings(final BridgeConfig config) {
        return clientSettings(config, AdminClientConfig.configNames());
    }

    /** The pass-through settings this client knows, so that it does not log the others as unused. */
    private static Map<String, Object> clientSettings(final BridgeConfig config, final Set<String> known) {
        final Map<String, Object> settings = new HashMap<>(KafkaClientSettings.resolve(config));
        settings.keySet().retainAll(known);
        return settings;
    }

    @Override
    public void start(final Consumer<Throwable> onFatal) throws Exception {
        synchronized (this) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            started = true;
            producer = producerFactory.get();
            sender = new RecordSender(producer, deliveryTimeout, meters, rotateAfterBytes);
            producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(registry);
            readiness = Health.down("waiting for partitions of " + String.join(" and ", TOPICS) + " to be served");
        }
        try {
            // Producing right after the topics were created can lose idempotent batches
            // (KAFKA-15591): no client is accepted before the broker serves every partition.
            topicCheck.awaitServed(TOPICS_TIMEOUT);
            awaitProducerMetadata(TOPICS_TIMEOUT);
            listen(onFatal);
        } catch (Exception e) {
            synchronized (this) {
                if (!closed) {
                    readiness = Health.down("failed to start: " + e);
                }
            }
            throw e;
        }
        LOG.info("Bridge listening on port {}{}, publishing to {}", port(), tls == null ? "" : " (TLS)", Topics.RAW_LINES);
    }

    /**
     * Sends never wait for metadata (max.block.ms is 0), so the producer must hold both topics'
     * before the first client: each call that finds them missing asks for them and fails at once.
     */
    private void awaitProducerMetadata(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        for (final String topic : TOPICS) {
            while (true) {
                try {
                    producer.partitionsFor(topic);
                    break;
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new StartupException("the producer did not get the metadata of " + topic + " within " + timeout, e);
                    }
                    Thread.sleep(METADATA_POLL.toMillis()); // polls the producer's metadata; nothing to wait on
                }
            }
        }
    }

    private synchronized void listen(final Consumer<Throwable> onFatal) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("closed while starting");
        }
        acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(config.eventLoops(), NioIoHandler.newFactory());
        clients = new DefaultChannelGroup("bridge-clients", GlobalEventExecutor.INSTANCE);
        inFlight = new InFlightBytes(config.maxBytesInFlight(), clients, meters);
        final ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                // A FIN then reaches the framer as an event, so it can tell a clean end from a reset.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new BridgeChannelInitializer(sender, meters, clients, inFlight, ConnectionRules.of(config), tls));
        try {
            listener = bootstrap.bind(new InetSocketAddress(config.bindAddress(), config.port())).sync().channel();
        } catch (Exception e) {
            throw new StartupException("the bridge cannot listen on " + config.bindAddress() + ":" + config.port()
                    + " (--" + BridgeConfig.PORT + ", --" + HttpEndpoints.BIND_ADDRESS + "): " + e.getMessage(), e);
        }
        listener.closeFuture().addListener(future -> listenerClosed(onFatal));
        readiness = Health.up();
    }

    private void listenerClosed(final Consumer<Throwable> onFatal) {
        synchronized (this) {
            if (closed) {
                return;
            }
            readiness = Health.down("the listening socket closed");
        }
        onFatal.accept(new IllegalStateException("the bridge's listening socket on port " + config.port() + " closed"));
    }

    /** The port clients connect to: the one bound, when the configured port is 0. */
    public int port() {
        return listeningAddress().getPort();
    }

    /** Where the ingest socket listens (--bind-address, --port). */
    public synchronized InetSocketAddress listeningAddress() {
        if (listener == null) {
            throw new IllegalStateException("not started");
        }
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public Health readiness() {
        return readiness;
    }

    /**
     * Live until the listening socket closes by itself (then {@code onFatal} ends the process
     * anyway); waiting for Kafka at start is live.
     */
    @Override
    public Health liveness() {
        final boolean lost;
        synchronized (this) {
            lost = listener != null && !listener.isOpen() && !closed;
        }
        return lost ? Health.down("the listening socket closed") : Health.up();
    }

    public BridgeCounters counters() {
        return meters.snapshot();
    }

    /** Bytes sent to Kafka and not yet answered; 0 before start. */
    synchronized long bytesInFlight() {
        return inFlight == null ? 0 : inFlight.bytes();
    }

    /** Whether every client is paused by back-pressure now. */
    synchronized boolean pausedByBackPressure() {
        return inFlight != null && inFlight.paused();
    }

    /**
     * Stops accepting, then reads on what connected clients already sent, for up to
     * --shutdown-timeout ({@link DrainGate}); each connection then finishes as after its client's
     * half-close: every line read is sent, and with --ack the client reads its final {@code ok N}
     * once Kafka has answered them all, before the close. Connections not finished within
     * {@link ServiceRunner#CLOSE_TIMEOUT} more are closed, and the producer, closed last, waits for
     * what is still unanswered (a send then still unanswered fails and is counted as failed).
     */
    @Override
    public void close() {
        final Channel listening;
        final ChannelGroup connections;
        final EventLoopGroup[] groups;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            readiness = Health.down("closed");
            listening = listener;
            connections = clients;
            groups = new EventLoopGroup[] {acceptor, workers};
        }
        final long start = System.nanoTime();
        final long deadline = start + config.shutdownTimeout().plus(ServiceRunner.CLOSE_TIMEOUT).toNanos();
        if (listening != null) {
            listening.close().awaitUninterruptibly(NETWORK_CLOSE_TIMEOUT.toMillis());
        }
        if (connections != null) {
            finish(connections, deadline);
            connections.close().awaitUninterruptibly(NETWORK_CLOSE_TIMEOUT.toMillis());
        }
        for (final EventLoopGroup group : groups) {
            if (group != null) {
                // No quiet period: every channel is closed already, and no send comes from a closed one.
                group.shutdownGracefully(0, NETWORK_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .awaitUninterruptibly(NETWORK_CLOSE_TIMEOUT.toMillis());
            }
        }
        // close(timeout) is the bounded flush: a plain flush() first could wait out
        // delivery.timeout.ms (2 minutes by default) while the broker is away.
        if (producer != null) {
            sender.close();
            producer.close(Duration.ofNanos(Math.max(deadline - System.nanoTime(), PRODUCER_CLOSE_AT_LEAST.toNanos())));
            producerMetrics.close();
        }
        LOG.info("Bridge closed in {} ms: {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), counters());
    }

    /** Lets every connection read what its client sent and finish, until {@code deadline} at the latest. */
    private void finish(final ChannelGroup connections, final long deadline) {
        final ChannelGroupFuture allClosed = connections.newCloseFuture();
        final int open = connections.size();
        if (open > 0) {
            LOG.info("Stopping: reading what {} connected clients sent, for up to {} s (--{})", open,
                    config.shutdownTimeout().toSeconds(), BridgeConfig.SHUTDOWN_TIMEOUT);
        }
        connections.forEach(channel -> DrainGate.drain(channel, config.shutdownTimeout()));
        if (!allClosed.awaitUninterruptibly(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))) {
            LOG.warn("Stopping: {} connections not finished in time are closed; lines they sent may be unanswered",
                    connections.size());
        }
    }
}
