package io.streamavg.topology;

import io.streamavg.service.Readiness;
import io.streamavg.service.Service;
import io.streamavg.service.ServiceRunner;
import io.streamavg.service.TopicSetup;
import io.streamavg.wire.Topics;
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

    private final TopologyConfig config;
    private final Properties streamsProperties;
    private volatile KafkaStreams streams;
    private volatile boolean closed;

    public TopologyService(final TopologyConfig config) {
        this.config = config;
        this.streamsProperties = config.streamsProperties();
    }

    @Override
    public void start(final Consumer<Throwable> onFatal) throws Exception {
        try (Admin admin = Admin.create(streamsProperties)) {
            final var topics = Topics.definitions(config.getInt(TopologyConfig.PARTITIONS));
            TopicSetup.createMissing(admin, topics, TOPIC_TIMEOUT);
            TopicSetup.awaitServed(admin, topics.stream().map(NewTopic::name).toList(), TOPIC_TIMEOUT);
        }
        final KafkaStreams instance = new KafkaStreams(StatsTopology.build(config), streamsProperties);
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
            instance.start();
        }
        LOG.info("Topology started: application id {}, {}", config.getString(TopologyConfig.APPLICATION_ID),
                config.getString(TopologyConfig.PROCESSING_GUARANTEE));
    }

    @Override
    public Readiness readiness() {
        final KafkaStreams instance = streams;
        if (closed) {
            return Readiness.down("closed");
        }
        if (instance == null) {
            return Readiness.down("waiting for the topics");
        }
        final KafkaStreams.State state = instance.state();
        return state == KafkaStreams.State.RUNNING ? Readiness.up() : Readiness.down("Kafka Streams is " + state);
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
    }
}
