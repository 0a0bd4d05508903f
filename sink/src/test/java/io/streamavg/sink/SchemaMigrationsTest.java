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

    @TempDir
    Path dir;

    @Test
    void shouldCreateBothTablesInWalModeWhenTheFileIsNew() throws SQLException {
        final Path db = dir.resolve("new.db");

        AveragesTable.open(db, SynchronousMode.NORMAL).close();

        assertThat(query(db, "PRAGMA user_version")).containsExactly(List.of(SchemaMigrations.LATEST));
        assertThat(query(db, "PRAGMA journal_mode")).containsExactly(List.of("wal"));
        assertThat(columns(db, "averages")).isEqualTo(AVERAGES_COLUMNS);
        assertThat(columns(db, "sink_offsets")).isEqualTo(SINK_OFFSETS_COLUMNS);
    }

    @Test
    void shouldUpgradeInPlaceKeepingTheRowsWhenTheFileIsASeedOfTheOriginalDesign() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        execute(db,
                "CREATE TABLE averages (column_name TEXT PRIMARY KEY, average_value REAL)",
                "INSERT INTO averages VALUES ('0', 5.1), ('1', 3.5)");

        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.NORMAL)) {
            assertThat(query(db, "PRAGMA user_version")).containsExactly(List.of(SchemaMigrations.LATEST));
            assertThat(columns(db, "averages")).isEqualTo(AVERAGES_COLUMNS);
            assertThat(columns(db, "sink_offsets")).isEqualTo(SINK_OFFSETS_COLUMNS);
            assertThat(query(db, "SELECT * FROM averages ORDER BY column_name")).containsExactly(
                    Arrays.asList("0", 5.1, null, null, null, null, null, null),
                    Arrays.asList("1", 3.5, null, null, null, null, null, null));

            // A seeded row has no sample count yet: the first statistics replace it.
            table.apply(List.of(new AveragesTable.Change("0", new ColumnStats("0", 2, 4.0, 2.0, 1.0, 3.0, 1.0),
                    Instant.parse("2026-03-01T00:00:00Z"))), Map.of(new TopicPartition("column-averages", 0), 2L));
        }

        assertThat(query(db, "SELECT * FROM averages ORDER BY column_name")).containsExactly(
                Arrays.asList("0", 2.0, 2, 4.0, 1.0, 3.0, 1.0, "2026-03-01T00:00:00Z"),
                Arrays.asList("1", 3.5, null, null, null, null, null, null));
    }

    @Test
    void shouldKeepSchemaAndRowsWhenReopenedAtTheLatestVersion() throws SQLException {
        final Path db = dir.resolve("processed_data.db");
        try (AveragesTable table = AveragesTable.open(db, SynchronousMode.NORMAL)) {
            table.apply(List.of(new AveragesTable.Change("0", new ColumnStats("0", 1, 4.0, 4.0, 4.0, 4.0, 0.0), null)), Map.of());
        }

        AveragesTable.open(db, SynchronousMode.NORMAL).close();

        assertThat(columns(db, "averages")).isEqualTo(AVERAGES_COLUMNS);
        assertThat(query(db, "SELECT * FROM averages")).containsExactly(Arrays.asList("0", 4.0, 1, 4.0, 4.0, 4.0, 0.0, null));
    }

    @Test
    void shouldRefuseTheFileNamingBothVersionsWhenItWasWrittenByANewerSchema() throws SQLException {
        final Path db = dir.resolve("future.db");
        execute(db, "PRAGMA user_version = 2");

        assertThatThrownBy(() -> AveragesTable.open(db, SynchronousMode.NORMAL))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(db.toString())
                .hasMessageContaining("schema version 2, newer than version 1");
        assertThat(query(db, "PRAGMA user_version")).containsExactly(List.of(2));
        assertThat(query(db, "SELECT name FROM sqlite_master")).isEmpty();
    }

    @Test
    void shouldRefuseToChangeAnAveragesTableWhenItIsNotTheOriginalShape() throws SQLException {
        final Path db = dir.resolve("other.db");
        execute(db, "CREATE TABLE averages (name TEXT, value REAL)");

        assertThatThrownBy(() -> AveragesTable.open(db, SynchronousMode.NORMAL))
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
