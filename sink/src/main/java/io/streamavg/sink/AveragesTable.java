package io.streamavg.sink;

import io.streamavg.wire.ColumnStats;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.sqlite.SQLiteConfig;

/**
 * The sink's SQLite database: one connection, one writer. Each {@link #apply} writes a batch of
 * statistics together with the Kafka offsets it was read up to, in one transaction, so the file
 * alone says where to resume.
 */
final class AveragesTable implements AutoCloseable {

    /** How long a statement waits for another connection's lock before it fails. */
    static final int BUSY_TIMEOUT_MS = 5_000;

    // The guard keeps a replayed older value from moving a statistic backwards; rows of the original
    // design have no count yet and are always overwritten. INSERT OR REPLACE would delete and re-insert.
    private static final String UPSERT = """
            INSERT INTO averages (column_name, average_value, sample_count, sum_value, min_value, max_value, stddev_value, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (column_name) DO UPDATE SET
                average_value = excluded.average_value,
                sample_count = excluded.sample_count,
                sum_value = excluded.sum_value,
                min_value = excluded.min_value,
                max_value = excluded.max_value,
                stddev_value = excluded.stddev_value,
                updated_at = excluded.updated_at
            WHERE averages.sample_count IS NULL OR excluded.sample_count >= averages.sample_count""";

    private static final String DELETE = "DELETE FROM averages WHERE column_name = ?";

    private static final String SAVE_OFFSET = """
            INSERT INTO sink_offsets (topic, partition, next_offset) VALUES (?, ?, ?)
            ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset""";

    private static final String STORED_OFFSETS = "SELECT topic, partition, next_offset FROM sink_offsets";

    /**
     * The latest value of one column as read from Kafka.
     *
     * @param stats     null for a tombstone, which deletes the row
     * @param updatedAt the record's timestamp, or null when it has none
     */
    record Change(String column, ColumnStats stats, Instant updatedAt) {
    }

    private final Connection connection;
    private final PreparedStatement upsert;
    private final PreparedStatement delete;
    private final PreparedStatement saveOffset;

    private AveragesTable(final Connection connection) throws SQLException {
        this.connection = connection;
        this.upsert = connection.prepareStatement(UPSERT);
        this.delete = connection.prepareStatement(DELETE);
        this.saveOffset = connection.prepareStatement(SAVE_OFFSET);
    }

    /** Opens (creating it if missing) and migrates {@code file}. */
    static AveragesTable open(final Path file, final SQLiteConfig.SynchronousMode synchronous) throws SQLException {
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
            return new AveragesTable(connection);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    /**
     * Writes {@code changes} (at most one per column) and {@code nextOffsets} in one transaction;
     * on failure nothing is changed.
     *
     * @return the rows inserted, updated or deleted; an older value that did not replace a newer one is not counted
     */
    int apply(final Collection<Change> changes, final Map<TopicPartition, Long> nextOffsets) throws SQLException {
        try {
            for (final Change change : changes) {
                final ColumnStats stats = change.stats();
                if (stats == null) {
                    delete.setString(1, change.column());
                    delete.addBatch();
                    continue;
                }
                upsert.setString(1, change.column());
                upsert.setDouble(2, stats.mean());
                upsert.setLong(3, stats.count());
                upsert.setDouble(4, stats.sum());
                upsert.setDouble(5, stats.min());
                upsert.setDouble(6, stats.max());
                upsert.setDouble(7, stats.stddev());
                if (change.updatedAt() == null) {
                    upsert.setNull(8, Types.VARCHAR);
                } else {
                    upsert.setString(8, change.updatedAt().toString());
                }
                upsert.addBatch();
            }
            for (final Map.Entry<TopicPartition, Long> offset : nextOffsets.entrySet()) {
                saveOffset.setString(1, offset.getKey().topic());
                saveOffset.setInt(2, offset.getKey().partition());
                saveOffset.setLong(3, offset.getValue());
                saveOffset.addBatch();
            }
            final int written = checked(upsert.executeBatch(), "upsert") + checked(delete.executeBatch(), "delete");
            checked(saveOffset.executeBatch(), "offset");
            connection.commit();
            return written;
        } catch (SQLException | RuntimeException e) {
            try {
                upsert.clearBatch();
                delete.clearBatch();
                saveOffset.clearBatch();
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
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
        }
        // End the read transaction the SELECT began: left open, it would pin a WAL snapshot until the next batch.
        connection.commit();
        return offsets;
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

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
