package io.streamavg.sink;

import static io.streamavg.testkit.AveragesDatabase.orderedRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamavg.testkit.AveragesDatabase.Row;
import io.streamavg.testkit.Eventually;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink as {@code streamavg sink} runs it, in a JVM of its own, when its database stops taking
 * writes mid-run and takes them again: real SQLite files, the real broker, real file-system limits.
 * As root, the sink's JVM runs without CAP_DAC_OVERRIDE, so that permissions bind it as they bind a user.
 */
@Timeout(300)
class SinkUnwritableIT {

    private static final ColumnStatsSerde SERDE = new ColumnStatsSerde();
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final int COLUMNS = 40;
    /** A stop must last this long, with records waiting, for the test to say the sink did not advance. */
    private static final Duration HELD = Duration.ofSeconds(8);

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

    /**
     * A full disk, made with a file size limit of 0 on the sink's process: every write to the
     * database fails (EFBIG), as it would with ENOSPC. The sink must hold its batch, commit no offset,
     * report it, and catch up once writes succeed again.
     */
    @Test
    void shouldStopAdvancingReportingItWhileWritesFailThenCatchUpWhenTheyDoNot() throws Exception {
        assumeTrue(SinkProcess.onPath("prlimit"), "prlimit (util-linux) is not on the PATH: it sets the file size limit of the sink's process");
        final SqliteSink.SourceTopics topics = broker.createTopics("column-averages-disk-full");
        final Path db = dir.resolve("processed_data.db");
        final String group = "disk-full";
        final List<Row> first = sendRound(topics.averages(), 1);

        try (SinkProcess sink = SinkProcess.sink(dir.resolve("sink.log"), topics.averages(), "--bootstrap-servers",
                broker.bootstrapServers(), "--db", db.toString(), "--group-id", group)) {
            awaitCaughtUp(sink, db, topics.averages(), first);
            final String limit = sink.fileSizeLimit();

            sink.limitFileSize("0");
            final List<Row> second = sendRound(topics.averages(), 2);
            Eventually.assertWithin(SinkTestBroker.TIMEOUT, () -> {
                final HttpResponse<String> ready = sink.ready();
                assertThat(ready.statusCode()).as("GET /health/ready: %s", ready.body()).isEqualTo(503);
                assertThat(ready.body()).contains("cannot write " + db.toAbsolutePath() + " since ")
                        .contains("the sink catches up when it can");
            });
            assertThat(sink.ready().body()).containsAnyOf("(SQLITE_FULL)", "(SQLITE_IOERR");
            assertThat(sink.writableGauge()).isZero();
            final Map<Integer, Long> stored = SinkTestBroker.storedOffsets(db, topics.averages());
            final List<Row> third = sendRound(topics.averages(), 3);
            assertStopped(sink, db, topics.averages(), group, first, stored);

            sink.limitFileSize(limit);
            awaitCaughtUp(sink, db, topics.averages(), third);
            assertThat(second).isNotEqualTo(third);
            assertThat(sink.log()).contains("can be written again after");
            Eventually.assertWithin(SinkTestBroker.TIMEOUT, () -> assertThat(broker.committed(group, topics.averages()))
                    .isEqualTo(broker.produced(topics.averages())));
            assertStoppedCleanly(sink);
        }
    }

    /**
     * Read-only permissions on the file, its WAL and shared-memory files and its folder, mid-run.
     * Linux checks permissions when a file is opened, and the running sink holds its files open:
     * it goes on writing (what this test found; nothing to wait for). Another program that opens the
     * file now cannot write it, nor can a sink started now, which stops at once naming --db; made
     * writable again, a restarted sink catches up from the offsets in the file.
     */
    @Test
    void shouldKeepWritingThroughFilesOpenBeforeTheyWereMadeReadOnlyRefuseToStartOnThemThenCatchUp() throws Exception {
        assumeTrue(SinkProcess.canDropRootsFilePowers(),
                "running as root without setpriv (util-linux): root writes read-only files, so the test could not make one");
        final SqliteSink.SourceTopics topics = broker.createTopics("column-averages-read-only");
        final Path db = dir.resolve("data").resolve("processed_data.db");
        Files.createDirectories(db.getParent());
        final String group = "read-only";
        final List<Row> first = sendRound(topics.averages(), 1);
        final List<Path> files = List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"), db.getParent());
        final String[] options = {"--bootstrap-servers", broker.bootstrapServers(), "--db", db.toString(), "--group-id", group};

        try {
            try (SinkProcess sink = SinkProcess.sink(dir.resolve("sink-1.log"), topics.averages(), options)) {
                awaitCaughtUp(sink, db, topics.averages(), first);
                for (final Path file : files) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(Files.isDirectory(file) ? "r-xr-xr-x" : "r--r--r--"));
                }
                assertThat(probeWrite(db)).startsWith("refused: ").contains("readonly");

                final List<Row> second = sendRound(topics.averages(), 2);
                awaitCaughtUp(sink, db, topics.averages(), second);
                assertThat(sink.writableGauge()).isEqualTo(1.0);

                // Killed: a supervisor restarts it on the same, still read-only, file.
                sink.kill();
            }
            final List<Row> third = sendRound(topics.averages(), 3);
            try (SinkProcess refused = SinkProcess.sink(dir.resolve("sink-2.log"), topics.averages(), options)) {
                assertThat(refused.awaitExit(SinkTestBroker.TIMEOUT)).as("exit code; log:\n%s", refused.log()).isEqualTo(1);
                assertThat(refused.log()).contains("streamavg sink: cannot use --db " + db.toAbsolutePath()
                        + ": it cannot be written (read-only file, folder or file system)");
            }

            for (final Path file : files) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
            }
            try (SinkProcess again = SinkProcess.sink(dir.resolve("sink-3.log"), topics.averages(), options)) {
                awaitCaughtUp(again, db, topics.averages(), third);
                assertStoppedCleanly(again);
            }
        } finally {
            // So that the temporary folder can be deleted whatever happened.
            for (final Path file : files) {
                if (Files.exists(file)) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }

    /** SIGTERM: 0, or the JVM's own code for it (its log may end before the sink's last lines: log4j stops at the signal too). */
    private static void assertStoppedCleanly(final SinkProcess sink) throws InterruptedException {
        assertThat(sink.terminate()).as("exit code after SIGTERM; log:\n%s", sink.log()).isZero();
    }

    /** Another program, with the sink's privileges, opening the file and writing to it. */
    private String probeWrite(final Path db) throws Exception {
        try (SinkProcess probe = SinkProcess.launch(dir.resolve("probe.log"), WriteProbe.class.getName(), List.of(db.toString()))) {
            probe.awaitExit(SinkTestBroker.TIMEOUT);
            return Eventually.awaitValue(SinkTestBroker.TIMEOUT, "the probe's answer", () -> probe.log().lines()
                    .filter(line -> line.startsWith("wrote") || line.startsWith("refused: ")).findFirst().orElse(null));
        }
    }

    /** While stopped: for {@link #HELD}, with records waiting, nothing written, no offset past the file's committed to Kafka. */
    private static void assertStopped(final SinkProcess sink, final Path db, final String topic, final String group,
                                      final List<Row> rows, final Map<Integer, Long> stored) throws Exception {
        final long from = System.nanoTime();
        Eventually.assertWithin(HELD.plus(SinkTestBroker.TIMEOUT), () ->
                assertThat(Duration.ofNanos(System.nanoTime() - from)).isGreaterThan(HELD));
        assertThat(sink.process().isAlive()).as("alive; log:\n%s", sink.log()).isTrue();
        assertThat(sink.ready().statusCode()).isEqualTo(503);
        assertThat(sink.writableGauge()).isZero();
        assertThat(orderedRows(db)).isEqualTo(rows);
        assertThat(SinkTestBroker.storedOffsets(db, topic)).isEqualTo(stored);
        final Map<Integer, Long> committed = broker.committed(group, topic);
        committed.forEach((partition, offset) -> assertThat(offset).as("committed offset of partition %d", partition)
                .isLessThanOrEqualTo(stored.getOrDefault(partition, 0L)));
        assertThat(stored).isNotEqualTo(broker.produced(topic));
    }

    /** Until the file holds {@code rows}, its offsets are the topic's end offsets, and the sink says it is ready and writable. */
    private static void awaitCaughtUp(final SinkProcess sink, final Path db, final String topic, final List<Row> rows) {
        Eventually.assertWithin(SinkTestBroker.TIMEOUT, () -> {
            assertThat(sink.process().isAlive()).as("alive; log:\n%s", sink.log()).isTrue();
            assertThat(orderedRows(db)).isEqualTo(rows);
            assertThat(SinkTestBroker.storedOffsets(db, topic)).isEqualTo(broker.produced(topic));
            final HttpResponse<String> ready = sink.ready();
            assertThat(ready.statusCode()).as("GET /health/ready: %s", ready.body()).isEqualTo(200);
            assertThat(sink.writableGauge()).isEqualTo(1.0);
        });
    }

    /**
     * Round {@code n}: column {@code c} has seen the values 1…n plus c (count n), two updates of it per
     * round so that a batch has something to fold; returns the rows the table must then hold.
     */
    private static List<Row> sendRound(final String topic, final int n) throws Exception {
        final List<Row> rows = new ArrayList<>();
        for (int c = 0; c < COLUMNS; c++) {
            final ColumnStats before = stats(c, n - 1);
            if (n > 1) {
                broker.sendAsync(topic, before.column(), SERDE.serialize(topic, before), T0.plusSeconds(n - 1).toEpochMilli());
            }
            final ColumnStats after = stats(c, n);
            broker.sendAsync(topic, after.column(), SERDE.serialize(topic, after), T0.plusSeconds(n).toEpochMilli());
            rows.add(new Row(after.column(), after.mean(), after.count(), after.sum(), after.min(), after.max(), after.stddev(),
                    T0.plusSeconds(n).toString()));
        }
        broker.flush();
        rows.sort((a, b) -> a.column().compareTo(b.column()));
        return rows;
    }

    private static ColumnStats stats(final int column, final int n) {
        final double sum = n * (n + 1) / 2.0 + (double) n * column;
        final double mean = sum / n;
        // Population standard deviation of 1…n: sqrt((n² - 1) / 12).
        return new ColumnStats(String.format("%02d", column), n, sum, mean, 1.0 + column, n + column, Math.sqrt((n * n - 1) / 12.0));
    }
}
