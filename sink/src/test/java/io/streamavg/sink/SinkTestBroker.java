package io.streamavg.sink;

import static io.streamavg.testkit.AveragesDatabase.query;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A real in-process broker for the sink's integration tests, with topics made like the pipeline's and an acknowledged producer. */
final class SinkTestBroker implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final EmbeddedKafkaBroker broker;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    /** Next offset per partition of what was produced, per topic: where the sink must end up. */
    private final Map<String, Map<Integer, Long>> produced = new HashMap<>();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    private SinkTestBroker(final EmbeddedKafkaBroker broker) {
        this.broker = broker;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    static SinkTestBroker start(final Path dir) throws Exception {
        return new SinkTestBroker(EmbeddedKafkaBroker.start(dir, 0));
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Creates {@code averages} like column-averages and {@code averages-windows} like window-averages, and waits until they are served. */
    SqliteSink.SourceTopics createTopics(final String averages) throws Exception {
        final SqliteSink.SourceTopics topics = new SqliteSink.SourceTopics(averages, averages + "-windows");
        final Map<String, NewTopic> templates = new HashMap<>();
        Topics.definitions(2).forEach(topic -> templates.put(topic.name(), topic));
        final NewTopic averagesTemplate = templates.get(Topics.COLUMN_AVERAGES);
        final NewTopic windowsTemplate = templates.get(Topics.WINDOW_AVERAGES);
        TopicSetup.createMissing(admin, List.of(
                new NewTopic(topics.averages(), Optional.of(averagesTemplate.numPartitions()), Optional.empty()).configs(averagesTemplate.configs()),
                new NewTopic(topics.windows(), Optional.of(windowsTemplate.numPartitions()), Optional.empty()).configs(windowsTemplate.configs())),
                TIMEOUT);
        TopicSetup.awaitServed(admin, topics.both(), TIMEOUT);
        return topics;
    }

    /** Sends and waits for the acknowledgement; the key's partition, as the topology's would be. */
    void send(final String topic, final String key, final byte[] value, final long timestamp) throws Exception {
        send(topic, key.getBytes(StandardCharsets.UTF_8), value, timestamp);
    }

    void send(final String topic, final byte[] key, final byte[] value, final long timestamp) throws Exception {
        record(producer.send(new ProducerRecord<>(topic, null, timestamp, key, value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Sends without waiting for each acknowledgement; {@link #flush} waits for them all. */
    void sendAsync(final String topic, final String key, final byte[] value, final long timestamp) {
        producer.send(new ProducerRecord<>(topic, null, timestamp, key.getBytes(StandardCharsets.UTF_8), value), (metadata, error) -> {
            if (error != null) {
                sendFailure.compareAndSet(null, error);
            } else {
                record(metadata);
            }
        });
    }

    /** Waits for every send's acknowledgement; fails if one was not acknowledged. */
    void flush() {
        producer.flush();
        if (sendFailure.get() != null) {
            throw new AssertionError("a send failed", sendFailure.get());
        }
    }

    private synchronized void record(final RecordMetadata metadata) {
        produced.computeIfAbsent(metadata.topic(), topic -> new HashMap<>()).merge(metadata.partition(), metadata.offset() + 1, Math::max);
    }

    synchronized Map<Integer, Long> produced(final String topic) {
        return Map.copyOf(produced.getOrDefault(topic, Map.of()));
    }

    /** The offsets the consumer group committed to Kafka for {@code topic}, by partition. */
    Map<Integer, Long> committed(final String group, final String topic) {
        final Map<Integer, Long> offsets = new HashMap<>();
        try {
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((partition, offset) -> {
                        if (partition.topic().equals(topic) && offset != null) {
                            offsets.put(partition.partition(), offset.offset());
                        }
                    });
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot read the offsets of group " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return offsets;
    }

    SinkConfig config(final Path db, final String group, final String... more) {
        final Map<String, String> settings = new HashMap<>(Map.of("bootstrap-servers", bootstrapServers(), "db", db.toString(), "group-id", group));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return new SinkConfig(settings);
    }

    static SqliteSink sink(final SinkConfig config, final SqliteSink.SourceTopics topics, final SimpleMeterRegistry meters) {
        return new SqliteSink(config, new ServiceContext(meters, new HttpRoutes()), topics, Clock.systemUTC());
    }

    static Map<Integer, Long> storedOffsets(final Path db, final String topic) {
        final Map<Integer, Long> offsets = new HashMap<>();
        for (final List<Object> row : query(db, "SELECT partition, next_offset FROM sink_offsets WHERE topic = '" + topic + "'")) {
            offsets.put(((Number) row.get(0)).intValue(), ((Number) row.get(1)).longValue());
        }
        return offsets;
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
        broker.close();
    }
}
