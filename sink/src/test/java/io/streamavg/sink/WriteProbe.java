package io.streamavg.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.JDBC;

/**
 * Another program that opens the database afresh and tries to write to it, in a JVM of its own so
 * that it runs with the sink's privileges: prints {@code wrote} (exit 0) or {@code refused: why} (exit 3).
 */
final class WriteProbe {

    private WriteProbe() {
    }

    public static void main(final String[] args) {
        try (Connection connection = JDBC.createConnection(JDBC.PREFIX + args[0], new java.util.Properties());
             Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("CREATE TABLE write_probe (n INTEGER)");
            statement.execute("ROLLBACK");
            System.out.println("wrote");
        } catch (SQLException e) {
            System.out.println("refused: " + e.getMessage());
            System.exit(3);
        }
    }
}
