package io.streamavg.sink;

import static io.streamavg.testkit.AveragesDatabase.execute;
import static io.streamavg.testkit.AveragesDatabase.orderedRows;
import static io.streamavg.testkit.AveragesDatabase.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.runtime.Health;
import io.streamavg.runtime.StartupException;
import io.streamavg.testkit.AveragesDatabase.Row;
import io.streamavg.testkit.Eventually;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.JDBC;

/** What the sink does when the database or the topic is not what it was: it waits, or it stops and says why; it never mixes histories. */
@Timeout(240)
class SinkFaultsIT {

    private static final ColumnStatsSerde SERDE = new ColumnStatsSerde();
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    static Path brokerDir;
    private static SinkTestBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = SinkTestBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldWaitReportingNotReadyWhileAnotherProgramHoldsTheWriteLockThenCatchUp() throws Exception {
        final SqliteSink.SourceTopics topics = broker.createTopics("column-averages-locked");
        final Path db = dir.resolve("processed_data.db");
        send(topics.averages(), new ColumnStats("0", 1, 1.0, 1.0, 1.0, 1.0, 0.0), 1);
        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final SqliteSink sink = SinkTestBroker.sink(broker.config(db, "locked"), topics, meters);
        try {
            sink.start(fatal::set);
            Eventually.assertWithin(SinkTestBroker.TIMEOUT, () -> assertThat(orderedRows(db))
                    .containsExactly(new Row("0", 1.0, 1, 1.0, 1.0, 1.0, 0.0, "2026-03-01T10:00:01Z")));

            try (Connection other = JDBC.createConnection(JDBC.PREFIX + db, new Properties());
                 Statement statement = other.createStatement()) {
                // What a GUI with unsaved edits, or a script in a long transaction, holds.
                statement.execute("BEGIN IMMEDIATE");
                final long lockedAt = System.nanoTime();
                send(topics.averages(), new ColumnStats("0", 2, 5.0, 2.5, 1.0, 4.0, 1.5), 2);
                send(topics.averages(), new ColumnStats("1", 1, 2.5, 2.5, 2.5, 2.5, 0.0), 3);

                Eventually.assertWithin(SinkTestBroker.TIMEOUT, () -> {
                    assertThat(sink.readiness().ok()).isFalse();
                    assertThat(sink.readiness().reason()).startsWith("cannot write " + db.toAbsolutePath() + " since ")
                            .contains("another program holds the write lock");
                });
                assertThat(meters.get("streamavg.sink.database.writable").gauge().value()).isZero();
                // Longer than the busy timeout times the attempts that used to end the sink (and with it `local`).
                final Duration held = Duration.ofMillis((long) SinkDatabase.BUSY_TIMEOUT_MS * (SqliteSink.APPLY_ATTEMPTS + 1));
                Eventually.assertWithin(held.plus(SinkTestBroker.TIMEOUT), () ->
                        assertThat(Duration.ofNanos(System.nanoTime() - lockedAt)).isGreaterThan(held));
                assertThat(fatal.get()).isNull();
                assertThat(sink.liveness()).isEqualTo(Health.up());
                assertThat(sink.readiness().reason()).contains("another program holds the write lock");
                // Readers still see the last committed rows.
                assertThat(orderedRows(db)).containsExactly(new Row("0", 1.0, 1, 1.0, 1.0, 1.0, 0.0, "2026-03-01T10:00:01Z"));
                statement.execute("ROLLBACK");
            }

            Eventually.assertWithin(SinkTestBroker.TIMEOUT, () -> assertThat(orderedRows(db)).containsExactly(
                    new Row("0", 2.5, 2, 5.0, 1.0, 4.0, 1.5, "2026-03-01T10:00:02Z"),
                    new Row("1", 2.5, 1, 2.5, 2.5, 2.5, 0.0, "2026-03-01T10:00:03Z")));
            Eventually.assertWithin(SinkTestBroker.TIMEOUT, () -> {
                assertThat(SinkTestBroker.storedOffsets(db, topics.averages())).isEqualTo(broker.produced(topics.averages()));
                assertThat(sink.readiness()).isEqualTo(Health.up());
            });
            assertThat(meters.get("streamavg.sink.database.writable").gauge().value()).isEqualTo(1.0);
        } finally {
            sink.close();
        }
        assertThat(fatal.get()).isNull();
    }

    @Test
    void shouldWaitNotReadyWhileAnotherProgramHoldsTheWriteLockAtStartThenMigrateKeepingTheOriginalRows() throws Exception {
        final SqliteSink.SourceTopics topics = broker.createTopics("column-averages-locked-at-start");
        final Path db = dir.resolve("processed_data.db");
        // The original design's file, as Python's sqlite3 left it: rollback journal, version 0, two columns.
        execute(db, "CREATE TABLE averages (column_name TEXT PRIMARY KEY, average_value REAL)",
                "INSERT INTO averages VALUES ('0', 1.5), ('7', 9.0)");
        send(topics.averages(), new ColumnStats("0", 2, 5.0, 2.5, 1.0, 4.0, 1.5), 1);
        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final SqliteSink sink = SinkTestBroker.sink(broker.config(db, "locked-at-start"), topics, meters);
        final CompletableFuture<Void> started;
        try {
            try (Connection other = JDBC.createConnection(JDBC.PREFIX + db, new Properties());
                 Statement statement = other.createStatement()) {
                statement.execute("BEGIN IMMEDIATE");
                final long lockedAt = System.nanoTime();
                started = CompletableFuture.runAsync(() -> sink.start(fatal::set));

                Eventually.assertWithin(SinkTestBroker.TIMEOUT, () -> {
                    assertThat(sink.readiness().ok()).isFalse();
                    assertThat(sink.readiness().reason()).startsWith("cannot open " + db.toAbsolutePath() + " for writing since ")
                            .contains("another program holds the write lock")
                            .endsWith("the sink migrates it and starts when it can");
                });
                assertThat(meters.get("streamavg.sink.database.writable").gauge().value()).isZero();
                // Longer than the busy timeout times the attempts after which a start used to fail.
                final Duration held = Duration.ofMillis((long) SinkDatabase.BUSY_TIMEOUT_MS * (SqliteSink.APPLY_ATTEMPTS + 1));
                Eventually.assertWithin(held.plus(SinkTestBroker.TIMEOUT), () ->
                        assertThat(Duration.ofNanos(System.nanoTime() - lockedAt)).isGreaterThan(held));
                assertThat(started).isNotDone();
                assertThat(fatal.get()).isNull();
                assertThat(sink.readiness().reason()).contains("another program holds the write lock");
                // Nothing was changed meanwhile: the other program still sees version 0 and its two columns.
                try (ResultSet version = statement.executeQuery("PRAGMA user_version")) {
                    assertThat(version.next()).isTrue();
                    assertThat(version.getInt(1)).isZero();
                }
                statement.execute("ROLLBACK");
            }
            started.get(SinkTestBroker.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            Eventually.assertWithin(SinkTestBroker.TIMEOUT, () -> {
                assertThat(query(db, "SELECT column_name, average_value, sample_count, updated_at FROM averages ORDER BY column_name"))
                        .containsExactly(List.of("0", 2.5, 2, "2026-03-01T10:00:01Z"), Arrays.asList("7", 9.0, null, null));
                assertThat(SinkTestBroker.storedOffsets(db, topics.averages())).isEqualTo(broker.produced(topics.averages()));
                assertThat(sink.readiness()).isEqualTo(Health.up());
            });
            assertThat(query(db, "PRAGMA user_version")).containsExactly(List.of(SchemaMigrations.LATEST));
            assertThat(query(db, "PRAGMA journal_mode")).containsExactly(List.of("wal"));
            assertThat(meters.get("streamavg.sink.database.writable").gauge().value()).isEqualTo(1.0);
        } finally {
            sink.close();
        }
        assertThat(fatal.get()).isNull();
    }

    @Test
    void shouldEndTheWaitForALockAtStartWhenClosed() throws Exception {
        final SqliteSink.SourceTopics topics = broker.createTopics("column-averages-closed-while-locked");
        final Path db = dir.resolve("processed_data.db");
        execute(db, "CREATE TABLE averages (column_name TEXT PRIMARY KEY, average_value REAL)");
        final SqliteSink sink = SinkTestBroker.sink(broker.config(db, "closed-while-locked"), topics, new SimpleMeterRegistry());
        try (Connection other = JDBC.createConnection(JDBC.PREFIX + db, new Properties());
             Statement statement = other.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            final CompletableFuture<Void> started = CompletableFuture.runAsync(() -> sink.start(error -> { }));
            Eventually.assertWithin(SinkTestBroker.TIMEOUT, () ->
                    assertThat(sink.readiness().reason()).contains("another program holds the write lock"));

            sink.close();

            assertThatThrownBy(() -> started.get(SinkTestBroker.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed while waiting to open");
            assertThat(sink.readiness()).isEqualTo(Health.down("closed"));
            statement.execute("ROLLBACK");
        }
        assertThat(query(db, "PRAGMA user_version")).containsExactly(List.of(0));
    }

    @Test
    void shouldStopNamingDbAndResetDbWhenTheTopicIsAnotherThenRebuildFromItWithResetDb(@TempDir final Path otherBrokerDir)
            throws Exception {
        final SqliteSink.SourceTopics topics = broker.createTopics("column-averages-moved");
        final Path db = dir.resolve("processed_data.db");
        send(topics.averages(), new ColumnStats("0", 5, 10.0, 2.0, 1.0, 3.0, 0.5), 1);
        final SqliteSink first = SinkTestBroker.sink(broker.config(db, "moved"), topics, new SimpleMeterRegistry());
        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        try {
            first.start(fatal::set);
            Eventually.assertWithin(SinkTestBroker.TIMEOUT, () -> assertThat(SinkTestBroker.storedOffsets(db, topics.averages()))
                    .isEqualTo(broker.produced(topics.averages())));
        } finally {
            first.close();
        }
        assertThat(fatal.get()).isNull();
        final List<List<Object>> firstSource = query(db, "SELECT topic, topic_id, cluster_id FROM sink_sources WHERE topic = '" + topics.averages() + "'");
        assertThat(firstSource).hasSize(1);

        // The broker's data deleted, the database kept: the same topic name on a new cluster, with fewer lines so far.
        try (SinkTestBroker fresh = SinkTestBroker.start(otherBrokerDir)) {
            fresh.createTopics(topics.averages());
            fresh.send(topics.averages(), "0", SERDE.serialize(topics.averages(), new ColumnStats("0", 2, 3.0, 1.5, 1.0, 2.0, 0.5)),
                    T0.plusSeconds(9).toEpochMilli());

            final CompletableFuture<Throwable> stopped = new CompletableFuture<>();
            final SqliteSink refused = SinkTestBroker.sink(fresh.config(db, "moved"), topics, new SimpleMeterRegistry());
            try {
                refused.start(stopped::complete);
                final Throwable error = stopped.get(SinkTestBroker.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(error).isInstanceOf(StartupException.class)
                        .hasMessageStartingWith("--db " + db.toAbsolutePath() + " holds statistics read from another " + topics.averages())
                        .hasMessageContaining("topic id " + firstSource.get(0).get(1) + " in cluster " + firstSource.get(0).get(2))
                        .hasMessageContaining("as when the broker's data was deleted but not the database")
                        .hasMessageEndingWith("to empty it and rebuild it from this topic, start once with --reset-db");
                assertThat(refused.readiness().ok()).isFalse();
            } finally {
                refused.close();
            }
            // Nothing of the new history was mixed in.
            assertThat(orderedRows(db)).containsExactly(new Row("0", 2.0, 5, 10.0, 1.0, 3.0, 0.5, "2026-03-01T10:00:01Z"));
            assertThat(query(db, "SELECT topic, topic_id, cluster_id FROM sink_sources WHERE topic = '" + topics.averages() + "'")).isEqualTo(firstSource);

            final SqliteSink reset = SinkTestBroker.sink(fresh.config(db, "moved", "reset-db", "true"), topics, new SimpleMeterRegistry());
            try {
                reset.start(fatal::set);
                Eventually.assertWithin(SinkTestBroker.TIMEOUT, () -> {
                    assertThat(orderedRows(db)).containsExactly(new Row("0", 1.5, 2, 3.0, 1.0, 2.0, 0.5, "2026-03-01T10:00:09Z"));
                    assertThat(SinkTestBroker.storedOffsets(db, topics.averages())).isEqualTo(fresh.produced(topics.averages()));
                });
            } finally {
                reset.close();
            }
            assertThat(fatal.get()).isNull();
            final List<List<Object>> freshSource = query(db, "SELECT topic, topic_id, cluster_id FROM sink_sources WHERE topic = '" + topics.averages() + "'");
            assertThat(freshSource).hasSize(1);
            assertThat(freshSource.get(0).get(1)).isNotEqualTo(firstSource.get(0).get(1));
            assertThat(freshSource.get(0).get(2)).isNotEqualTo(firstSource.get(0).get(2));
        }
    }

    private static void send(final String topic, final ColumnStats stats, final int secondsAfterT0) throws Exception {
        broker.send(topic, stats.column(), SERDE.serialize(topic, stats), T0.plusSeconds(secondsAfterT0).toEpochMilli());
    }
}
