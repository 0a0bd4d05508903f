package io.streamavg.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.streamavg.dashboard.DashboardRoutes;
import io.streamavg.runtime.Health;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.Service;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.ServiceRunner;
import io.streamavg.runtime.StartupException;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.wire.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka Streams instance running {@link StatsTopology}; more instances with the same application
 * id share the work. It answers the live queries ({@link AveragesRoutes}) on its service's HTTP
 * routes, for every column, asking the other instances at their {@code application.server}.
 */
public final class TopologyService implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyService.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private final StatsTopologyConfig config;
    private final Properties streamsProperties;
    private final MeterRegistry registry;
    private final TopologyMeters meters;
    private final HttpRoutes routes;
    private volatile KafkaStreams streams;
    private volatile HostInfo applicationServer = HostInfo.unavailable();
    private volatile KafkaStreamsMetrics streamsMetrics;
    private volatile boolean closed;

    public TopologyService(final StatsTopologyConfig config, final ServiceContext context) {
        this.config = config;
        this.streamsProperties = config.streamsProperties();
        this.registry = context.meters();
        this.meters = new TopologyMeters(registry);
        this.routes = context.routes();
        new AveragesRoutes(this, StatsTopology.totalsTopic(streamsProperties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)),
                new PeerClient(), config.windowSize(), config.windowStoreRetention(), Clock.systemUTC()).register(routes);
        DashboardRoutes.register(routes);
    }

    @Override
    public void start(final Consumer<Throwable> onFatal) throws Exception {
        checkStateDir();
        try (Admin admin = Admin.create(streamsProperties)) {
            final var topics = Topics.definitions(config.getInt(StatsTopologyConfig.PARTITIONS));
            TopicSetup.createMissing(admin, topics, TOPIC_TIMEOUT);
            TopicSetup.awaitServed(admin, topics.stream().map(NewTopic::name).toList(), TOPIC_TIMEOUT);
            checkMergePartitions(admin);
        }
        final String endpoint = applicationServerEndpoint();
        final Properties properties = config.streamsProperties();
        if (endpoint.isEmpty()) {
            properties.remove(StreamsConfig.APPLICATION_SERVER_CONFIG);
            applicationServer = HostInfo.unavailable();
        } else {
            properties.put(StreamsConfig.APPLICATION_SERVER_CONFIG, endpoint);
            applicationServer = HostInfo.buildFromEndpoint(endpoint);
        }
        // Kafka Streams creates the dead-letter handler from its settings; the admin client needs no meters.
        properties.put(DeadLetterOnError.METERS_CONFIG, meters);
        final KafkaStreams instance = new KafkaStreams(StatsTopology.build(config, meters), properties);
        instance.setStateListener((now, before) -> LOG.info("Kafka Streams state {} -> {}", before, now));
        instance.setUncaughtExceptionHandler(error -> {
            LOG.error("Stream thread failed; stopping this instance so that its tasks move to healthy ones", error);
            onFatal.accept(error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        synchronized (this) {
            if (closed) {
                instance.close(Duration.ZERO);
                return;
            }
            streams = instance;
            streamsMetrics = new KafkaStreamsMetrics(instance);
            streamsMetrics.bindTo(registry);
            instance.start();
        }
        LOG.info("Topology started: application id {}, {}, queries at {}", config.getString(StatsTopologyConfig.APPLICATION_ID),
                config.getString(StatsTopologyConfig.PROCESSING_GUARANTEE), properties.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG, "(none)"));
    }

    /**
     * Kafka Streams' {@code application.server}, where the other instances send the queries this one
     * answers: as configured (STREAMAVG_KAFKA_APPLICATION_SERVER, --kafka-config), else the address
     * of this process's HTTP server. Empty when neither is there (a service built directly by a
     * test, whose routes no server serves).
     */
    private String applicationServerEndpoint() {
        final String configured = Objects.toString(streamsProperties.get(StreamsConfig.APPLICATION_SERVER_CONFIG), "").strip();
        if (!configured.isEmpty()) {
            return configured;
        }
        return httpAddress().map(address -> PeerClient.endpoint(new HostInfo(address.getHostString(), address.getPort()))).orElse("");
    }

    private Optional<InetSocketAddress> httpAddress() {
        try {
            return routes.address();
        } catch (UncheckedIOException e) {
            throw new StartupException(e.getMessage() + ": give the address other topology instances reach this one at in "
                    + "STREAMAVG_KAFKA_APPLICATION_SERVER (host:port), or --bind-address", e);
        }
    }

    /**
     * The merges' internal topics keep the partitions they were created with, and Kafka Streams would
     * stop on a difference pointing at its reset tool only: say which setting differs, and how to go on.
     */
    private void checkMergePartitions(final Admin admin) throws InterruptedException, TimeoutException {
        final int wanted = config.getInt(StatsTopologyConfig.MERGE_PARTITIONS);
        final String applicationId = config.getString(StatsTopologyConfig.APPLICATION_ID);
        // One request for the four; each topic answers, or says it does not exist, on its own.
        final List<String> topics = StatsTopology.mergeTopics(applicationId);
        final var described = admin.describeTopics(topics).topicNameValues();
        for (final String topic : topics) {
            final int existing;
            try {
                existing = described.get(topic).get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).partitions().size();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    continue; // a new application: Kafka Streams creates it with --merge-partitions
                }
                throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause(), e.getCause());
            }
            if (existing != wanted) {
                throw new StartupException("--" + StatsTopologyConfig.MERGE_PARTITIONS + " is " + wanted + ", but application "
                        + applicationId + " has its internal topic " + topic + " with " + existing + " partitions (made by an "
                        + "earlier version or setting): start with --" + StatsTopologyConfig.MERGE_PARTITIONS + " " + existing
                        + " to carry on, or reset the application to change it (README, Upgrading the topology)");
            }
        }
    }

    /** Before waiting for Kafka: an unusable --state-dir is the user's to fix, and says so at once. */
    private void checkStateDir() {
        final Path dir = Path.of(config.getString(StatsTopologyConfig.STATE_DIR)).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupException("cannot use " + dir + " (--" + StatsTopologyConfig.STATE_DIR + "): " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new StartupException("cannot use " + dir + " (--" + StatsTopologyConfig.STATE_DIR + "): not writable");
        }
    }

    @Override
    public Health readiness() {
        final KafkaStreams instance = streams;
        if (closed) {
            return Health.down("closed");
        }
        if (instance == null) {
            return Health.down("waiting for the topics");
        }
        final KafkaStreams.State state = instance.state();
        return state == KafkaStreams.State.RUNNING ? Health.up() : Health.down("Kafka Streams is " + state);
    }

    /** Restoring state and rebalancing (REBALANCING) are live, however long they take; an instance in ERROR is not. */
    @Override
    public Health liveness() {
        final KafkaStreams instance = streams;
        if (instance == null || closed) {
            return Health.up();
        }
        final KafkaStreams.State state = instance.state();
        return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                ? Health.down("Kafka Streams is " + state) : Health.up();
    }

    /** The running instance, for queries of its stores; null before {@link #start}. */
    public KafkaStreams streams() {
        return streams;
    }

    /** This instance as the others see it in the stores' metadata; {@link HostInfo#unavailable()} when it has no address. */
    HostInfo applicationServer() {
        return applicationServer;
    }

    @Override
    public void close() {
        final KafkaStreams instance;
        synchronized (this) {
            closed = true;
            instance = streams;
        }
        if (instance != null) {
            // Commits what was processed, so a restart continues from there without counting twice.
            // Leaving the group hands the tasks over at once: by default Streams stays a member, and
            // without static membership its successor (or a restart) waits out the 45 s session.
            instance.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(ServiceRunner.CLOSE_TIMEOUT));
        }
        final KafkaStreamsMetrics metrics = streamsMetrics;
        if (metrics != null) {
            metrics.close();
        }
    }
}
