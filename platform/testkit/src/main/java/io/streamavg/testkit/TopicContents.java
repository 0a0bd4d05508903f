package io.streamavg.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic as a {@code read_committed} consumer sees it: what the pipeline's next stage or a
 * user's consumer would get, so a test checks what is really there.
 */
public final class TopicContents {

    /** How long {@link #read(String, String)} may take to reach the end it found. */
    private static final Duration TO_END = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    private TopicContents() {
    }

    /** The whole of {@code topic} now: every record from the beginning to the current end; fails after 30 s. */
    public static List<ConsumerRecord<byte[], byte[]>> read(final String bootstrap, final String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            final List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            final long deadline = System.nanoTime() + TO_END.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() - deadline > 0) {
                    final Map<TopicPartition, Long> reached = new HashMap<>();
                    partitions.forEach(p -> reached.put(p, consumer.position(p)));
                    throw new AssertionError("expected " + topic + " read to its end " + end + " within " + TO_END
                            + ", got to " + reached + " (" + records.size() + " records)");
                }
                consumer.poll(POLL).forEach(records::add);
            }
            return records;
        }
    }

    /** The current end offset of each partition of {@code topic}: where a later {@link #read(String, Map, int, Duration)} starts. */
    public static Map<TopicPartition, Long> endOffsets(final String bootstrap, final String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            return consumer.endOffsets(partitions(consumer, topic));
        }
    }

    /**
     * The records after {@code start} (offsets by partition, e.g. from {@link #endOffsets}), read
     * until {@code expected} arrived; fails, saying how many did, when {@code timeout} passes first
     * or more than {@code expected} arrived.
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(final String bootstrap, final Map<TopicPartition, Long> start,
                                                          final int expected, final Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            consumer.assign(start.keySet());
            start.forEach(consumer::seek);
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() - deadline < 0) {
                consumer.poll(POLL).forEach(records::add);
            }
            if (records.size() != expected) {
                throw new AssertionError("expected " + expected + " records after " + start + " within " + timeout
                        + ", got " + records.size());
            }
            return records;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(final String bootstrap) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(final KafkaConsumer<byte[], byte[]> consumer, final String topic) {
        return consumer.partitionsFor(topic).stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    }
}
