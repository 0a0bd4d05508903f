package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.TopicContents;
import io.streamavg.topology.StatsTopologyConfig;
import io.streamavg.topology.TopologyService;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology's safety net as a topology instance runs it, under exactly_once_v2 on a real broker:
 * a partial on the repartition topic that the topology cannot read back (as a bug, or a newer
 * version's format, would leave) is committed to raw-lines-dlq by the instance's own transaction,
 * counted in the instance's meters, and the instance keeps running and counting.
 */
@Timeout(180)
class TopologySafetyNetIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String REPARTITION = "streamavg-column-partials-repartition";
    private static final byte[] CORRUPT = {9, 9, 9};

    @TempDir
    Path work;

    @Test
    void shouldCommitAnUnreadablePartialToTheDeadLetterTopicAndKeepCounting() throws Exception {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0);
             TopologyService topology = new TopologyService(new StatsTopologyConfig(Map.of(
                     KafkaClientSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                     StatsTopologyConfig.STATE_DIR, work.resolve("state").toString())),
                     new ServiceContext(registry, new HttpRoutes()))) {
            final String bootstrap = broker.bootstrapServers();
            topology.start(fatal::set);
            Eventually.assertWithin(DEADLINE, () -> assertThat(topology.readiness().ok()).isTrue());

            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.RAW_LINES, "1,2".getBytes(StandardCharsets.UTF_8))).get();
                producer.send(new ProducerRecord<>(REPARTITION, 0, "0".getBytes(StandardCharsets.UTF_8), CORRUPT)).get();
                producer.send(new ProducerRecord<>(Topics.RAW_LINES, "3,4".getBytes(StandardCharsets.UTF_8))).get();
            }

            // read_committed: the dead letter is there only if the instance's transaction committed it.
            Eventually.assertWithin(DEADLINE, () -> assertThat(TopicContents.read(bootstrap, Topics.RAW_LINES_DLQ)).hasSize(1));
            final ConsumerRecord<byte[], byte[]> dead = TopicContents.read(bootstrap, Topics.RAW_LINES_DLQ).get(0);
            assertThat(dead.value()).isEqualTo(CORRUPT);
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("processing-error");
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(REPARTITION);
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.ERROR_EXCEPTION))
                    .isEqualTo("org.apache.kafka.common.errors.SerializationException");
            Eventually.assertWithin(DEADLINE, () -> assertThat(latestAverages(bootstrap)).isEqualTo(Map.of(
                    "0", new ColumnStats("0", 2, 4.0, 2.0, 1.0, 3.0, 1.0),
                    "1", new ColumnStats("1", 2, 6.0, 3.0, 2.0, 4.0, 1.0))));
            assertThat(registry.get("streamavg.topology.lines.rejected").tag("reason", "processing-error").counter().count())
                    .isEqualTo(1.0);
            assertThat(topology.liveness().ok()).isTrue();
            assertThat(topology.readiness().ok()).isTrue();
        }
        assertThat(fatal.get()).isNull();
    }

    private static Map<String, ColumnStats> latestAverages(final String bootstrap) {
        final List<ConsumerRecord<byte[], byte[]>> updates = TopicContents.read(bootstrap, Topics.COLUMN_AVERAGES);
        final Map<String, ColumnStats> latest = new HashMap<>();
        try (ColumnStatsSerde serde = new ColumnStatsSerde()) {
            updates.forEach(update -> latest.put(new String(update.key(), StandardCharsets.UTF_8),
                    serde.deserialize(Topics.COLUMN_AVERAGES, update.value())));
        }
        return latest;
    }
}
