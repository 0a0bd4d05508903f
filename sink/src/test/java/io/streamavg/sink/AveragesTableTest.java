package io.streamavg.sink;

import static io.streamavg.testkit.AveragesDatabase.execute;
import static io.streamavg.testkit.AveragesDatabase.orderedRows;
import static io.streamavg.testkit.AveragesDatabase.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamavg.testkit.AveragesDatabase.Row;
import io.streamavg.wire.ColumnStats;
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

class AveragesTableTest {

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
        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.NORMAL)) {
            assertThat(table.apply(List.of(change(ZERO_AFTER_3, T1), change(ONE_AFTER_2, T1)), Map.of(P0, 3L))).isEqualTo(2);
            assertThat(orderedRows(db)).containsExactly(
                    new Row("0", 4.0, 3, 12.0, 1.0, 7.0, 2.449489742783178, "2026-03-01T10:15:30Z"),
                    new Row("1", 3.0, 2, 6.0, 2.5, 3.5, 0.5, "2026-03-01T10:15:30Z"));

            assertThat(table.apply(List.of(change(ZERO_AFTER_4, T2)), Map.of(P0, 4L))).isEqualTo(1);
        }

        assertThat(orderedRows(db)).containsExactly(
                new Row("0", 5.0, 4, 20.0, 1.0, 8.0, 2.7386127875258306, "2026-03-01T10:15:31.250Z"),
                new Row("1", 3.0, 2, 6.0, 2.5, 3.5, 0.5, "2026-03-01T10:15:30Z"));
    }

    @Test
    void shouldReturnTheOriginalTwoColumnsInColumnOrderWhenReadThroughAPlainConnectionWhileOpen() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.NORMAL)) {
            // Written in the opposite order: a plain SELECT still lists the columns by name (WITHOUT ROWID).
            table.apply(List.of(change(ONE_AFTER_2, T1), change(ZERO_AFTER_3, T1)), Map.of(P0, 2L));

            assertThat(query(db, "SELECT column_name, average_value FROM averages"))
                    .containsExactly(List.of("0", 4.0), List.of("1", 3.0));
        }
    }

    @Test
    @EnabledIf("sqlite3OnPath")
    void shouldReturnTheOriginalTwoColumnsWhenReadByTheSqlite3Cli() throws Exception {
        final Path db = dir.resolve("processed_data.db");
        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.NORMAL)) {
            table.apply(List.of(change(ONE_AFTER_2, T1), change(ZERO_AFTER_3, T1)), Map.of(P0, 2L));
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
        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.NORMAL)) {
            table.apply(List.of(change(ZERO_AFTER_4, T2)), Map.of(P0, 10L));

            assertThat(table.apply(List.of(change(ZERO_AFTER_3, T1)), Map.of(P0, 11L))).isZero();
        }

        assertThat(orderedRows(db)).containsExactly(new Row("0", 5.0, 4, 20.0, 1.0, 8.0, 2.7386127875258306, "2026-03-01T10:15:31.250Z"));
    }

    @Test
    void shouldDeleteTheRowWhenTheChangeIsATombstone() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.NORMAL)) {
            table.apply(List.of(change(ZERO_AFTER_3, T1), change(ONE_AFTER_2, T1)), Map.of(P0, 2L));

            assertThat(table.apply(List.of(new AveragesTable.Change("0", null, T2)), Map.of(P0, 3L))).isEqualTo(1);
        }

        assertThat(orderedRows(db)).containsExactly(new Row("1", 3.0, 2, 6.0, 2.5, 3.5, 0.5, "2026-03-01T10:15:30Z"));
    }

    @Test
    void shouldReadTheOffsetsBackWhenReopenedAfterTheyWereWrittenWithABatch() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.NORMAL)) {
            assertThat(table.storedOffsets()).isEmpty();
            table.apply(List.of(change(ZERO_AFTER_3, T1)), Map.of(P0, 3L, P1, 7L));
            table.apply(List.of(change(ZERO_AFTER_4, T2)), Map.of(P0, 4L));
        }

        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.FULL)) {
            assertThat(table.storedOffsets()).isEqualTo(Map.of(P0, 4L, P1, 7L));
        }
        assertThat(query(db, "SELECT topic, partition, next_offset FROM sink_offsets ORDER BY partition"))
                .containsExactly(List.of(TOPIC, 0, 4), List.of(TOPIC, 1, 7));
    }

    @Test
    void shouldChangeNeitherRowsNorOffsetsWhenABatchFails() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.NORMAL)) {
            table.apply(List.of(change(ZERO_AFTER_3, T1)), Map.of(P0, 3L));
        }
        execute(db, """
                CREATE TRIGGER poison BEFORE INSERT ON averages WHEN NEW.column_name = 'poison'
                BEGIN SELECT RAISE(ABORT, 'poisoned column'); END""");

        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.NORMAL)) {
            final ColumnStats poison = new ColumnStats("poison", 1, 1.0, 1.0, 1.0, 1.0, 0.0);
            assertThatThrownBy(() -> table.apply(List.of(change(ZERO_AFTER_4, T2), change(poison, T2)), Map.of(P0, 5L, P1, 1L)))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("poisoned column");

            assertThat(orderedRows(db)).containsExactly(new Row("0", 4.0, 3, 12.0, 1.0, 7.0, 2.449489742783178, "2026-03-01T10:15:30Z"));
            assertThat(table.storedOffsets()).isEqualTo(Map.of(P0, 3L));

            // Nothing of the failed batch lingers in the reused statements.
            assertThat(table.apply(List.of(change(ONE_AFTER_2, T2)), Map.of(P1, 2L))).isEqualTo(1);
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
        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.NORMAL)) {
            assertThat(table.apply(List.of(change(huge, T1), change(hugeNegative, T1)), Map.of(P0, 2L))).isEqualTo(2);
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

    private static AveragesTable.Change change(final ColumnStats stats, final Instant at) {
        return new AveragesTable.Change(stats.column(), stats, at);
    }

    static boolean sqlite3OnPath() {
        return List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, "sqlite3")));
    }
}
