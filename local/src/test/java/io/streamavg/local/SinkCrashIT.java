package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.testkit.AveragesDatabase;
import io.streamavg.testkit.AveragesDatabase.Row;
import io.streamavg.testkit.Eventually;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import io.streamavg.wire.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sink} command as a child JVM, killed with SIGKILL in the middle of a large backlog of
 * {@code column-averages} and restarted on the same database: the rows and offsets it commits in
 * one transaction must leave it exactly where the topic ends, each column at its last value.
 */
@Timeout(600)
class SinkCrashIT {

    private static final Logger LOG = LoggerFactory.getLogger(SinkCrashIT.class);
    private static final int PARTITIONS = 2;
    private static final int KEYS = 2_000;
    private static final int RECORDS = 300_000;
    /** Generous: the machine has two cores shared by several builds. */
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration CATCH_UP = Duration.ofSeconds(300);

    @TempDir
    Path dir;

    @Test
    void shouldEndAtEveryColumnsLastValueAndTheTopicsEndOffsetsWhenKilledMidBacklogAndRestarted() throws Exception {
        final long began = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            final List<NewTopic> topics = Topics.definitions(PARTITIONS);
            TopicSetup.createMissing(admin, topics, START);
            // Before the first send: producing right after creating the topics can lose batches (KAFKA-15591).
            TopicSetup.awaitServed(admin, topics.stream().map(NewTopic::name).toList(), START);

            final Map<String, ProducedStats> last = preload(broker.bootstrapServers());
            final Map<Integer, Long> endOffsets = endOffsets(admin);
            assertThat(endOffsets.values().stream().mapToLong(Long::longValue).sum()).as("records on the topic").isEqualTo(RECORDS);
            LOG.info("Preloaded {} records over {} columns in {} ms", RECORDS, KEYS, (System.nanoTime() - began) / 1_000_000);

            final Path db = dir.resolve("processed_data.db");
            // A SIGKILLed member stays in the group until its session times out, and the restarted
            // sink's rebalance waits for it: 10 s rather than the default 45 s.
            final Path clientSettings = Files.writeString(dir.resolve("kafka-client.properties"),
                    "session.timeout.ms=10000\nheartbeat.interval.ms=2000\n");
            final String[] options = {"--db", db.toString(), "--kafka-config", clientSettings.toString()};

            final Map<Integer, Long> atKill;
            try (LocalProcess first = LocalProcess.service(dir, dir.resolve("sink-1.log"), "sink", broker.bootstrapServers(), options)) {
                atKill = Eventually.awaitValue(START, "a tenth but not all of the backlog stored", () -> {
                    if (!first.process().isAlive()) {
                        throw new AssertionError("the sink exited before the kill, its log:\n" + tail(first));
                    }
                    final Map<Integer, Long> stored = storedOffsets(db);
                    final long done = stored.values().stream().mapToLong(Long::longValue).sum();
                    // Past the first batches, so that the kill lands after many committed batches, not just the first.
                    return done >= RECORDS / 10 && done < RECORDS ? stored : null;
                });
                first.kill();
            }
            final Map<Integer, Long> afterKill = storedOffsets(db);
            final long storedAtKill = afterKill.values().stream().mapToLong(Long::longValue).sum();
            LOG.info("Killed the sink with {} of {} records stored (seen before the kill: {})", storedAtKill, RECORDS, atKill);
            assertThat(storedAtKill).as("records stored when the sink was killed").isBetween(RECORDS / 10L, RECORDS - 1L);
            assertThat(integrityCheck(db)).isEqualTo("ok");

            final long restarted = System.nanoTime();
            try (LocalProcess second = LocalProcess.service(dir, dir.resolve("sink-2.log"), "sink", broker.bootstrapServers(), options)) {
                Eventually.assertWithin(CATCH_UP, () -> assertThat(storedOffsets(db)).as("stored offsets, sink log:\n" + tail(second))
                        .isEqualTo(endOffsets));
                LOG.info("The restarted sink reached the end offsets {} in {} ms", endOffsets, (System.nanoTime() - restarted) / 1_000_000);
                second.terminate();
            }

            assertThat(storedOffsets(db)).isEqualTo(endOffsets(admin)).isEqualTo(endOffsets);
            assertThat(integrityCheck(db)).isEqualTo("ok");
            final Map<String, Row> rows = AveragesDatabase.rows(db);
            assertThat(rows.keySet()).as("columns in averages").containsExactlyInAnyOrderElementsOf(last.keySet());
            for (final Map.Entry<String, ProducedStats> expected : last.entrySet()) {
                final ColumnStats stats = expected.getValue().stats();
                assertThat(rows.get(expected.getKey())).as("row of " + expected.getKey()).isEqualTo(new Row(stats.column(), stats.mean(),
                        stats.count(), stats.sum(), stats.min(), stats.max(), stats.stddev(),
                        Instant.ofEpochMilli(expected.getValue().timestamp()).toString()));
            }
            assertThat(AveragesDatabase.query(db, "SELECT count(*) FROM window_averages")).containsExactly(List.of(0));
        }
        LOG.info("SinkCrashIT took {} ms", (System.nanoTime() - began) / 1_000_000);
    }

    /** What was produced last for a column, and when: the row the sink must end with. */
    private record ProducedStats(ColumnStats stats, long timestamp) {
    }

    /**
     * {@link #RECORDS} updates of {@link #KEYS} columns, interleaved so that every batch the sink
     * polls holds many columns, each column's count growing by one per update; every send acknowledged.
     */
    private static Map<String, ProducedStats> preload(final String bootstrapServers) {
        final ColumnStatsSerde serde = new ColumnStatsSerde();
        final Map<String, ProducedStats> last = new HashMap<>();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final AtomicLong acknowledged = new AtomicLong();
        // Timestamps just behind now, a millisecond apart: far from any retention, and each row's updated_at is its own.
        final long firstTimestamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusMillis(RECORDS).toEpochMilli();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                final int key = i % KEYS;
                final long n = i / KEYS + 1;
                final String column = "col" + key;
                // Values with full mantissas, so that a rounding anywhere between topic and row shows.
                final double sum = n * 1.1 + key / 7.0;
                final double min = -key / 3.0 - n * 0.01;
                final double max = key * 1.3 + n / 9.0;
                final ColumnStats stats = new ColumnStats(column, n, sum, sum / n, min, max, Math.sqrt(n + key) / 3.0);
                final long timestamp = firstTimestamp + i;
                last.put(column, new ProducedStats(stats, timestamp));
                producer.send(new ProducerRecord<>(Topics.COLUMN_AVERAGES, null, timestamp, column, serde.serializer().serialize(Topics.COLUMN_AVERAGES, stats)),
                        (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            } else {
                                acknowledged.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new AssertionError("a send failed", failure.get());
        }
        assertThat(acknowledged.get()).as("acknowledged sends").isEqualTo(RECORDS);
        return last;
    }

    private static Map<Integer, Long> endOffsets(final Admin admin) throws Exception {
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(Topics.COLUMN_AVERAGES, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(entry -> entry.getKey().partition(), entry -> entry.getValue().offset()));
    }

    /** The sink's stored next offsets of column-averages by partition; empty before its schema exists. */
    private static Map<Integer, Long> storedOffsets(final Path db) {
        final Map<Integer, Long> offsets = new HashMap<>();
        if (!Files.exists(db) || AveragesDatabase.query(db,
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sink_offsets'").isEmpty()) {
            return offsets;
        }
        for (final List<Object> row : AveragesDatabase.query(db,
                "SELECT partition, next_offset FROM sink_offsets WHERE topic = '" + Topics.COLUMN_AVERAGES + "'")) {
            offsets.put(((Number) row.get(0)).intValue(), ((Number) row.get(1)).longValue());
        }
        return offsets;
    }

    private static String integrityCheck(final Path db) {
        return AveragesDatabase.query(db, "PRAGMA integrity_check").stream().map(row -> String.valueOf(row.get(0)))
                .collect(Collectors.joining("\n"));
    }

    private static String tail(final LocalProcess process) {
        final String log = process.log();
        return log.substring(Math.max(0, log.length() - 3000));
    }
}
