package io.streamavg.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the bench's {@link RandomLines} into a topic, from a fixed seed, so that every run and
 * every variant sees the same bytes. Produced as the bridge produces (idempotent, {@code acks=all},
 * LZ4, 5 ms linger), spread evenly over the partitions.
 */
final class LinePreloader {

    private final RandomLines lines;

    LinePreloader(final long seed, final int columns) {
        this.lines = new RandomLines(seed, columns);
    }

    /** The next line, without terminator (the bridge strips it too). */
    String nextLine() {
        return lines.next();
    }

    /**
     * Sends {@code lines} lines to {@code topic} and returns once every one is acknowledged. The
     * caller has waited until every partition is served (KAFKA-15591); each send's callback is
     * checked all the same, and a single failure fails the preload.
     */
    void preload(final String bootstrapServers, final String topic, final int partitions, final long lines) {
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.CLIENT_ID_CONFIG, "bench-preload"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < lines && failed.get() == 0; i++) {
                final byte[] value = nextLine().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, value), (metadata, error) -> {
                    if (error != null && failed.getAndIncrement() == 0) {
                        firstFailure.set(error);
                    }
                });
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " preloaded lines were not acknowledged; the first: " + firstFailure.get(),
                    firstFailure.get());
        }
    }
}
