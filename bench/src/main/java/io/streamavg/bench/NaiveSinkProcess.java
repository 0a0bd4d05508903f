package io.streamavg.bench;

import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * beginning until it has written RECORDS records, then writes its report (a properties file).
 */
final class NaiveSinkProcess {

    private static final Duration POLL = Duration.ofMillis(500);

    /**
     * What the naive run measured, in microseconds since the epoch.
     *
     * @param firstWriteMicros when the first record's commit returned
     * @param cpuNanos         CPU time of the whole JVM from its start to the last commit
     */
    record Outcome(long records, long jvmStartMicros, long firstWriteMicros, long doneMicros, long cpuNanos) {

        void writeTo(final Path file) throws IOException {
            final Properties properties = new Properties();
            properties.setProperty("records", Long.toString(records));
            properties.setProperty("jvmStartMicros", Long.toString(jvmStartMicros));
            properties.setProperty("firstWriteMicros", Long.toString(firstWriteMicros));
            properties.setProperty("doneMicros", Long.toString(doneMicros));
            properties.setProperty("cpuNanos", Long.toString(cpuNanos));
            final Path partial = file.resolveSibling(file.getFileName() + ".partial");
            try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                properties.store(out, null);
            }
            // Whole or not at all: the bench waits for the file.
            Files.move(partial, file);
        }

        static Outcome readFrom(final Path file) throws IOException {
            final Properties properties = new Properties();
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            }
            return new Outcome(Long.parseLong(properties.getProperty("records")), Long.parseLong(properties.getProperty("jvmStartMicros")),
                    Long.parseLong(properties.getProperty("firstWriteMicros")), Long.parseLong(properties.getProperty("doneMicros")),
                    Long.parseLong(properties.getProperty("cpuNanos")));
        }
    }

    private NaiveSinkProcess() {
    }

    public static void main(final String[] args) throws Exception {
        final String bootstrap = args[0];
        final String topic = args[1];
        final Path db = Path.of(args[2]);
        final long records = Long.parseLong(args[3]);
        final Path report = Path.of(args[4]);
        final Instant deadline = Instant.now().plusSeconds(Long.parseLong(args[5]));
        final long jvmStartMicros = ManagementFactory.getRuntimeMXBean().getStartTime() * 1000;
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
        new Outcome(written, jvmStartMicros, firstWrite, done, ProcessSample.ofSelf().cpuNanos()).writeTo(report);
    }
}
