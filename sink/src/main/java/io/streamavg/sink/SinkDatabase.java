package io.streamavg.sink;

import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.WindowKey;
import io.streamavg.wire.WindowStats;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The sink's SQLite database: one connection, one writer. Each {@link #apply} writes a batch of
 * statistics together with the Kafka offsets it was read up to, in one transaction, so the file
 * alone says where to resume, and from which topic.
 */
final class SinkDatabase implements AutoCloseable {

    /** How long a statement waits for another connection's lock before it fails (and the sink tries again). */
    static final int BUSY_TIMEOUT_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(SinkDatabase.class);

    /**
     * Window bounds as stored: ISO-8601 UTC with milliseconds, always the same width, so that text
     * order is time order; the format of SQLite's own {@code strftime('%Y-%m-%dT%H:%M:%fZ')}.
     */
    static final DateTimeFormatter WINDOW_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The statistics both tables hold after their key, in table order; the upserts bind them from one place. */
    private static final List<String> STATISTICS = List.of(
            "average_value", "sample_count", "sum_value", "min_value", "max_value", "stddev_value", "updated_at");

    // The guard keeps a replayed older value from moving a statistic backwards; rows of the original
    // design have no count yet and are always overwritten. INSERT OR REPLACE would delete and re-insert.
    private static final String UPSERT = upsert("averages", List.of("column_name"), List.of(),
            "averages.sample_count IS NULL OR excluded.sample_count >= averages.sample_count");

    private static final String DELETE = "DELETE FROM averages WHERE column_name = ?";

    private static final String UPSERT_WINDOW = upsert("window_averages", List.of("column_name", "window_start"), List.of("window_end"),
            "excluded.sample_count >= window_averages.sample_count");

    private static final String DELETE_WINDOW = "DELETE FROM window_averages WHERE column_name = ? AND window_start = ?";

    private static final String DELETE_WINDOWS_ENDED_BEFORE = "DELETE FROM window_averages WHERE window_end < ?";

    private static final String SAVE_OFFSET = """
            INSERT INTO sink_offsets (topic, partition, next_offset) VALUES (?, ?, ?)
            ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset""";

    private static final String SAVE_SOURCE = """
            INSERT INTO sink_sources (topic, topic_id, cluster_id) VALUES (?, ?, ?)
            ON CONFLICT (topic) DO UPDATE SET topic_id = excluded.topic_id, cluster_id = excluded.cluster_id""";

    private static final String STORED_OFFSETS = "SELECT topic, partition, next_offset FROM sink_offsets";

    private static final String STORED_SOURCES = "SELECT topic, topic_id, cluster_id FROM sink_sources";

    /** What {@link #reset} empties: everything read from Kafka, and where it was read. */
    private static final List<String> RESET = List.of(
            "DELETE FROM averages", "DELETE FROM window_averages", "DELETE FROM sink_offsets", "DELETE FROM sink_sources");

    /**
     * The latest value of one column as read from Kafka.
     *
     * @param stats     null for a tombstone, which deletes the row
     * @param updatedAt the record's timestamp, or null when it has none
     */
    record Change(String column, ColumnStats stats, Instant updatedAt) {
    }

    /**
     * The latest value of one column in one window as read from Kafka.
     *
     * @param stats     null for a tombstone, which deletes the row
     * @param updatedAt the record's timestamp, or null when it has none
     */
    record WindowChange(WindowKey key, WindowStats stats, Instant updatedAt) {
    }

    /** Which topic the offsets were read from: its id, and its cluster's. A recreated topic has a new id. */
    record Source(String topicId, String clusterId) {
    }

    /**
     * Everything one transaction writes.
     *
     * @param sources                  topics first read in this batch, to remember with their offsets
     * @param deleteWindowsEndedBefore window rows that ended before this are deleted; null: none
     */
    record Batch(Collection<Change> averages, Collection<WindowChange> windows, Map<TopicPartition, Long> nextOffsets,
                 Map<String, Source> sources, Instant deleteWindowsEndedBefore) {
    }

    /** Rows a batch changed; an older value that did not replace a newer one is not counted. */
    record Written(int upserted, int deleted) {
    }

    private final Connection connection;
    private final PreparedStatement upsert;
    private final PreparedStatement delete;
    private final PreparedStatement upsertWindow;
    private final PreparedStatement deleteWindow;
    private final PreparedStatement deleteOldWindows;
    private final PreparedStatement saveOffset;
    private final PreparedStatement saveSource;

    private SinkDatabase(final Connection connection) throws SQLException {
        this.connection = connection;
        this.upsert = connection.prepareStatement(UPSERT);
        this.delete = connection.prepareStatement(DELETE);
        this.upsertWindow = connection.prepareStatement(UPSERT_WINDOW);
        this.deleteWindow = connection.prepareStatement(DELETE_WINDOW);
        this.deleteOldWindows = connection.prepareStatement(DELETE_WINDOWS_ENDED_BEFORE);
        this.saveOffset = connection.prepareStatement(SAVE_OFFSET);
        this.saveSource = connection.prepareStatement(SAVE_SOURCE);
    }

    /** Opens (creating it if missing) and migrates {@code file}. */
    static SinkDatabase open(final Path file, final SQLiteConfig.SynchronousMode synchronous) throws SQLException {
        final SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setSynchronous(synchronous);
        // Deferred: sqlite-jdbc begins the next transaction right after each commit, and an
        // IMMEDIATE one would hold the write lock (and a WAL snapshot) between batches, so that no
        // other tool could ever write and checkpoints could not reset the WAL. Every transaction of
        // the sink starts with a write, so a deferred one never has a read lock to upgrade.
        config.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        final Connection connection = config.createConnection("jdbc:sqlite:" + file);
        try {
            connection.setAutoCommit(false);
            SchemaMigrations.migrate(connection, file.toString());
            return new SinkDatabase(connection);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    /** Writes {@code batch} in one transaction; on failure nothing is changed. */
    Written apply(final Batch batch) throws SQLException {
        try {
            for (final Change change : batch.averages()) {
                addAveragesChange(change);
            }
            for (final WindowChange change : batch.windows()) {
                addWindowChange(change);
            }
            for (final Map.Entry<TopicPartition, Long> offset : batch.nextOffsets().entrySet()) {
                saveOffset.setString(1, offset.getKey().topic());
                saveOffset.setInt(2, offset.getKey().partition());
                saveOffset.setLong(3, offset.getValue());
                saveOffset.addBatch();
            }
            for (final Map.Entry<String, Source> source : batch.sources().entrySet()) {
                saveSource.setString(1, source.getKey());
                saveSource.setString(2, source.getValue().topicId());
                saveSource.setString(3, source.getValue().clusterId());
                saveSource.addBatch();
            }
            final int upserted = checked(upsert.executeBatch(), "upsert") + checked(upsertWindow.executeBatch(), "window upsert");
            int deleted = checked(delete.executeBatch(), "delete") + checked(deleteWindow.executeBatch(), "window delete");
            if (batch.deleteWindowsEndedBefore() != null) {
                deleteOldWindows.setString(1, WINDOW_TIME.format(batch.deleteWindowsEndedBefore()));
                deleted += deleteOldWindows.executeUpdate();
            }
            checked(saveOffset.executeBatch(), "offset");
            checked(saveSource.executeBatch(), "source");
            connection.commit();
            return new Written(upserted, deleted);
        } catch (SQLException | RuntimeException e) {
            try {
                for (final PreparedStatement statement : List.of(upsert, delete, upsertWindow, deleteWindow, saveOffset, saveSource)) {
                    statement.clearBatch();
                }
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    private void addAveragesChange(final Change change) throws SQLException {
        final ColumnStats stats = change.stats();
        if (stats == null) {
            delete.setString(1, change.column());
            delete.addBatch();
            return;
        }
        upsert.setString(1, change.column());
        bindStatistics(upsert, 2, stats.mean(), stats.count(), stats.sum(), stats.min(), stats.max(), stats.stddev(), change.updatedAt());
        upsert.addBatch();
    }

    private void addWindowChange(final WindowChange change) throws SQLException {
        final WindowStats stats = change.stats();
        if (stats == null) {
            deleteWindow.setString(1, change.key().column());
            deleteWindow.setString(2, WINDOW_TIME.format(change.key().windowStart()));
            deleteWindow.addBatch();
            return;
        }
        upsertWindow.setString(1, change.key().column());
        upsertWindow.setString(2, WINDOW_TIME.format(change.key().windowStart()));
        upsertWindow.setString(3, WINDOW_TIME.format(stats.windowEnd()));
        bindStatistics(upsertWindow, 4, stats.mean(), stats.count(), stats.sum(), stats.min(), stats.max(), stats.stddev(), change.updatedAt());
        upsertWindow.addBatch();
    }

    /** Binds {@link #STATISTICS} from parameter {@code first} on. */
    private static void bindStatistics(final PreparedStatement statement, final int first, final double mean, final long count,
                                       final double sum, final double min, final double max, final double stddev,
                                       final Instant updatedAt) throws SQLException {
        statement.setDouble(first, mean);
        statement.setLong(first + 1, count);
        statement.setDouble(first + 2, sum);
        statement.setDouble(first + 3, min);
        statement.setDouble(first + 4, max);
        statement.setDouble(first + 5, stddev);
        setInstant(statement, first + 6, updatedAt);
    }

    /**
     * {@code INSERT INTO table (key…, other…, statistics…) VALUES (?, …) ON CONFLICT (key…) DO UPDATE
     * SET} every column but the key {@code WHERE guard}: an update in place, never a delete and insert.
     */
    private static String upsert(final String table, final List<String> key, final List<String> other, final String guard) {
        final List<String> updated = new ArrayList<>(other);
        updated.addAll(STATISTICS);
        final List<String> columns = new ArrayList<>(key);
        columns.addAll(updated);
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ")\n"
                + "VALUES (" + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")\n"
                + "ON CONFLICT (" + String.join(", ", key) + ") DO UPDATE SET\n"
                + updated.stream().map(column -> "    " + column + " = excluded." + column).collect(Collectors.joining(",\n")) + "\n"
                + "WHERE " + guard;
    }

    private static void setInstant(final PreparedStatement statement, final int index, final Instant at) throws SQLException {
        if (at == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, at.toString());
        }
    }

    /** The next offset to read of every partition this database has seen. */
    Map<TopicPartition, Long> storedOffsets() throws SQLException {
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(STORED_OFFSETS)) {
            while (result.next()) {
                offsets.put(new TopicPartition(result.getString(1), result.getInt(2)), result.getLong(3));
            }
        } finally {
            // End the read transaction the SELECT began: left open, it would pin a WAL snapshot until the next batch.
            connection.commit();
        }
        return offsets;
    }

    /** The topic and cluster ids each topic's offsets were read from. */
    Map<String, Source> storedSources() throws SQLException {
        final Map<String, Source> sources = new HashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(STORED_SOURCES)) {
            while (result.next()) {
                sources.put(result.getString(1), new Source(result.getString(2), result.getString(3)));
            }
        } finally {
            connection.commit();
        }
        return sources;
    }

    /** Empties the statistics, the offsets and the sources in one transaction: the next start reads the topics from the beginning. */
    void reset() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (final String sql : RESET) {
                statement.execute(sql);
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

    private static int checked(final int[] counts, final String what) throws SQLException {
        int rows = 0;
        for (final int count : counts) {
            if (count == Statement.EXECUTE_FAILED) {
                throw new SQLException("a " + what + " statement of the batch failed");
            }
            rows += Math.max(count, 0);
        }
        return rows;
    }

    /**
     * Closes the connection after {@code failure}, which closing rolls back, without a last
     * checkpoint: nothing can be assumed of a connection whose transaction failed.
     */
    void abandon(final Exception failure) {
        try {
            connection.close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Closes the connection. Before, it copies the WAL into the database and empties it: the last
     * connection to close does that under an exclusive lock, during which a reader without a busy
     * timeout would be told "database is locked"; with nothing left to copy, that moment is short.
     */
    @Override
    public void close() throws SQLException {
        try (connection) {
            connection.commit();
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            } catch (SQLException e) {
                // It only shortens that moment; the next connection checkpoints what is left.
                LOG.debug("Checkpoint before closing failed: {}", e.getMessage());
            }
        }
    }
}
