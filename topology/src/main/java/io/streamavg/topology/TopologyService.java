package io.streamavg.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.streamavg.runtime.Health;
import io.streamavg.runtime.Service;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.ServiceRunner;
import io.streamavg.runtime.StartupException;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.wire.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Kafka Streams instance running {@link StatsTopology}; more instances with the same application id share the work. */
public final class TopologyService implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyService.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private final StatsTopologyConfig config;
    private final Properties streamsProperties;
    private final MeterRegistry registry;
    private final TopologyMeters meters;
    private volatile KafkaStreams streams;
    private volatile KafkaStreamsMetrics streamsMetrics;
    private volatile boolean closed;

    public TopologyService(final StatsTopologyConfig config, final ServiceContext context) {
        this.config = config;
        this.streamsProperties = config.streamsProperties();
        this.registry = context.meters();
        this.meters = new TopologyMeters(registry);
    }

    @Override
    public void start(final Consumer<Throwable> onFatal) throws Exception {
        checkStateDir();
        try (Admin admin = Admin.create(streamsProperties)) {
            final var topics = Topics.definitions(config.getInt(StatsTopologyConfig.PARTITIONS));
            TopicSetup.createMissing(admin, topics, TOPIC_TIMEOUT);
            TopicSetup.awaitServed(admin, topics.stream().map(NewTopic::name).toList(), TOPIC_TIMEOUT);
        }
        // Kafka Streams creates the dead-letter handler from its settings; the admin client needs no meters.
        final Properties instanceProperties = new Properties();
        instanceProperties.putAll(streamsProperties);
        instanceProperties.put(DeadLetterOnError.METERS_CONFIG, meters);
        final KafkaStreams instance = new KafkaStreams(StatsTopology.build(config, meters), instanceProperties);
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
        LOG.info("Topology started: application id {}, {}", config.getString(StatsTopologyConfig.APPLICATION_ID),
                config.getString(StatsTopologyConfig.PROCESSING_GUARANTEE));
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
