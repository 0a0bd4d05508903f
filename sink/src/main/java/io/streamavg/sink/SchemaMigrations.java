package io.streamavg.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database file to the schema this sink writes, tracked in {@code PRAGMA user_version}:
 * each step {@code version < N} runs once, in order, all in one transaction, which always writes.
 */
final class SchemaMigrations {

    static final int LATEST = 2;

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);

    // The original design's two columns come first so that readers of SELECT * keep working.
    private static final String CREATE_AVERAGES = """
            CREATE TABLE averages (
                column_name TEXT PRIMARY KEY,
                average_value REAL,
                sample_count INTEGER,
                sum_value REAL,
                min_value REAL,
                max_value REAL,
                stddev_value REAL,
                updated_at TEXT
            ) WITHOUT ROWID""";

    /** What version 1 adds to the original table, in {@link #CREATE_AVERAGES}'s order. */
    private static final List<String> ADDED_COLUMNS = List.of(
            "sample_count INTEGER",
            "sum_value REAL",
            "min_value REAL",
            "max_value REAL",
            "stddev_value REAL",
            "updated_at TEXT");

    private static final String CREATE_SINK_OFFSETS = """
            CREATE TABLE sink_offsets (
                topic TEXT NOT NULL,
                partition INTEGER NOT NULL,
                next_offset INTEGER NOT NULL,
                PRIMARY KEY (topic, partition)
            )""";

    // Window bounds are fixed-width UTC text (see SinkDatabase.WINDOW_TIME), so that text order is time order.
    private static final String CREATE_WINDOW_AVERAGES = """
            CREATE TABLE window_averages (
                column_name TEXT NOT NULL,
                window_start TEXT NOT NULL,
                window_end TEXT NOT NULL,
                average_value REAL,
                sample_count INTEGER,
                sum_value REAL,
                min_value REAL,
                max_value REAL,
                stddev_value REAL,
                updated_at TEXT,
                PRIMARY KEY (column_name, window_start)
            ) WITHOUT ROWID""";

    /** Lets the retention delete find old windows without reading the whole table. */
    private static final String CREATE_WINDOW_END_INDEX = "CREATE INDEX window_averages_by_end ON window_averages (window_end)";

    /** Which topic, in which cluster, the offsets of {@code sink_offsets} belong to. */
    private static final String CREATE_SINK_SOURCES = """
            CREATE TABLE sink_sources (
                topic TEXT PRIMARY KEY,
                topic_id TEXT NOT NULL,
                cluster_id TEXT NOT NULL
            )""";

    private SchemaMigrations() {
    }

    /**
     * Migrates the database of {@code connection} (auto-commit off) and commits.
     *
     * @param file names the database in messages
     * @throws SQLException when the file was written by a newer schema, or a step fails (nothing is changed then)
     */
    static void migrate(final Connection connection, final String file) throws SQLException {
        try {
            final int version = userVersion(connection);
            if (version > LATEST) {
                throw new SQLException("Database " + file + " has schema version " + version
                        + ", newer than version " + LATEST + " that this streamavg sink knows:"
                        + " it was written by a newer streamavg; run that version, or point --db at another file");
            }
            if (version < 1) {
                toVersion1(connection, file);
            }
            if (version < 2) {
                toVersion2(connection, file);
            }
            // Written even when unchanged: SQLite opens a file it may not write read-only, and only a
            // write says so; at start, not at the first batch, which could never be written then.
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA user_version = " + LATEST);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    /**
     * Version 1: the statistics table and the consumed offsets. A database of the original design
     * has user_version 0 and its own two-column averages table: widen that one in place, keeping its rows.
     */
    private static void toVersion1(final Connection connection, final String file) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (tableExists(connection, "averages")) {
                final Map<String, Integer> existing = primaryKeyPositions(connection, "averages");
                final boolean original = existing.getOrDefault("column_name", 0) == 1
                        && existing.containsKey("average_value")
                        && existing.values().stream().filter(position -> position > 0).count() == 1;
                if (!original) {
                    throw new SQLException("Database " + file + " has a table averages with columns " + existing.keySet()
                            + ", not the original (column_name TEXT PRIMARY KEY, average_value REAL): refusing to change it");
                }
                int added = 0;
                for (final String column : ADDED_COLUMNS) {
                    if (!existing.containsKey(column.substring(0, column.indexOf(' ')))) {
                        statement.execute("ALTER TABLE averages ADD COLUMN " + column);
                        added++;
                    }
                }
                LOG.info("Schema version 1 of {}: added {} statistics columns to the existing averages table, keeping its {} rows",
                        file, added, rowCount(connection, "averages"));
            } else {
                statement.execute(CREATE_AVERAGES);
                LOG.info("Schema version 1 of {}: created table averages", file);
            }
            statement.execute(CREATE_SINK_OFFSETS);
        }
    }

    /** Version 2: the per-window statistics, and the identity of the topics the offsets were read from. */
    private static void toVersion2(final Connection connection, final String file) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE_WINDOW_AVERAGES);
            statement.execute(CREATE_WINDOW_END_INDEX);
            statement.execute(CREATE_SINK_SOURCES);
        }
        LOG.info("Schema version 2 of {}: created tables window_averages and sink_sources", file);
    }

    static int userVersion(final Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA user_version")) {
            result.next();
            return result.getInt(1);
        }
    }

    private static boolean tableExists(final Connection connection, final String table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            statement.setString(1, table);
            try (ResultSet result = statement.executeQuery()) {
                return result.next();
            }
        }
    }

    /** Column name to its position in the primary key (0: not part of it), in table order. */
    private static Map<String, Integer> primaryKeyPositions(final Connection connection, final String table) throws SQLException {
        final Map<String, Integer> columns = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (result.next()) {
                columns.put(result.getString("name"), result.getInt("pk"));
            }
        }
        return columns;
    }

    private static long rowCount(final Connection connection, final String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
            result.next();
            return result.getLong(1);
        }
    }
}
