package io.streamavg.sink;

import static io.streamavg.testkit.AveragesDatabase.execute;
import static io.streamavg.testkit.AveragesDatabase.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamavg.wire.ColumnStats;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig.SynchronousMode;

class SchemaMigrationsTest {

    private static final List<List<Object>> AVERAGES_COLUMNS = List.of(
            List.of("column_name", "TEXT", 1),
            List.of("average_value", "REAL", 0),
            List.of("sample_count", "INTEGER", 0),
            List.of("sum_value", "REAL", 0),
            List.of("min_value", "REAL", 0),
            List.of("max_value", "REAL", 0),
            List.of("stddev_value", "REAL", 0),
            List.of("updated_at", "TEXT", 0));
    private static final List<List<Object>> SINK_OFFSETS_COLUMNS = List.of(
            List.of("topic", "TEXT", 1),
            List.of("partition", "INTEGER", 2),
            List.of("next_offset", "INTEGER", 0));

    private static final List<List<Object>> WINDOW_AVERAGES_COLUMNS = List.of(
            List.of("column_name", "TEXT", 1),
            List.of("window_start", "TEXT", 2),
            List.of("window_end", "TEXT", 0),
            List.of("average_value", "REAL", 0),
            List.of("sample_count", "INTEGER", 0),
            List.of("sum_value", "REAL", 0),
            List.of("min_value", "REAL", 0),
            List.of("max_value", "REAL", 0),
            List.of("stddev_value", "REAL", 0),
            List.of("updated_at", "TEXT", 0));
    private static final List<List<Object>> SINK_SOURCES_COLUMNS = List.of(
            List.of("topic", "TEXT", 1),
            List.of("topic_id", "TEXT", 0),
            List.of("cluster_id", "TEXT", 0));

    @TempDir
    Path dir;

    @Test
    void shouldCreateEveryTableInWalModeWhenTheFileIsNew() throws SQLException {
        final Path db = dir.resolve("new.db");

        SinkDatabase.open(db, SynchronousMode.NORMAL).close();

        assertThat(query(db, "PRAGMA user_version")).containsExactly(List.of(SchemaMigrations.LATEST));
        assertThat(query(db, "PRAGMA journal_mode")).containsExactly(List.of("wal"));
        assertThat(columns(db, "averages")).isEqualTo(AVERAGES_COLUMNS);
        assertThat(columns(db, "sink_offsets")).isEqualTo(SINK_OFFSETS_COLUMNS);
        assertThat(columns(db, "window_averages")).isEqualTo(WINDOW_AVERAGES_COLUMNS);
        assertThat(columns(db, "sink_sources")).isEqualTo(SINK_SOURCES_COLUMNS);
        assertThat(query(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'window_averages' AND sql IS NOT NULL"))
                .containsExactly(List.of("window_averages_by_end"));
    }

    @Test
    void shouldAddTheWindowTablesKeepingRowsAndOffsetsWhenTheFileIsAtVersion1() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        // Word for word what version 1 of the sink created.
        execute(db,
                "CREATE TABLE averages (column_name TEXT PRIMARY KEY, average_value REAL, sample_count INTEGER, sum_value REAL,"
                        + " min_value REAL, max_value REAL, stddev_value REAL, updated_at TEXT) WITHOUT ROWID",
                "CREATE TABLE sink_offsets (topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL,"
                        + " PRIMARY KEY (topic, partition))",
                "INSERT INTO averages VALUES ('0', 4.0, 3, 12.0, 1.0, 7.0, 2.449489742783178, '2026-03-01T10:00:05Z')",
                "INSERT INTO sink_offsets VALUES ('column-averages', 0, 6)",
                "PRAGMA user_version = 1");

        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            assertThat(table.storedOffsets()).isEqualTo(Map.of(new TopicPartition("column-averages", 0), 6L));
            assertThat(table.storedSources()).isEmpty();
        }

        assertThat(query(db, "PRAGMA user_version")).containsExactly(List.of(2));
        assertThat(columns(db, "window_averages")).isEqualTo(WINDOW_AVERAGES_COLUMNS);
        assertThat(columns(db, "sink_sources")).isEqualTo(SINK_SOURCES_COLUMNS);
        assertThat(query(db, "SELECT * FROM averages")).containsExactly(
                Arrays.asList("0", 4.0, 3, 12.0, 1.0, 7.0, 2.449489742783178, "2026-03-01T10:00:05Z"));
    }

    @Test
    void shouldUpgradeInPlaceKeepingTheRowsWhenTheFileIsASeedOfTheOriginalDesign() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        execute(db,
                "CREATE TABLE averages (column_name TEXT PRIMARY KEY, average_value REAL)",
                "INSERT INTO averages VALUES ('0', 5.1), ('1', 3.5)");

        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            assertThat(query(db, "PRAGMA user_version")).containsExactly(List.of(SchemaMigrations.LATEST));
            assertThat(columns(db, "averages")).isEqualTo(AVERAGES_COLUMNS);
            assertThat(columns(db, "sink_offsets")).isEqualTo(SINK_OFFSETS_COLUMNS);
            assertThat(query(db, "SELECT * FROM averages ORDER BY column_name")).containsExactly(
                    Arrays.asList("0", 5.1, null, null, null, null, null, null),
                    Arrays.asList("1", 3.5, null, null, null, null, null, null));

            // A seeded row has no sample count yet: the first statistics replace it.
            SinkDatabaseTest.apply(table, List.of(new SinkDatabase.Change("0", new ColumnStats("0", 2, 4.0, 2.0, 1.0, 3.0, 1.0),
                    Instant.parse("2026-03-01T00:00:00Z"))), Map.of(new TopicPartition("column-averages", 0), 2L));
        }

        assertThat(query(db, "SELECT * FROM averages ORDER BY column_name")).containsExactly(
                Arrays.asList("0", 2.0, 2, 4.0, 1.0, 3.0, 1.0, "2026-03-01T00:00:00Z"),
                Arrays.asList("1", 3.5, null, null, null, null, null, null));
    }

    @Test
    void shouldKeepSchemaAndRowsWhenReopenedAtTheLatestVersion() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (SinkDatabase table = SinkDatabase.open(db, SynchronousMode.NORMAL)) {
            SinkDatabaseTest.apply(table, List.of(new SinkDatabase.Change("0", new ColumnStats("0", 1, 4.0, 4.0, 4.0, 4.0, 0.0), null)), Map.of());
        }

        SinkDatabase.open(db, SynchronousMode.NORMAL).close();

        assertThat(columns(db, "averages")).isEqualTo(AVERAGES_COLUMNS);
        assertThat(query(db, "SELECT * FROM averages")).containsExactly(Arrays.asList("0", 4.0, 1, 4.0, 4.0, 4.0, 0.0, null));
    }

    @Test
    void shouldRefuseTheFileNamingBothVersionsWhenItWasWrittenByANewerSchema() throws SQLException {
        final Path db = dir.resolve("future.db");
        execute(db, "PRAGMA user_version = 3");

        assertThatThrownBy(() -> SinkDatabase.open(db, SynchronousMode.NORMAL))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(db.toString())
                .hasMessageContaining("schema version 3, newer than version 2");
        assertThat(query(db, "PRAGMA user_version")).containsExactly(List.of(3));
        assertThat(query(db, "SELECT name FROM sqlite_master")).isEmpty();
    }

    @Test
    void shouldRefuseToChangeAnSinkDatabaseWhenItIsNotTheOriginalShape() throws SQLException {
        final Path db = dir.resolve("other.db");
        execute(db, "CREATE TABLE averages (name TEXT, value REAL)");

        assertThatThrownBy(() -> SinkDatabase.open(db, SynchronousMode.NORMAL))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(db.toString())
                .hasMessageContaining("[name, value]");
        assertThat(query(db, "SELECT name FROM sqlite_master")).containsExactly(List.of("averages"));
        assertThat(query(db, "PRAGMA user_version")).containsExactly(List.of(0));
    }

    private static List<List<Object>> columns(final Path db, final String table) throws SQLException {
        return query(db, "SELECT name, type, pk FROM pragma_table_info('" + table + "')");
    }
}
