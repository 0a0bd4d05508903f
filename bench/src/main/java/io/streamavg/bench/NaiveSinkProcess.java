package io.streamavg.bench;

import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.sqlite.SQLiteConfig;

/**
 * The naive way of writing the statistics to SQLite, as the original (Python) design did, in a JVM
 * of its own: one {@code INSERT OR REPLACE} into the original two-column table and one commit per
 * record, with sqlite-jdbc's defaults (rollback journal, {@code synchronous} FULL).
 * {@code NaiveSinkProcess BOOTSTRAP TOPIC DB RECORDS REPORT TIMEOUT_SECONDS}: reads the topic from the
 * beginning until it has written RECORDS records, then writes its {@link ChildOutcome}: from the
 * first commit to the last, and its JVM's CPU time from its start.
 */
final class NaiveSinkProcess {

    private static final Duration POLL = Duration.ofMillis(500);

    private NaiveSinkProcess() {
    }

    public static void main(final String[] args) throws Exception {
        final String bootstrap = args[0];
        final String topic = args[1];
        final Path db = Path.of(args[2]);
        final long records = Long.parseLong(args[3]);
        final Path report = Path.of(args[4]);
        final Instant deadline = Instant.now().plusSeconds(Long.parseLong(args[5]));
        final ColumnStatsSerde serde = new ColumnStatsSerde();
        long written = 0;
        long firstWrite = 0;
        try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + db.toAbsolutePath());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                     ConsumerConfig.CLIENT_ID_CONFIG, "bench-naive-sink"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS averages (column_name TEXT PRIMARY KEY, average_value REAL)");
            }
            connection.setAutoCommit(false);
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT OR REPLACE INTO averages (column_name, average_value) VALUES (?, ?)")) {
                while (written < records) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("wrote " + written + " of " + records + " records by the deadline");
                    }
                    for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        if (written == records) {
                            break;
                        }
                        final ColumnStats stats = serde.deserialize(topic, record.value());
                        upsert.setString(1, new String(record.key(), StandardCharsets.UTF_8));
                        upsert.setDouble(2, stats.mean());
                        upsert.executeUpdate();
                        connection.commit();
                        written++;
                        if (firstWrite == 0) {
                            firstWrite = VariantProcess.nowMicros();
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the naive way failed after " + written + " records", e);
        }
        final long done = VariantProcess.nowMicros();
        new ChildOutcome(firstWrite, done, written, written / ((done - firstWrite) / 1e6), ProcessSample.ofSelf()).writeTo(report);
    }
}
