package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.StartupException;
import io.streamavg.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merges' internal topics keep the partitions they were made with: an instance started with
 * another --merge-partitions fails at start naming the setting and the value to carry on with.
 */
@Timeout(180)
class MergePartitionsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String APPLICATION = "merge-partitions";

    @TempDir
    Path work;

    @Test
    void shouldRefuseAnotherMergePartitionsThanTheApplicationsTopicsHaveAndNameTheOneToCarryOnWith() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0)) {
            final AtomicReference<Throwable> fatal = new AtomicReference<>();
            try (TopologyService first = service(broker.bootstrapServers(), "2")) {
                first.start(fatal::set);
                Eventually.assertWithin(DEADLINE, () -> assertThat(first.readiness().ok()).as("first instance ready").isTrue());
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                final List<String> topics = StatsTopology.mergeTopics(APPLICATION);
                assertThat(admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values())
                        .allSatisfy(topic -> assertThat(topic.partitions()).as(topic.name()).hasSize(2));
            }

            try (TopologyService defaults = service(broker.bootstrapServers(), null)) {
                assertThatThrownBy(() -> defaults.start(fatal::set))
                        .isInstanceOf(StartupException.class)
                        .hasMessageContaining("--merge-partitions is 1, but application merge-partitions has its internal topic "
                                + StatsTopology.totalsTopic(APPLICATION) + " with 2 partitions")
                        .hasMessageContaining("start with --merge-partitions 2 to carry on");
            }
            try (TopologyService again = service(broker.bootstrapServers(), "2")) {
                again.start(fatal::set);
                Eventually.assertWithin(DEADLINE, () -> assertThat(again.readiness().ok()).as("restarted with the topics' count").isTrue());
            }
            assertThat(fatal.get()).as("a stream thread failure").isNull();
        }
    }

    private TopologyService service(final String bootstrapServers, final String mergePartitions) {
        final Map<String, String> settings = new HashMap<>(Map.of(
                KafkaClientSettings.BOOTSTRAP_SERVERS, bootstrapServers,
                StatsTopologyConfig.APPLICATION_ID, APPLICATION,
                StatsTopologyConfig.STATE_DIR, work.resolve("state").toString()));
        if (mergePartitions != null) {
            settings.put(StatsTopologyConfig.MERGE_PARTITIONS, mergePartitions);
        }
        return new TopologyService(new StatsTopologyConfig(settings), new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()));
    }
}
