package io.streamavg.sink;

import static io.streamavg.testkit.AveragesDatabase.execute;
import static io.streamavg.testkit.AveragesDatabase.orderedRows;
import static io.streamavg.testkit.AveragesDatabase.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamavg.testkit.AveragesDatabase.Row;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.WindowStats;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig.SynchronousMode;

class SinkDatabaseTest {

    private static final String TOPIC = "column-averages";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final Instant T1 = Instant.parse("2026-03-01T10:15:30Z");
    private static final Instant T2 = Instant.parse("2026-03-01T10:15:31.250Z");

    // Column "0" saw 1, 4, 7 and then also 8; column "1" saw 2.5 and 3.5.
    private static final ColumnStats ZERO_AFTER_3 = new ColumnStats("0", 3, 12.0, 4.0, 1.0, 7.0, 2.449489742783178);
    private static final ColumnStats ZERO_AFTER_4 = new ColumnStats("0", 4, 20.0, 5.0, 1.0, 8.0, 2.7386127875258306);
    private static final ColumnStats ONE_AFTER_2 = new ColumnStats("1", 2, 6.0, 3.0, 2.5, 3.5, 0.5);

    @TempDir
    Path dir;

    @Test
    void shouldInsertThenUpdateWhenTheSameColumnComesAgain() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            assertThat(apply(table, List.of(change(ZERO_AFTER_3, T1), change(ONE_AFTER_2, T1)), Map.of(P0, 3L))).isEqualTo(2);
            assertThat(orderedRows(db)).containsExactly(
                    new Row("0", 4.0, 3, 12.0, 1.0, 7.0, 2.449489742783178, "2026-03-01T10:15:30Z"),
                    new Row("1", 3.0, 2, 6.0, 2.5, 3.5, 0.5, "2026-03-01T10:15:30Z"));

            assertThat(apply(table, List.of(change(ZERO_AFTER_4, T2)), Map.of(P0, 4L))).isEqualTo(1);
        }

        assertThat(orderedRows(db)).containsExactly(
                new Row("0", 5.0, 4, 20.0, 1.0, 8.0, 2.7386127875258306, "2026-03-01T10:15:31.250Z"),
                new Row("1", 3.0, 2, 6.0, 2.5, 3.5, 0.5, "2026-03-01T10:15:30Z"));
    }

    @Test
    void shouldReturnTheOriginalTwoColumnsInColumnOrderWhenReadThroughAPlainConnectionWhileOpen() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            // Written in the opposite order: a plain SELECT still lists the columns by name (WITHOUT ROWID).
            apply(table, List.of(change(ONE_AFTER_2, T1), change(ZERO_AFTER_3, T1)), Map.of(P0, 2L));

            assertThat(query(db, "SELECT column_name, average_value FROM averages"))
                    .containsExactly(List.of("0", 4.0), List.of("1", 3.0));
        }
    }

    @Test
    @EnabledIf("sqlite3OnPath")
    void shouldReturnTheOriginalTwoColumnsWhenReadByTheSqlite3Cli() throws Exception {
        final Path db = dir.resolve("processed_data.db");
        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            apply(table, List.of(change(ONE_AFTER_2, T1), change(ZERO_AFTER_3, T1)), Map.of(P0, 2L));
        }

        // The README's query, word for word.
        final Process sqlite3 = new ProcessBuilder("sqlite3", db.toString(),
                "select column_name, average_value from averages")
                .redirectErrorStream(true).start();
        assertThat(sqlite3.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(sqlite3.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines())
                .containsExactly("0|4.0", "1|3.0");
        assertThat(sqlite3.exitValue()).isZero();
    }

    @Test
    void shouldKeepTheNewerValueWhenAnOlderSampleCountArrives() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            apply(table, List.of(change(ZERO_AFTER_4, T2)), Map.of(P0, 10L));

            assertThat(apply(table, List.of(change(ZERO_AFTER_3, T1)), Map.of(P0, 11L))).isZero();
        }

        assertThat(orderedRows(db)).containsExactly(new Row("0", 5.0, 4, 20.0, 1.0, 8.0, 2.7386127875258306, "2026-03-01T10:15:31.250Z"));
    }

    @Test
    void shouldDeleteTheRowWhenTheChangeIsATombstone() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            apply(table, List.of(change(ZERO_AFTER_3, T1), change(ONE_AFTER_2, T1)), Map.of(P0, 2L));

            assertThat(apply(table, List.of(new SinkDatabase.Change("0", null, T2)), Map.of(P0, 3L))).isEqualTo(1);
        }

        assertThat(orderedRows(db)).containsExactly(new Row("1", 3.0, 2, 6.0, 2.5, 3.5, 0.5, "2026-03-01T10:15:30Z"));
    }

    @Test
    void shouldReadTheOffsetsBackWhenReopenedAfterTheyWereWrittenWithABatch() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            assertThat(table.storedOffsets()).isEmpty();
            apply(table, List.of(change(ZERO_AFTER_3, T1)), Map.of(P0, 3L, P1, 7L));
            apply(table, List.of(change(ZERO_AFTER_4, T2)), Map.of(P0, 4L));
        }

        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.FULL)) {
            assertThat(table.storedOffsets()).isEqualTo(Map.of(P0, 4L, P1, 7L));
        }
        assertThat(query(db, "SELECT topic, partition, next_offset FROM sink_offsets ORDER BY partition"))
                .containsExactly(List.of(TOPIC, 0, 4), List.of(TOPIC, 1, 7));
    }

    @Test
    void shouldChangeNeitherRowsNorOffsetsWhenABatchFails() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            apply(table, List.of(change(ZERO_AFTER_3, T1)), Map.of(P0, 3L));
        }
        execute(db, """
                CREATE TRIGGER poison BEFORE INSERT ON averages WHEN NEW.column_name = 'poison'
                BEGIN SELECT RAISE(ABORT, 'poisoned column'); END""");

        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            final ColumnStats poison = new ColumnStats("poison", 1, 1.0, 1.0, 1.0, 1.0, 0.0);
            assertThatThrownBy(() -> apply(table, List.of(change(ZERO_AFTER_4, T2), change(poison, T2)), Map.of(P0, 5L, P1, 1L)))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("poisoned column");

            assertThat(orderedRows(db)).containsExactly(new Row("0", 4.0, 3, 12.0, 1.0, 7.0, 2.449489742783178, "2026-03-01T10:15:30Z"));
            assertThat(table.storedOffsets()).isEqualTo(Map.of(P0, 3L));

            // Nothing of the failed batch lingers in the reused statements.
            assertThat(apply(table, List.of(change(ONE_AFTER_2, T2)), Map.of(P1, 2L))).isEqualTo(1);
            assertThat(table.storedOffsets()).isEqualTo(Map.of(P0, 3L, P1, 2L));
        }
        assertThat(orderedRows(db)).containsExactly(
                new Row("0", 4.0, 3, 12.0, 1.0, 7.0, 2.449489742783178, "2026-03-01T10:15:30Z"),
                new Row("1", 3.0, 2, 6.0, 2.5, 3.5, 0.5, "2026-03-01T10:15:31.250Z"));
    }

    @Test
    void shouldStoreAnInfiniteSumAsInfinityBesideItsFiniteMean() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        final ColumnStats huge = new ColumnStats("0", 2, Double.POSITIVE_INFINITY, 1.7e308, 1.7e308, 1.7e308, 0.0);
        final ColumnStats hugeNegative = new ColumnStats("1", 3, Double.NEGATIVE_INFINITY, -1.6e308, -1.7e308, -1.5e308, 8.16496580927726e306);
        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            assertThat(apply(table, List.of(change(huge, T1), change(hugeNegative, T1)), Map.of(P0, 2L))).isEqualTo(2);
        }

        assertThat(orderedRows(db)).containsExactly(
                new Row("0", 1.7e308, 2, Double.POSITIVE_INFINITY, 1.7e308, 1.7e308, 0.0, "2026-03-01T10:15:30Z"),
                new Row("1", -1.6e308, 3, Double.NEGATIVE_INFINITY, -1.7e308, -1.5e308, 8.16496580927726e306, "2026-03-01T10:15:30Z"));
        // A REAL infinity, not NULL (what SQLite makes of NaN) nor text: SQL sees it beyond every double.
        assertThat(query(db, """
                SELECT typeof(sum_value), sum_value > 1.7976931348623157e308, sum_value < -1.7976931348623157e308,
                       typeof(average_value)
                FROM averages ORDER BY column_name"""))
                .containsExactly(List.of("real", 1, 0, "real"), List.of("real", 0, 1, "real"));
    }

    @Test
    void shouldUpsertGuardDeleteAndExpireWindowRowsInTheBatchesTransactions() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        final TopicPartition windows0 = new TopicPartition("window-averages", 0);
        final Instant w0 = Instant.parse("2026-03-01T10:00:00Z");
        final Instant w1 = Instant.parse("2026-03-01T10:01:00Z");
        final Instant w2 = Instant.parse("2026-03-01T10:02:00Z");
        final WindowStats zeroIn0 = new WindowStats("0", w0, w1, 2, 5.0, 2.5, 1.0, 4.0, 1.5);
        final WindowStats zeroIn0Later = new WindowStats("0", w0, w1, 3, 12.0, 4.0, 1.0, 7.0, 2.449489742783178);
        final WindowStats zeroIn1 = new WindowStats("0", w1, w2, 1, 8.0, 8.0, 8.0, 8.0, 0.0);
        final WindowStats oneIn0 = new WindowStats("1", w0, w1, 1, 2.5, 2.5, 2.5, 2.5, 0.0);
        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            assertThat(table.apply(windows(Map.of(windows0, 3L), null, window(zeroIn0, T1), window(oneIn0, T1))))
                    .isEqualTo(new SinkDatabase.Written(2, 0));
            // A replayed older count changes nothing; the newer one replaces the row in place.
            assertThat(table.apply(windows(Map.of(windows0, 4L), null, window(zeroIn0Later, T2)))).isEqualTo(new SinkDatabase.Written(1, 0));
            assertThat(table.apply(windows(Map.of(windows0, 5L), null, window(zeroIn0, T2)))).isEqualTo(new SinkDatabase.Written(0, 0));
            assertThat(query(db, "SELECT * FROM window_averages ORDER BY column_name, window_start")).containsExactly(
                    List.of("0", "2026-03-01T10:00:00.000Z", "2026-03-01T10:01:00.000Z", 4.0, 3, 12.0, 1.0, 7.0, 2.449489742783178,
                            "2026-03-01T10:15:31.250Z"),
                    List.of("1", "2026-03-01T10:00:00.000Z", "2026-03-01T10:01:00.000Z", 2.5, 1, 2.5, 2.5, 2.5, 0.0,
                            "2026-03-01T10:15:30Z"));

            // A tombstone deletes its window only.
            assertThat(table.apply(windows(Map.of(windows0, 7L), null, window(zeroIn1, T2),
                    new SinkDatabase.WindowChange(oneIn0.key(), null, T2)))).isEqualTo(new SinkDatabase.Written(1, 1));
            assertThat(query(db, "SELECT column_name, window_start FROM window_averages ORDER BY column_name, window_start"))
                    .containsExactly(List.of("0", "2026-03-01T10:00:00.000Z"), List.of("0", "2026-03-01T10:01:00.000Z"));

            // Retention: a window that ended before the cutoff goes; one ending at it stays.
            assertThat(table.apply(windows(Map.of(windows0, 8L), w2.minusMillis(1)))).isEqualTo(new SinkDatabase.Written(0, 1));
            assertThat(query(db, "SELECT column_name, window_start, sample_count FROM window_averages"))
                    .containsExactly(List.of("0", "2026-03-01T10:01:00.000Z", 1));
            assertThat(table.storedOffsets()).isEqualTo(Map.of(windows0, 8L));
        }
    }

    @Test
    void shouldEmptyStatisticsOffsetsAndSourcesWhenReset() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        final WindowStats window = new WindowStats("0", T1, T2, 1, 1.0, 1.0, 1.0, 1.0, 0.0);
        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            table.apply(new SinkDatabase.Batch(List.of(change(ZERO_AFTER_3, T1)), List.of(window(window, T1)), Map.of(P0, 3L),
                    Map.of(TOPIC, new SinkDatabase.Source("topic-id", "cluster-id")), null));
            assertThat(table.storedSources()).isEqualTo(Map.of(TOPIC, new SinkDatabase.Source("topic-id", "cluster-id")));

            table.reset();

            assertThat(table.storedOffsets()).isEmpty();
            assertThat(table.storedSources()).isEmpty();
        }
        assertThat(orderedRows(db)).isEmpty();
        assertThat(query(db, "SELECT count(*) FROM window_averages")).containsExactly(List.of(0));
    }

    private static SinkDatabase.Batch windows(final Map<TopicPartition, Long> offsets, final Instant endedBefore,
                                              final SinkDatabase.WindowChange... changes) {
        return new SinkDatabase.Batch(List.of(), List.of(changes), offsets, Map.of(), endedBefore);
    }

    private static SinkDatabase.WindowChange window(final WindowStats stats, final Instant at) {
        return new SinkDatabase.WindowChange(stats.key(), stats, at);
    }

    /** Writes averages changes and offsets as one batch; returns the rows upserted or deleted. */
    static int apply(final SinkDatabase table, final List<SinkDatabase.Change> changes, final Map<TopicPartition, Long> offsets)
            throws SQLException {
        final SinkDatabase.Written written = table.apply(new SinkDatabase.Batch(changes, List.of(), offsets, Map.of(), null));
        return written.upserted() + written.deleted();
    }

    private static SinkDatabase.Change change(final ColumnStats stats, final Instant at) {
        return new SinkDatabase.Change(stats.column(), stats, at);
    }

    static boolean sqlite3OnPath() {
        return List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, "sqlite3")));
    }
}
