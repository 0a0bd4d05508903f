package io.streamavg.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.testkit.AveragesDatabase;
import io.streamavg.testkit.Eventually;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * Readers with no busy timeout at all (the sqlite3 CLI's default) query in tight loops while the
 * sink writes 100,000 updates: not one "database is locked", and every row they see is whole.
 */
@Timeout(300)
class ConcurrentReadersIT {

    private static final int COLUMNS = 1_000;
    private static final int UPDATES_PER_COLUMN = 100;
    private static final String QUERY = "SELECT column_name, average_value, sample_count, sum_value, min_value, max_value FROM averages";

    @TempDir
    Path brokerDir;
    @TempDir
    Path dir;

    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();

    @Test
    void shouldGiveReadersWithoutBusyTimeoutNoErrorAndOnlyWholeRowsWhileTheSinkWrites100000Updates() throws Exception {
        final Path db = dir.resolve("processed_data.db");
        try (SinkTestBroker broker = SinkTestBroker.start(brokerDir)) {
            final SqliteSink.SourceTopics topics = broker.createTopics("column-averages-readers");
            final ColumnStatsSerde serde = new ColumnStatsSerde();
            // Update n of column k has seen n values, all equal to k: mean k, sum n*k (exact in a double), min = max = k.
            for (int n = 1; n <= UPDATES_PER_COLUMN; n++) {
                for (int k = 0; k < COLUMNS; k++) {
                    final String column = Integer.toString(k);
                    broker.sendAsync(topics.averages(), column, serde.serialize(topics.averages(),
                            new ColumnStats(column, n, (double) n * k, k, k, k, 0.0)), 1_000L * n);
                }
            }
            broker.flush();

            final SqliteSink sink = SinkTestBroker.sink(broker.config(db, "readers"), topics, new SimpleMeterRegistry());
            final AtomicLong persistentReads = new AtomicLong();
            final AtomicLong openingReads = new AtomicLong();
            final AtomicLong cliReads = new AtomicLong();
            final Set<Long> totalsSeen = ConcurrentHashMap.newKeySet();
            final AtomicReference<Throwable> fatal = new AtomicReference<>();
            try {
                sink.openDatabase();
                // One reader keeps its connection; the other opens one per query, like the CLI, which it
                // alternates with: readers that open and close at the same moment can lock each other
                // out (SQLite's close-time check), whatever the writer does, so those two take turns.
                final Thread persistent = reader("persistent reader", () -> {
                    try (Connection connection = withoutBusyTimeout(db)) {
                        while (!stop.get()) {
                            totalsSeen.add(readWholeRows(connection, "persistent reader"));
                            persistentReads.incrementAndGet();
                        }
                    }
                });
                final boolean cli = SinkDatabaseTest.sqlite3OnPath();
                final Thread opening = reader("opening reader", () -> {
                    while (!stop.get()) {
                        try (Connection connection = withoutBusyTimeout(db)) {
                            readWholeRows(connection, "opening reader");
                            openingReads.incrementAndGet();
                        }
                        if (cli) {
                            readWithCli(db);
                            cliReads.incrementAndGet();
                        }
                    }
                });
                sink.start(fatal::set);
                Eventually.assertWithin(Duration.ofSeconds(240), () ->
                        assertThat(SinkTestBroker.storedOffsets(db, topics.averages())).isEqualTo(broker.produced(topics.averages())));
                stop.set(true);
                persistent.join(TimeUnit.SECONDS.toMillis(60));
                opening.join(TimeUnit.SECONDS.toMillis(60));
            } finally {
                stop.set(true);
                sink.close();
            }
            assertThat(fatal.get()).isNull();
            assertThat(errors).isEmpty();
            assertThat(persistentReads.get()).isPositive();
            assertThat(openingReads.get()).isPositive();
            if (SinkDatabaseTest.sqlite3OnPath()) {
                assertThat(cliReads.get()).isPositive();
            }
            // The readers read while the sink wrote: they saw totals between none and all.
            assertThat(totalsSeen.stream().filter(total -> total > 0 && total < (long) COLUMNS * UPDATES_PER_COLUMN)).isNotEmpty();
            System.out.printf("ConcurrentReadersIT: %d persistent, %d opening and %d sqlite3 reads, %d distinct totals seen%n",
                    persistentReads.get(), openingReads.get(), cliReads.get(), totalsSeen.size());
            final Map<String, AveragesDatabase.Row> rows = AveragesDatabase.rows(db);
            assertThat(rows).hasSize(COLUMNS);
            rows.forEach((column, row) -> {
                final int k = Integer.parseInt(column);
                assertThat(row.count()).isEqualTo(UPDATES_PER_COLUMN);
                assertThat(row.average()).isEqualTo(k);
                assertThat(row.sum()).isEqualTo((double) UPDATES_PER_COLUMN * k);
            });
        }
    }

    private interface ReadLoop {
        void run() throws Exception;
    }

    private Thread reader(final String name, final ReadLoop loop) {
        final Thread thread = new Thread(() -> {
            try {
                loop.run();
            } catch (Exception e) {
                errors.add(name + ": " + e);
            }
        }, name);
        thread.start();
        return thread;
    }

    private static Connection withoutBusyTimeout(final Path db) throws SQLException {
        final SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(0);
        return config.createConnection("jdbc:sqlite:" + db);
    }

    /** Reads every row, records any that is not whole, and returns the total of the sample counts. */
    private long readWholeRows(final Connection connection, final String reader) {
        long total = 0;
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(QUERY)) {
            while (result.next()) {
                final int k = Integer.parseInt(result.getString(1));
                final long count = result.getLong(3);
                if (result.getDouble(2) != k || result.getDouble(4) != (double) count * k || result.getDouble(5) != k
                        || result.getDouble(6) != k || count < 1 || count > UPDATES_PER_COLUMN) {
                    errors.add(reader + ": a row not whole: column " + k + " count " + count + " sum " + result.getDouble(4));
                }
                total += count;
            }
        } catch (SQLException e) {
            errors.add(reader + ": " + e.getMessage());
        }
        return total;
    }

    private void readWithCli(final Path db) throws Exception {
        final Process sqlite3 = new ProcessBuilder("sqlite3", db.toString(),
                "select count(*), sum(sample_count) >= count(*) from averages").start();
        final String out = new String(sqlite3.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        final String err = new String(sqlite3.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!sqlite3.waitFor(60, TimeUnit.SECONDS) || sqlite3.exitValue() != 0 || !err.isEmpty()) {
            errors.add("sqlite3: exit " + (sqlite3.isAlive() ? "none" : sqlite3.exitValue()) + ": " + err);
        } else if (!out.matches("\\d+\\|1") && !out.equals("0|")) {
            errors.add("sqlite3: unexpected answer " + out);
        }
    }
}
