package io.streamavg.bridge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.PrometheusText;
import io.streamavg.testkit.TopicContents;
import io.streamavg.wire.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM ({@code Process.destroy()}) to a bridge in a JVM of its own while clients are still
 * sending: it exits with code 0, every line it read is on raw-lines exactly once, and in
 * acknowledged mode the last {@code ok N} each client read is exactly how many of its lines Kafka
 * holds, which are its first N.
 */
@Timeout(300)
class BridgeShutdownIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern RECEIVED = Pattern.compile("Bridge closed in \\d+ ms: BridgeCounters\\[received=(\\d+), published=(\\d+), sendFailures=(\\d+)");

    @TempDir
    static Path dataDir;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), 0);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicSetup.createMissing(admin, Topics.definitions(4), WAIT);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** A bridge in a child JVM, ready (its ingest port accepts) on return. */
    private record ChildBridge(Process process, int port, int httpPort, Path log) {

        static ChildBridge start(final String name, final String... options) throws Exception {
            final int port = EmbeddedKafkaBroker.freePort();
            final int httpPort = EmbeddedKafkaBroker.freePort();
            // In target/, kept after the test for a failure's story.
            final Path log = Paths.get("target", BridgeShutdownIT.class.getSimpleName() + "-" + name + ".log").toAbsolutePath();
            final List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), BridgeMain.class.getName(),
                    "--bootstrap-servers", broker.bootstrapServers(), "--port", String.valueOf(port),
                    "--http-port", String.valueOf(httpPort), "--bind-address", "127.0.0.1"));
            command.addAll(List.of(options));
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Eventually.assertWithin(WAIT, () -> {
                assertThat(process.isAlive()).as("bridge running; its log %s", log).isTrue();
                assertThat(Files.exists(log) && readLog(log).contains("Bridge listening on port " + port)).as("listening").isTrue();
            });
            return new ChildBridge(process, port, httpPort, log);
        }

        /** A value of the bridge's /metrics now. */
        double metric(final String name) {
            try {
                return PrometheusText.parse(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).value(name);
            } catch (IOException e) {
                throw new AssertionError("no metrics: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** SIGTERM, then the exit code. */
        int terminate() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the bridge did not stop within " + WAIT + " of SIGTERM; log " + log);
            }
            return process.exitValue();
        }

        /** Lines the bridge framed, from the counters it logs once closed; and that none failed. */
        long linesRead() {
            final String text = readLog(log);
            final Matcher matcher = RECEIVED.matcher(text);
            assertThat(matcher.find()).as("the bridge logged its counters when it closed; log %s", log).isTrue();
            assertThat(Long.parseLong(matcher.group(3))).as("send failures").isZero();
            assertThat(matcher.group(2)).as("published").isEqualTo(matcher.group(1));
            return Long.parseLong(matcher.group(1));
        }

        private static String readLog(final Path log) {
            try {
                return Files.readString(log, UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }

    /**
     * A client in acknowledged mode that writes numbered lines ({@code c<id>,<n>,é<n>}, n from 1)
     * without end, cut into writes of random size, until the bridge ends the stream; it keeps the
     * last {@code ok N} it read.
     */
    private static final class AckClient {

        final int id;
        final Socket socket;
        final AtomicLong lastOk = new AtomicLong(-1);
        final AtomicLong linesWritten = new AtomicLong();
        final Thread reader;
        final Thread writer;
        volatile boolean ended;
        volatile String protocolError;

        AckClient(final int id, final int port) throws IOException {
            this.id = id;
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout((int) WAIT.toMillis());
            reader = new Thread(this::read, "ack-client-reader-" + id);
            writer = new Thread(this::write, "ack-client-writer-" + id);
            reader.start();
            writer.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8))) {
                String answer;
                while ((answer = in.readLine()) != null) {
                    if (answer.startsWith("ok ")) {
                        final long n = Long.parseLong(answer.substring(3));
                        if (n < lastOk.get()) {
                            protocolError = "ok went down from " + lastOk.get() + " to " + n;
                        }
                        lastOk.set(n);
                    } else {
                        protocolError = "unexpected answer: " + answer;
                    }
                }
            } catch (IOException e) {
                protocolError = "the bridge's answers ended with " + e;
            } finally {
                ended = true;
            }
        }

        private void write() {
            final Random random = new Random(id);
            final StringBuilder pending = new StringBuilder();
            try {
                final OutputStream out = socket.getOutputStream();
                byte[] bytes = new byte[0];
                int from = 0;
                while (!ended) {
                    if (from == bytes.length) {
                        pending.setLength(0);
                        for (int i = 0; i < 20; i++) {
                            final long n = linesWritten.incrementAndGet();
                            pending.append('c').append(id).append(',').append(n).append(",é").append(n).append(random.nextBoolean() ? "\n" : "\r\n");
                        }
                        bytes = pending.toString().getBytes(UTF_8);
                        from = 0;
                    }
                    final int length = Math.min(bytes.length - from, 1 + random.nextInt(64));
                    out.write(bytes, from, length);
                    from += length;
                }
            } catch (IOException e) {
                // The bridge closed: what it read is what its last 'ok' says.
            }
        }

        void awaitEnd() throws InterruptedException {
            reader.join(WAIT.toMillis());
            writer.join(WAIT.toMillis());
            try {
                socket.close();
            } catch (IOException e) {
                // closing a test client
            }
        }
    }

    @Test
    void shouldAnswerEachAcknowledgedClientItsFinalCountAndLoseNoLineReadWhenStoppedBySigterm() throws Exception {
        final int clients = 20;
        final Map<TopicPartition, Long> start = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
        final ChildBridge bridge = ChildBridge.start("ack-bridge", "--ack", "true", "--shutdown-timeout", "3");
        final List<AckClient> writers = new ArrayList<>();
        final int exitCode;
        try {
            for (int i = 0; i < clients; i++) {
                writers.add(new AckClient(i, bridge.port()));
            }
            Eventually.assertWithin(WAIT, () -> assertThat(writers).allSatisfy(client ->
                    assertThat(client.lastOk.get()).as("client %d acknowledged lines", client.id).isGreaterThanOrEqualTo(200)));
            exitCode = bridge.terminate();
            for (final AckClient client : writers) {
                client.awaitEnd();
            }
        } finally {
            bridge.process().destroyForcibly();
            for (final AckClient client : writers) {
                client.socket.close();
            }
        }

        assertThat(exitCode).as("exit code after SIGTERM; log %s", bridge.log()).isZero();
        final long read = bridge.linesRead();
        final List<ConsumerRecord<byte[], byte[]>> records = TopicContents.read(broker.bootstrapServers(), start, (int) read, WAIT);
        assertThat(TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES).entrySet().stream()
                .mapToLong(end -> end.getValue() - start.get(end.getKey())).sum()).as("records on raw-lines").isEqualTo(read);
        final Map<Integer, List<Long>> byClient = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> record : records) {
            final String[] cells = new String(record.value(), UTF_8).split(",");
            assertThat(cells[2]).isEqualTo("é" + cells[1]);
            byClient.computeIfAbsent(Integer.parseInt(cells[0].substring(1)), id -> new ArrayList<>()).add(Long.parseLong(cells[1]));
        }
        for (final AckClient client : writers) {
            assertThat(client.protocolError).as("client %d", client.id).isNull();
            final List<Long> inKafka = byClient.getOrDefault(client.id, List.of()).stream().sorted().toList();
            final long lastOk = client.lastOk.get();
            assertThat(inKafka).as("client %d: its lines on raw-lines are its first 'ok' ones, once each", client.id)
                    .hasSize((int) lastOk).isEqualTo(LongStream.rangeClosed(1, lastOk).boxed().toList());
            assertThat(lastOk).as("client %d wrote more than the bridge read", client.id).isLessThanOrEqualTo(client.linesWritten.get());
        }
        System.out.printf("SIGTERM with %d acknowledged clients writing: %d lines read, all on raw-lines, each client's last ok its count%n",
                clients, read);
    }

    @Test
    void shouldPublishEveryLineOfClientsThatWroteAndWaitWhenStoppedBySigterm() throws Exception {
        final int clients = 8;
        final int lines = 1_000;
        final Map<TopicPartition, Long> start = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
        final ChildBridge bridge = ChildBridge.start("quiet-bridge", "--shutdown-timeout", "60");
        final List<Socket> sockets = new ArrayList<>();
        final List<String> expected = new ArrayList<>();
        final int exitCode;
        final long stopNanos;
        try {
            final Random random = new Random(7);
            for (int c = 0; c < clients; c++) {
                final Socket socket = new Socket(InetAddress.getLoopbackAddress(), bridge.port());
                socket.setSoTimeout((int) WAIT.toMillis());
                sockets.add(socket);
                final StringBuilder text = new StringBuilder();
                for (int i = 0; i < lines; i++) {
                    final String line = "q" + c + "," + i + ",ü";
                    expected.add(line);
                    text.append(line).append(random.nextBoolean() ? "\n" : "\r\n");
                }
                // Like nc without -N: everything written, the connection left open.
                socket.getOutputStream().write(text.toString().getBytes(UTF_8));
            }
            // Accepted and read, not yet necessarily published: clients still in the listening
            // socket's backlog at SIGTERM are refused (reset), having sent nothing the bridge read.
            Eventually.assertWithin(WAIT, () -> assertThat(bridge.metric("streamavg_bridge_lines_received_total")).isEqualTo(expected.size()));
            final long sigterm = System.nanoTime();
            exitCode = bridge.terminate();
            stopNanos = System.nanoTime() - sigterm;
            for (final Socket socket : sockets) {
                assertThat(socket.getInputStream().read()).as("the bridge ended the stream; log %s", bridge.log()).isEqualTo(-1);
            }
        } finally {
            bridge.process().destroyForcibly();
            for (final Socket socket : sockets) {
                socket.close();
            }
        }

        assertThat(exitCode).as("exit code after SIGTERM; log %s", bridge.log()).isZero();
        assertThat(bridge.linesRead()).isEqualTo(expected.size());
        LineCounts.assertSameLines(TopicContents.read(broker.bootstrapServers(), start, expected.size(), WAIT).stream()
                .map(record -> new String(record.value(), UTF_8)).toList(), expected);
        // Quiet clients end the reading long before --shutdown-timeout 60.
        System.out.printf("SIGTERM with %d quiet clients connected: stopped in %d ms%n", clients, TimeUnit.NANOSECONDS.toMillis(stopNanos));
        assertThat(Duration.ofNanos(stopNanos)).isLessThan(Duration.ofSeconds(60));
    }
}
