package io.streamavg.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * The bench's view of the sink's database: a read-only connection that reads every column's
 * {@code sample_count}, as any reader of the file would. Reading never blocks the sink: the
 * database is in WAL mode.
 */
final class SqliteCounts implements AutoCloseable {

    private final Connection connection;
    private final PreparedStatement query;

    SqliteCounts(final Path database) throws SQLException {
        final SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        this.connection = config.createConnection("jdbc:sqlite:" + database.toAbsolutePath());
        this.query = connection.prepareStatement("SELECT column_name, sample_count FROM averages");
    }

    /** Every column's count now; empty before the sink's first row. */
    Map<String, Long> counts() throws SQLException {
        final Map<String, Long> counts = new HashMap<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    /** Whether columns {@code "0"} to {@code columns - 1} all count {@code lines}. */
    static boolean complete(final Map<String, Long> counts, final int columns, final long lines) {
        for (int column = 0; column < columns; column++) {
            if (counts.getOrDefault(Integer.toString(column), 0L) != lines) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws SQLException {
        query.close();
        connection.close();
    }
}
