package io.streamavg.sink;

import static io.streamavg.testkit.AveragesDatabase.execute;
import static io.streamavg.testkit.AveragesDatabase.orderedRows;
import static io.streamavg.testkit.AveragesDatabase.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.broker.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.runtime.Health;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.testkit.AveragesDatabase.Row;
import io.streamavg.testkit.Eventually;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import io.streamavg.wire.Topics;
import io.streamavg.wire.WindowKey;
import io.streamavg.wire.WindowKeySerde;
import io.streamavg.wire.WindowStats;
import io.streamavg.wire.WindowStatsSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig.SynchronousMode;

@Timeout(120)
class SqliteSinkIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ColumnStatsSerde SERDE = new ColumnStatsSerde();
    private static final WindowKeySerde WINDOW_KEY = new WindowKeySerde();
    private static final WindowStatsSerde WINDOW_STATS = new WindowStatsSerde();
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    static Path brokerDir;
    private static EmbeddedKafkaBroker broker;
    private static Admin admin;
    private static KafkaProducer<String, byte[]> producer;

    @TempDir
    Path dir;

    /** Next offset per partition of what this test produced: where the sink must end up. */
    private final Map<Integer, Long> produced = new HashMap<>();
    private final Map<String, Map<Integer, Long>> producedByTopic = new HashMap<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(brokerDir, 0);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        TopicSetup.createMissing(admin, Topics.definitions(2), TIMEOUT);
        TopicSetup.awaitServed(admin, List.of(Topics.COLUMN_AVERAGES), TIMEOUT);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopBroker() {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldApplyOnlyTheNewRecordWhenRestartedOnTheSameDatabase() throws Exception {
        final Path db = dir.resolve("processed_data.db");
        // Column 0 sees 1, 4, 7; column 1 sees 2.5, 3.5; column 2 sees 10.
        send(Topics.COLUMN_AVERAGES, "0", new ColumnStats("0", 1, 1.0, 1.0, 1.0, 1.0, 0.0), 1);
        send(Topics.COLUMN_AVERAGES, "1", new ColumnStats("1", 1, 2.5, 2.5, 2.5, 2.5, 0.0), 2);
        send(Topics.COLUMN_AVERAGES, "0", new ColumnStats("0", 2, 5.0, 2.5, 1.0, 4.0, 1.5), 3);
        send(Topics.COLUMN_AVERAGES, "2", new ColumnStats("2", 1, 10.0, 10.0, 10.0, 10.0, 0.0), 4);
        send(Topics.COLUMN_AVERAGES, "0", new ColumnStats("0", 3, 12.0, 4.0, 1.0, 7.0, 2.449489742783178), 5);
        send(Topics.COLUMN_AVERAGES, "1", new ColumnStats("1", 2, 6.0, 3.0, 2.5, 3.5, 0.5), 6);
        final Row zero = new Row("0", 4.0, 3, 12.0, 1.0, 7.0, 2.449489742783178, "2026-03-01T10:00:05Z");
        final Row two = new Row("2", 10.0, 1, 10.0, 10.0, 10.0, 0.0, "2026-03-01T10:00:04Z");

        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        final SqliteSink first = new SqliteSink(config(db, "restart-first"), context());
        try {
            first.start(fatal::set);
            Eventually.assertWithin(TIMEOUT, () -> assertThat(first.readiness()).isEqualTo(Health.up()));
            Eventually.assertWithin(TIMEOUT, () -> assertThat(orderedRows(db)).isEqualTo(List.of(zero, new Row("1", 3.0, 2, 6.0, 2.5, 3.5, 0.5, "2026-03-01T10:00:06Z"), two)));
            Eventually.assertWithin(TIMEOUT, () -> assertThat(storedOffsets(db, Topics.COLUMN_AVERAGES)).isEqualTo(produced));
        } finally {
            first.close();
        }
        assertThat(first.readiness()).isEqualTo(Health.down("closed"));

        execute(db,
                "CREATE TABLE writes (n INTEGER NOT NULL)",
                "INSERT INTO writes VALUES (0)",
                "CREATE TRIGGER count_inserts AFTER INSERT ON averages BEGIN UPDATE writes SET n = n + 1; END",
                "CREATE TRIGGER count_updates AFTER UPDATE ON averages BEGIN UPDATE writes SET n = n + 1; END");
        send(Topics.COLUMN_AVERAGES, "1", new ColumnStats("1", 3, 12.0, 4.0, 2.5, 6.0, 1.4719601443879744), 7);

        // A new consumer group has no offsets in Kafka and would read from the beginning: only the
        // database's offsets can keep the sink from applying the six earlier records again.
        final SqliteSink second = new SqliteSink(config(db, "restart-second"), context());
        try {
            second.start(fatal::set);
            Eventually.assertWithin(TIMEOUT, () -> assertThat(orderedRows(db)).isEqualTo(List.of(zero, new Row("1", 4.0, 3, 12.0, 2.5, 6.0, 1.4719601443879744, "2026-03-01T10:00:07Z"), two)));
            Eventually.assertWithin(TIMEOUT, () -> assertThat(storedOffsets(db, Topics.COLUMN_AVERAGES)).isEqualTo(produced));
            Eventually.assertWithin(TIMEOUT, () -> assertThat(second.counters()).isEqualTo(new SqliteSink.Counters(1, 1, 0)));
        } finally {
            second.close();
        }
        assertThat(query(db, "SELECT n FROM writes")).containsExactly(List.of(1));
        assertThat(fatal.get()).isNull();
    }

    @Test
    void shouldWriteAColumnOnceABatchWithItsNewestValueWhenTheBatchHoldsManyUpdatesOfIt() throws Exception {
        final String topic = createTopic("column-averages-folded");
        final Path db = dir.resolve("processed_data.db");
        SinkDatabase.open(db, SynchronousMode.NORMAL).close();
        execute(db,
                "CREATE TABLE writes (n INTEGER NOT NULL)",
                "INSERT INTO writes VALUES (0)",
                "CREATE TRIGGER count_inserts AFTER INSERT ON averages BEGIN UPDATE writes SET n = n + 1; END",
                "CREATE TRIGGER count_updates AFTER UPDATE ON averages BEGIN UPDATE writes SET n = n + 1; END",
                "CREATE TRIGGER count_deletes AFTER DELETE ON averages BEGIN UPDATE writes SET n = n + 1000000; END");
        final int updates = 200;
        for (int n = 1; n <= updates; n++) {
            send(topic, "0", new ColumnStats("0", n, 2.0 * n, 2.0, 2.0, 2.0, 0.0), n);
        }

        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        final SqliteSink sink = new SqliteSink(config(db, "folded"), context(), topics(topic), Clock.systemUTC());
        try {
            sink.start(fatal::set);
            Eventually.assertWithin(TIMEOUT, () -> assertThat(storedOffsets(db, topic)).isEqualTo(produced));
        } finally {
            sink.close();
        }
        assertThat(fatal.get()).isNull();
        assertThat(orderedRows(db)).containsExactly(new Row("0", 2.0, updates, 2.0 * updates, 2.0, 2.0, 0.0, "2026-03-01T10:03:20Z"));
        // One write per batch, updates in place (no delete): the 200 updates were folded.
        final long batches = sink.counters().batchesApplied();
        assertThat(query(db, "SELECT n FROM writes")).containsExactly(List.of((int) batches));
        assertThat(batches).isLessThan(updates);
    }

    @Test
    void shouldSkipAndCountARecordWhenItsValueIsNotJson() throws Exception {
        final String topic = createTopic("column-averages-not-json");
        final Path db = dir.resolve("processed_data.db");
        send(topic, "0", new ColumnStats("0", 1, 1.0, 1.0, 1.0, 1.0, 0.0), 1);
        send(topic, "0", "{\"column\":\"0\",\"count\":".getBytes(StandardCharsets.UTF_8), 2);
        send(topic, "0", new ColumnStats("0", 2, 5.0, 2.5, 1.0, 4.0, 1.5), 3);
        send(topic, "1", new ColumnStats("1", 1, 2.5, 2.5, 2.5, 2.5, 0.0), 4);

        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        final SqliteSink sink = new SqliteSink(config(db, "not-json"), context(), topics(topic), Clock.systemUTC());
        try {
            sink.start(fatal::set);
            Eventually.assertWithin(TIMEOUT, () -> assertThat(orderedRows(db)).isEqualTo(List.of(
                    new Row("0", 2.5, 2, 5.0, 1.0, 4.0, 1.5, "2026-03-01T10:00:03Z"),
                    new Row("1", 2.5, 1, 2.5, 2.5, 2.5, 0.0, "2026-03-01T10:00:04Z"))));
            Eventually.assertWithin(TIMEOUT, () -> assertThat(storedOffsets(db, topic)).isEqualTo(produced));
            assertThat(sink.counters().recordsSkipped()).isEqualTo(1);
            // Column 0 written once or twice, as the polls cut the records into batches; column 1 once.
            assertThat(sink.counters().rowsWritten()).isIn(2L, 3L);
            assertThat(sink.readiness()).isEqualTo(Health.up());
        } finally {
            sink.close();
        }
        assertThat(fatal.get()).isNull();
    }

    @Test
    void shouldStoreAnInfiniteSumReadFromItsJsonStringAsInfinity() throws Exception {
        final String topic = createTopic("column-averages-infinite-sum");
        final Path db = dir.resolve("processed_data.db");
        // Word for word what the topology publishes for 1.7e308 twice: JSON has no infinity, so the sum is a string.
        send(topic, "0", "{\"column\":\"0\",\"count\":2,\"sum\":\"Infinity\",\"mean\":1.7E308,\"min\":1.7E308,\"max\":1.7E308,\"stddev\":0.0}"
                .getBytes(StandardCharsets.UTF_8), 1);

        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        final SqliteSink sink = new SqliteSink(config(db, "infinite-sum"), context(), topics(topic), Clock.systemUTC());
        try {
            sink.start(fatal::set);
            Eventually.assertWithin(TIMEOUT, () -> assertThat(orderedRows(db)).isEqualTo(List.of(
                    new Row("0", 1.7e308, 2, Double.POSITIVE_INFINITY, 1.7e308, 1.7e308, 0.0, "2026-03-01T10:00:01Z"))));
            assertThat(sink.counters().recordsSkipped()).isZero();
        } finally {
            sink.close();
        }
        assertThat(query(db, "SELECT typeof(sum_value), average_value IS NOT NULL FROM averages")).containsExactly(List.of("real", 1));
        assertThat(fatal.get()).isNull();
    }

    @Test
    void shouldWriteWindowsBesideAveragesDeletingTombstonedAndExpiredWindowsWithOffsetsOfBothTopics() throws Exception {
        final String topic = createTopic("column-averages-with-windows");
        final String windows = createTopic(topic + "-windows");
        final Path db = dir.resolve("processed_data.db");
        final Instant now = T0.plus(Duration.ofHours(1));
        final Instant recent = now.minus(Duration.ofMinutes(5));
        final WindowStats old = new WindowStats("0", T0, T0.plusSeconds(60), 1, 1.0, 1.0, 1.0, 1.0, 0.0);
        final WindowStats zero = new WindowStats("0", recent, recent.plusSeconds(60), 2, 5.0, 2.5, 1.0, 4.0, 1.5);
        final WindowStats one = new WindowStats("1", recent, recent.plusSeconds(60), 1, 2.5, 2.5, 2.5, 2.5, 0.0);
        send(topic, "0", new ColumnStats("0", 3, 6.0, 2.0, 1.0, 4.0, 1.247219128924647), 1);
        sendWindow(windows, old.key(), old, 2);
        sendWindow(windows, zero.key(), zero, 3);
        sendWindow(windows, one.key(), one, 4);
        sendWindow(windows, one.key(), null, 5);
        send(windows, "{\"column\":\"0\"", WINDOW_STATS.serialize(windows, zero), 6);

        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        final SqliteSink sink = new SqliteSink(config(db, "windows", "window-retention", "10m"), context(),
                new SqliteSink.SourceTopics(topic, windows), Clock.fixed(now, ZoneOffset.UTC));
        try {
            sink.start(fatal::set);
            Eventually.assertWithin(TIMEOUT, () -> {
                assertThat(storedOffsets(db, topic)).isEqualTo(producedOf(topic));
                assertThat(storedOffsets(db, windows)).isEqualTo(producedOf(windows));
            });
            assertThat(sink.counters().recordsSkipped()).isEqualTo(1);
        } finally {
            sink.close();
        }
        assertThat(fatal.get()).isNull();
        assertThat(orderedRows(db)).containsExactly(new Row("0", 2.0, 3, 6.0, 1.0, 4.0, 1.247219128924647, "2026-03-01T10:00:01Z"));
        assertThat(query(db, "SELECT * FROM window_averages")).containsExactly(List.of("0", "2026-03-01T10:55:00.000Z",
                "2026-03-01T10:56:00.000Z", 2.5, 2, 5.0, 1.0, 4.0, 1.5, "2026-03-01T10:00:03Z"));
    }

    @Test
    void shouldReportAFatalErrorAndStopWhenTheDatabaseKeepsFailing() throws Exception {
        final String topic = createTopic("column-averages-db-failure");
        final Path db = dir.resolve("processed_data.db");
        SinkDatabase.open(db, SynchronousMode.NORMAL).close();
        execute(db, "CREATE TRIGGER broken BEFORE INSERT ON averages BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
        send(topic, "0", new ColumnStats("0", 1, 1.0, 1.0, 1.0, 1.0, 0.0), 1);

        final CompletableFuture<Throwable> fatal = new CompletableFuture<>();
        final SqliteSink sink = new SqliteSink(config(db, "db-failure"), context(), topics(topic), Clock.systemUTC());
        try {
            sink.start(fatal::complete);
            final Throwable error = fatal.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(error).isInstanceOf(SQLException.class).hasMessageContaining("disk on fire");
            assertThat(sink.readiness().ok()).isFalse();
            assertThat(sink.readiness().reason()).startsWith("failed: ").contains("disk on fire");
            assertThat(sink.counters()).isEqualTo(new SqliteSink.Counters(0, 0, 0));
        } finally {
            sink.close();
        }
        assertThat(sink.readiness()).isEqualTo(Health.down("closed"));
        assertThat(orderedRows(db)).isEmpty();
        assertThat(storedOffsets(db, topic)).isEmpty();
    }

    private static ServiceContext context() {
        return new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes());
    }

    /** The test's own statistics topic, and a windows topic of its own (created by subscribing when a test does not). */
    private static SqliteSink.SourceTopics topics(final String averages) {
        return new SqliteSink.SourceTopics(averages, averages + "-windows");
    }

    private static SinkConfig config(final Path db, final String group) {
        return new SinkConfig(Map.of("bootstrap-servers", broker.bootstrapServers(), "db", db.toString(), "group-id", group));
    }

    private static SinkConfig config(final Path db, final String group, final String option, final String value) {
        return new SinkConfig(Map.of("bootstrap-servers", broker.bootstrapServers(), "db", db.toString(), "group-id", group, option, value));
    }

    private void sendWindow(final String topic, final WindowKey key, final WindowStats stats, final int secondsAfterT0) throws Exception {
        send(topic, new String(WINDOW_KEY.serialize(topic, key), StandardCharsets.UTF_8), WINDOW_STATS.serialize(topic, stats), secondsAfterT0);
    }

    private Map<Integer, Long> producedOf(final String topic) {
        return producedByTopic.getOrDefault(topic, Map.of());
    }

    /** A topic of this test's own, made like the pipeline's column-averages topic. */
    private static String createTopic(final String name) throws Exception {
        final NewTopic template = Topics.definitions(2).stream()
                .filter(topic -> topic.name().equals(Topics.COLUMN_AVERAGES)).findFirst().orElseThrow();
        TopicSetup.createMissing(admin, List.of(new NewTopic(name, Optional.of(template.numPartitions()), Optional.empty())
                .configs(template.configs())), TIMEOUT);
        TopicSetup.awaitServed(admin, List.of(name), TIMEOUT);
        return name;
    }

    private void send(final String topic, final String column, final ColumnStats stats, final int secondsAfterT0) throws Exception {
        send(topic, column, SERDE.serialize(topic, stats), secondsAfterT0);
    }

    /** Sends to the column's partition (as the topology would) and waits for the acknowledgement. */
    private void send(final String topic, final String column, final byte[] value, final int secondsAfterT0) throws Exception {
        final RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, null,
                T0.plusSeconds(secondsAfterT0).toEpochMilli(), column, value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        produced.merge(metadata.partition(), metadata.offset() + 1, Math::max);
        producedByTopic.computeIfAbsent(topic, name -> new HashMap<>()).merge(metadata.partition(), metadata.offset() + 1, Math::max);
    }

    private static Map<Integer, Long> storedOffsets(final Path db, final String topic) {
        final Map<Integer, Long> offsets = new HashMap<>();
        for (final List<Object> row : query(db, "SELECT partition, next_offset FROM sink_offsets WHERE topic = '" + topic + "'")) {
            offsets.put(((Number) row.get(0)).intValue(), ((Number) row.get(1)).longValue());
        }
        return offsets;
    }
}
