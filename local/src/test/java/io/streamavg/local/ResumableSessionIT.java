package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.testkit.DataSet;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.TopicContents;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import io.streamavg.wire.LineHeaders;
import io.streamavg.wire.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resumable session through a bridge killed mid-stream, as the README's client does it: a client
 * streams one session through bridge 1 (a child JVM), keeping at most {@link #WINDOW} lines
 * unacknowledged; bridge 1 is killed with SIGKILL while lines are in flight; the client connects to
 * bridge 2 (another child JVM), sends {@code session ID <last ok>} and everything after it. The
 * topology (a third child JVM, on the same real broker) must count every line exactly once: the
 * lines bridge 1 had delivered and the client resent arrive twice in raw-lines, and the topology
 * drops the second copy.
 */
@Timeout(600)
class ResumableSessionIT {

    private static final Logger LOG = LoggerFactory.getLogger(ResumableSessionIT.class);

    private static final String SESSION = "resumable-it.1";
    /** Iris 134 times over, each line with its number in the session as a last column. */
    private static final int REPEATS = 134;
    /** Lines sent and not yet acknowledged, at most: what a client keeps to resend. */
    private static final int WINDOW = 2_000;
    /** Bridge 1 is killed once the client has read this count, with up to WINDOW lines in flight after it. */
    private static final long KILL_AT = 6_000;
    private static final double RELATIVE = 1e-9;
    /** Generous: child JVMs start slowly on a shared 2-core machine. */
    private static final Duration START = Duration.ofSeconds(300);
    private static final Duration DEADLINE = Duration.ofSeconds(300);
    private static final Path LOGS = Path.of("target", "ResumableSessionIT");

    @TempDir
    Path work;

    @Test
    void shouldCountEveryLineOfASessionResumedOnASecondBridgeExactlyOnce() throws Exception {
        Files.createDirectories(LOGS);
        final DataSet iris = DataSet.iris();
        final List<String> lines = IntStream.range(0, iris.lines().size() * REPEATS)
                .mapToObj(i -> iris.lines().get(i % iris.lines().size()) + "," + (i + 1)).toList();
        final String numberColumn = String.valueOf(iris.columns().size());

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0)) {
            final String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                final List<NewTopic> topics = Topics.definitions(4);
                TopicSetup.createMissing(admin, topics, START);
                TopicSetup.awaitServed(admin, topics.stream().map(NewTopic::name).toList(), START);
            }
            try (LocalProcess topology = LocalProcess.service(work, log("topology"), "topology", bootstrap,
                    "--state-dir", work.resolve("state").toString(), "--commit-interval", "1000");
                 LocalProcess first = LocalProcess.service(work, log("bridge-1"), "bridge", bootstrap, "--port", "0", "--ack", "true");
                 LocalProcess second = LocalProcess.service(work, log("bridge-2"), "bridge", bootstrap, "--port", "0", "--ack", "true")) {
                topology.awaitReady(START);
                first.awaitReady(START);
                second.awaitReady(START);

                final long lastOk;
                try (SessionConnection connection = new SessionConnection(first.bridgePort(), 0)) {
                    final CompletableFuture<Long> sending = CompletableFuture.supplyAsync(() -> connection.send(lines));
                    connection.awaitAcknowledged(KILL_AT);
                    first.kill();
                    final long sentBeforeKill = sending.get(60, TimeUnit.SECONDS);
                    lastOk = connection.awaitEnd();
                    LOG.info("Bridge 1 killed with {} lines sent and ok {} read", sentBeforeKill, lastOk);
                    assertThat(lastOk).as("the last ok before the kill").isBetween(KILL_AT, (long) lines.size() - 1);
                }

                try (SessionConnection connection = new SessionConnection(second.bridgePort(), lastOk)) {
                    assertThat(connection.send(lines)).isEqualTo(lines.size());
                    connection.endOutput();
                    assertThat(connection.awaitEnd()).as("the final ok of bridge 2").isEqualTo(lines.size());
                    assertThat(connection.errors).isEmpty();
                }
                assertThat(second.metrics().value("streamavg_bridge_sessions_resumed_total")).isEqualTo(1.0);

                // What raw-lines holds: every line of the session once, and those resent after landing twice.
                final List<ConsumerRecord<byte[], byte[]>> raw = TopicContents.read(bootstrap, Topics.RAW_LINES);
                final Map<Long, Integer> copies = new HashMap<>();
                for (final ConsumerRecord<byte[], byte[]> record : raw) {
                    assertThat(new String(record.key(), StandardCharsets.US_ASCII)).isEqualTo(SESSION);
                    assertThat(text(record.headers().lastHeader(LineHeaders.SESSION))).isEqualTo(SESSION);
                    final long sequence = LineHeaders.decodeSequence(record.headers().lastHeader(LineHeaders.SEQUENCE).value());
                    assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(lines.get((int) sequence - 1));
                    copies.merge(sequence, 1, Integer::sum);
                }
                assertThat(copies).hasSize(lines.size());
                assertThat(copies.values()).allSatisfy(count -> assertThat(count).isBetween(1, 2));
                final long resentAfterLanding = raw.size() - lines.size();
                LOG.info("raw-lines holds {} records for {} lines: {} lines landed through bridge 1 after ok {} and were resent",
                        raw.size(), lines.size(), resentAfterLanding, lastOk);
                assertThat(resentAfterLanding).isBetween(0L, lines.size() - lastOk);
                assertThat(raw).extracting(ConsumerRecord::partition).containsOnly(raw.get(0).partition());

                // Every record read (parsed or dropped), then the statistics of exactly the lines.
                Eventually.assertWithin(DEADLINE, () -> {
                    final var metrics = topology.metrics();
                    assertThat(metrics.value("streamavg_topology_lines_parsed_total")
                            + metrics.value("streamavg_topology_duplicate_lines_total")).isGreaterThanOrEqualTo(raw.size());
                });
                final ColumnStats numbers = Eventually.awaitValue(DEADLINE, "column " + numberColumn + " counted to the end", () -> {
                    final ColumnStats stats = averages(topology, numberColumn);
                    return stats != null && stats.count() >= lines.size() ? stats : null;
                });
                final long n = lines.size();
                assertThat(numbers.count()).isEqualTo(n);
                assertThat(numbers.sum()).isEqualTo(n * (n + 1) / 2.0);
                assertThat(numbers.min()).isEqualTo(1.0);
                assertThat(numbers.max()).isEqualTo((double) n);
                iris.columns().forEach((column, pandas) -> {
                    final ColumnStats stats = averages(topology, column);
                    assertThat(stats.count()).as("count of %s", column).isEqualTo(pandas.count() * REPEATS);
                    assertThat(stats.mean()).as("mean of %s", column).isCloseTo(pandas.mean(), within(Math.abs(pandas.mean()) * RELATIVE));
                    assertThat(stats.stddev()).as("stddev of %s", column)
                            .isCloseTo(pandas.stddev(), within(Math.abs(pandas.stddev()) * RELATIVE));
                });
                final double duplicates = topology.metrics().value("streamavg_topology_duplicate_lines_total");
                assertThat(duplicates).as("lines dropped as counted already").isGreaterThanOrEqualTo(resentAfterLanding);
                if (resentAfterLanding > 0) {
                    assertThat(duplicates).isPositive();
                }
                assertThat(TopicContents.read(bootstrap, Topics.RAW_LINES_DLQ)).isEmpty();
            }
        }
    }

    private static Path log(final String name) {
        return LOGS.resolve(name + ".log").toAbsolutePath();
    }

    private static String text(final Header header) {
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** {@code GET /averages/COLUMN} of the topology, or null while it has no statistics of that column. */
    private static ColumnStats averages(final LocalProcess topology, final String column) {
        final HttpResponse<String> answer = topology.get("/averages/" + column);
        if (answer.statusCode() != 200) {
            return null;
        }
        return new ColumnStatsSerde().deserialize(Topics.COLUMN_AVERAGES, answer.body().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One connection of the session, as the README's client runs it: it opens with
     * {@code session ID N}, sends line N+1 on while fewer than {@link #WINDOW} are unacknowledged,
     * and a reader thread takes the {@code ok} counts.
     */
    private static final class SessionConnection implements AutoCloseable {

        private final Socket socket;
        private final OutputStream out;
        private final Thread reader;
        private final Object monitor = new Object();
        final List<String> errors = new CopyOnWriteArrayList<>();
        private long acknowledged;
        private boolean ended;

        SessionConnection(final int port, final long resumeAfter) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            out = socket.getOutputStream();
            acknowledged = resumeAfter;
            out.write(("session " + SESSION + " " + resumeAfter + "\n").getBytes(StandardCharsets.US_ASCII));
            reader = new Thread(this::read, "session-reader-" + port);
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("ok ")) {
                        final long count = Long.parseLong(line.substring(3));
                        synchronized (monitor) {
                            if (count < acknowledged) {
                                errors.add("ok went down from " + acknowledged + ": " + line);
                            }
                            acknowledged = Math.max(acknowledged, count);
                            monitor.notifyAll();
                        }
                    } else {
                        errors.add(line);
                    }
                }
            } catch (IOException e) {
                // The bridge died: what was read so far is what the client knows.
            } finally {
                synchronized (monitor) {
                    ended = true;
                    monitor.notifyAll();
                }
            }
        }

        /** Sends every line after the count it resumed from, within the window; how many lines were sent when it stopped. */
        long send(final List<String> lines) {
            long sent;
            synchronized (monitor) {
                sent = acknowledged;
            }
            try {
                while (sent < lines.size()) {
                    synchronized (monitor) {
                        final long deadline = System.nanoTime() + DEADLINE.toNanos();
                        while (!ended && sent - acknowledged >= WINDOW) {
                            final long left = deadline - System.nanoTime();
                            assertThat(left).as("an ok within %s", DEADLINE).isPositive();
                            monitor.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                        }
                        if (ended) {
                            return sent;
                        }
                    }
                    final StringBuilder chunk = new StringBuilder();
                    final long until = Math.min(lines.size(), sent + WINDOW / 4);
                    for (long i = sent; i < until; i++) {
                        chunk.append(lines.get((int) i)).append('\n');
                    }
                    out.write(chunk.toString().getBytes(StandardCharsets.UTF_8));
                    sent = until;
                }
            } catch (IOException e) {
                // The bridge died under the write.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return sent;
        }

        void awaitAcknowledged(final long count) {
            Eventually.awaitValue(DEADLINE, "ok " + count + " or more", () -> {
                synchronized (monitor) {
                    return acknowledged >= count ? acknowledged : null;
                }
            });
        }

        void endOutput() throws IOException {
            socket.shutdownOutput();
        }

        /** The last count read, once the bridge has closed the connection (or died). */
        long awaitEnd() throws InterruptedException {
            reader.join(DEADLINE.toMillis());
            assertThat(reader.isAlive()).as("the bridge closed the connection within %s", DEADLINE).isFalse();
            synchronized (monitor) {
                return acknowledged;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
