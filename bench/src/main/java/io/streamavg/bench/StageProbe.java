package io.streamavg.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches the topics a marker line crosses on its way to SQLite, so the latency run can say which
 * stage its time goes to: each topic is read from its end by a consumer of its own, as the next
 * stage reads it ({@code read_committed} where that stage does), and every marker seen there is
 * reported with the moment it was polled. Consumers of the bench's own, outside the pipeline: they
 * add one more reader of each topic to the broker's work, nothing to the services'.
 */
final class StageProbe implements AutoCloseable {

    /**
     * One topic a marker crosses.
     *
     * @param name      what reaching it means, for the table
     * @param topic     the topic
     * @param committed whether to read only committed records, as the stage after it does
     * @param column    the marker column a record is of, if it is one
     */
    record Stage(String name, String topic, boolean committed, Function<ConsumerRecord<byte[], byte[]>, Optional<String>> column) {
    }

    /** A marker column's record seen on stage {@code stage} (its index), at {@code nanos} ({@link System#nanoTime()}). */
    record Seen(int stage, String column, long nanos) {
    }

    private static final Duration POLL = Duration.ofMillis(100);

    private final List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile boolean running = true;

    /** Starts reading every stage from the end of its topic as it is now. */
    StageProbe(final String bootstrap, final List<Stage> stages) {
        try {
            for (int index = 0; index < stages.size(); index++) {
                final Stage stage = stages.get(index);
                final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, stage.committed() ? "read_committed" : "read_uncommitted",
                        ConsumerConfig.CLIENT_ID_CONFIG, "bench-stage-probe-" + index),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer());
                consumers.add(consumer);
                final List<TopicPartition> partitions = consumer.partitionsFor(stage.topic()).stream()
                        .map(info -> new TopicPartition(stage.topic(), info.partition())).toList();
                if (partitions.isEmpty()) {
                    throw new IllegalStateException("topic " + stage.topic() + " has no partitions");
                }
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                // Now, not lazily at the first poll: a marker sent before it would be missed.
                partitions.forEach(consumer::position);
                final int stageIndex = index;
                final Thread thread = new Thread(() -> read(stageIndex, stage, consumer), "bench-stage-probe-" + index);
                thread.setDaemon(true);
                threads.add(thread);
            }
        } catch (RuntimeException e) {
            consumers.forEach(KafkaConsumer::close);
            throw e;
        }
        threads.forEach(Thread::start);
    }

    private void read(final int index, final Stage stage, final KafkaConsumer<byte[], byte[]> consumer) {
        try {
            while (running) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    final long now = System.nanoTime();
                    stage.column().apply(record).ifPresent(column -> seen.add(new Seen(index, column, now)));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure.set(e);
        }
    }

    /** What was seen since the last call, oldest first. */
    List<Seen> drain() {
        final RuntimeException failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("a stage probe failed: " + failed.getMessage(), failed);
        }
        final List<Seen> drained = new ArrayList<>();
        for (Seen next = seen.poll(); next != null; next = seen.poll()) {
            drained.add(next);
        }
        return drained;
    }

    /** The marker column of a raw line: the number of cells before its only value, if its first {@code columns} cells are empty. */
    static Optional<String> markerColumnOfLine(final byte[] line, final int columns) {
        if (line == null || line.length <= columns) {
            return Optional.empty();
        }
        int commas = 0;
        for (final byte b : line) {
            if (b == ',') {
                commas++;
            } else if (commas < columns) {
                return Optional.empty();
            }
        }
        return Optional.of(Integer.toString(commas));
    }

    /** The column a record keyed by column name is of. */
    static Optional<String> columnKey(final ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? Optional.empty() : Optional.of(new String(record.key(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumers.forEach(KafkaConsumer::wakeup);
        for (final Thread thread : threads) {
            thread.join(POLL.multipliedBy(50).toMillis());
        }
        consumers.forEach(KafkaConsumer::close);
    }
}
