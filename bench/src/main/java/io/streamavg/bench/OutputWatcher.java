package io.streamavg.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a variant's output (column name to statistics) from where it ended before the run, and
 * says when every column counts every line. Committed records only: under exactly-once a count is
 * final only once its transaction commits.
 */
final class OutputWatcher implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final ToLongFunction<byte[]> countOf;
    private final Map<String, Long> counts = new HashMap<>();

    /**
     * @param from    the offset to start at, per partition of {@code topic}
     * @param countOf the count of lines in one output value
     */
    OutputWatcher(final String bootstrapServers, final String topic, final Map<Integer, Long> from,
                  final ToLongFunction<byte[]> countOf) {
        this.countOf = countOf;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-output-watcher"),
                new StringDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> partitions = from.keySet().stream().map(partition -> new TopicPartition(topic, partition)).toList();
        consumer.assign(partitions);
        partitions.forEach(partition -> consumer.seek(partition, from.get(partition.partition())));
    }

    /**
     * Returns as soon as columns {@code "0"} to {@code columns - 1} all count {@code lines}.
     *
     * @param failure the variant's own failure, if any: checked between polls, so that a dead
     *                topology fails the run at once instead of at the timeout
     */
    void awaitCounts(final int columns, final long lines, final Duration timeout, final Supplier<Throwable> failure)
            throws TimeoutException {
        final Instant deadline = Instant.now().plus(timeout);
        while (!complete(columns, lines)) {
            final Throwable error = failure.get();
            if (error != null) {
                throw new IllegalStateException("the variant failed: " + error, error);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException("not every column counted " + lines + " lines within " + timeout + "; counts " + counts);
            }
            for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                final long count = countOf.applyAsLong(record.value());
                if (count > lines) {
                    throw new IllegalStateException("column " + record.key() + " counts " + count + " lines; only " + lines + " were preloaded");
                }
                counts.merge(record.key(), count, Math::max);
            }
        }
    }

    private boolean complete(final int columns, final long lines) {
        for (int column = 0; column < columns; column++) {
            if (counts.getOrDefault(Integer.toString(column), 0L) != lines) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
