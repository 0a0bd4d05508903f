package io.streamavg.local;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the sink's SQLite file the way its users do: a plain connection and a SELECT. */
final class AveragesDatabase {

    /** One row of {@code averages}. */
    record Row(String column, double average, long count, double sum, double min, double max, double stddev) {
    }

    private AveragesDatabase() {
    }

    /**
     * The README's query, word for word: {@code select column_name, average_value from averages},
     * each row as sqlite3 prints it ({@code 0|4.0}), in the order SQLite returns them.
     */
    static List<String> readmeQuery(final Path db) {
        final List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select column_name, average_value from averages")) {
            while (result.next()) {
                rows.add(result.getString(1) + "|" + result.getDouble(2));
            }
        } catch (SQLException e) {
            throw new AssertionError("cannot query " + db + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /** Every row of {@code averages} by column name; empty when the file or the table does not exist yet. */
    static Map<String, Row> rows(final Path db) {
        final Map<String, Row> rows = new HashMap<>();
        if (!db.toFile().exists()) {
            return rows;
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT column_name, average_value, sample_count, sum_value, "
                     + "min_value, max_value, stddev_value FROM averages")) {
            while (result.next()) {
                rows.put(result.getString(1), new Row(result.getString(1), result.getDouble(2), result.getLong(3),
                        result.getDouble(4), result.getDouble(5), result.getDouble(6), result.getDouble(7)));
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("no such table")) {
                return rows;
            }
            throw new IllegalStateException("cannot read " + db, e);
        }
        return rows;
    }
}
