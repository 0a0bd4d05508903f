package io.streamavg.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.sqlite.JDBC;

/** Reads the sink's SQLite file the way its users do: a plain connection of its own and a SELECT. */
public final class AveragesDatabase {

    /** One row of {@code averages} as {@code SELECT *} returns it, by position. */
    public record Row(String column, double average, long count, double sum, double min, double max, double stddev,
                      String updatedAt) {
    }

    private AveragesDatabase() {
    }

    /**
     * The README's query, word for word: {@code select column_name, average_value from averages},
     * each row as sqlite3 prints it ({@code 0|4.0}), in the order SQLite returns them.
     */
    public static List<String> readmeQuery(final Path db) {
        final List<String> rows = new ArrayList<>();
        try (Connection connection = connect(db);
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

    /**
     * Every row of {@code averages} by column name, iterating in column-name order; empty when the
     * file or the table does not exist yet (the sink has not started).
     */
    public static Map<String, Row> rows(final Path db) {
        final Map<String, Row> rows = new LinkedHashMap<>();
        orderedRows(db).forEach(row -> rows.put(row.column(), row));
        return Collections.unmodifiableMap(rows);
    }

    /** Every row of {@code averages} in column-name order; empty when the file or the table does not exist yet. */
    public static List<Row> orderedRows(final Path db) {
        final List<Row> rows = new ArrayList<>();
        if (!Files.exists(db)) {
            return rows; // connecting would create it
        }
        try (Connection connection = connect(db);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT * FROM averages ORDER BY column_name")) {
            while (result.next()) {
                rows.add(new Row(result.getString(1), result.getDouble(2), result.getLong(3), result.getDouble(4),
                        result.getDouble(5), result.getDouble(6), result.getDouble(7), result.getString(8)));
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("no such table")) {
                return rows;
            }
            throw new IllegalStateException("cannot read the averages of " + db, e);
        }
        return rows;
    }

    /** The result of {@code sql}, row by row, each value as the driver returns it. */
    public static List<List<Object>> query(final Path db, final String sql) {
        final List<List<Object>> rows = new ArrayList<>();
        try (Connection connection = connect(db);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                final List<Object> row = new ArrayList<>();
                for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                    row.add(result.getObject(i));
                }
                rows.add(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + " on " + db, e);
        }
        return rows;
    }

    /** Runs each of {@code sql} in turn, auto-committed, e.g. to plant a trigger the sink will trip over. */
    public static void execute(final Path db, final String... sql) {
        try (Connection connection = connect(db);
             Statement statement = connection.createStatement()) {
            for (final String each : sql) {
                statement.execute(each);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change " + db, e);
        }
    }

    /** A plain connection with the driver's defaults, as DriverManager would open it, without its service lookup. */
    private static Connection connect(final Path db) throws SQLException {
        return JDBC.createConnection(JDBC.PREFIX + db, new Properties());
    }
}
