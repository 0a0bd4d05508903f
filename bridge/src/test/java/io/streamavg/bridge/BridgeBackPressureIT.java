package io.streamavg.bridge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.TopicContents;
import io.streamavg.wire.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stopped for 20 s while clients keep writing: the bridge stops reading at its bound on
 * bytes in flight instead of buffering, keeps every client connected, and once the broker is back
 * every line is on raw-lines exactly once.
 */
@Timeout(240)
class BridgeBackPressureIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    /** How long reading must stay stopped to count as stopped: a negative, so it needs a time span. */
    private static final Duration STILL = Duration.ofSeconds(2);
    private static final int CLIENTS = 4;
    private static final int LINES_BEFORE = 5_000;
    private static final int LINES_DURING = 40_000;
    private static final long BOUND = 256 * 1024;

    @TempDir
    Path dataDir;
    private EmbeddedKafkaBroker broker;

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldStopReadingWhileKafkaIsAwayAndDeliverEveryLineOnceWhenItReturns() throws Exception {
        broker = EmbeddedKafkaBroker.start(dataDir, 0);
        final int kafkaPort = broker.port();
        final String bootstrap = broker.bootstrapServers();
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            TopicSetup.createMissing(admin, Topics.definitions(2), WAIT);
        }
        final Map<TopicPartition, Long> start = TopicContents.endOffsets(bootstrap, Topics.RAW_LINES);
        final BridgeServer bridge = new BridgeServer(new BridgeConfig(Map.of("bootstrap-servers", bootstrap, "port", "0",
                "max-bytes-in-flight", String.valueOf(BOUND))), new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()));
        final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            bridge.start(error -> { });
            final List<String> expected = new ArrayList<>();
            final List<Client> clients = new ArrayList<>();
            final CountDownLatch kafkaGone = new CountDownLatch(1);
            for (int c = 0; c < CLIENTS; c++) {
                final Client client = new Client(c, expected);
                clients.add(client);
                client.done = CompletableFuture.runAsync(() -> client.run(bridge.port(), kafkaGone), pool);
            }

            // Kafka answers: the first lines are published as they come.
            Eventually.assertWithin(WAIT, () -> assertThat(bridge.counters().published()).isEqualTo((long) CLIENTS * LINES_BEFORE));
            broker.close();
            broker = null;
            final long stoppedAt = System.nanoTime();
            kafkaGone.countDown();

            // The clients keep writing; the bridge stops reading once BOUND bytes are unanswered.
            Eventually.assertWithin(WAIT, () -> assertThat(bridge.pausedByBackPressure()).isTrue());
            // Each connection may finish the read it was in when the pause came.
            Eventually.assertWithin(WAIT, () -> {
                final long before = bridge.counters().received();
                pause(Duration.ofMillis(500));
                assertThat(bridge.counters().received()).isEqualTo(before);
            });
            final long readAtPause = bridge.counters().received();
            final long until = System.nanoTime() + STILL.toNanos();
            while (System.nanoTime() - until < 0) {
                assertThat(bridge.pausedByBackPressure()).isTrue();
                assertThat(bridge.counters().received()).isEqualTo(readAtPause);
                assertThat(bridge.counters().openConnections()).isEqualTo(CLIENTS);
                assertThat(bridge.bytesInFlight()).isBetween(BOUND, 4 * BOUND);
                pause(Duration.ofMillis(100));
            }
            final long written = clients.stream().mapToLong(client -> client.linesWritten.get()).sum();
            assertThat(readAtPause).as("lines the bridge read, of %s the clients wrote", written).isLessThan(written);
            assertThat(bridge.counters().sendFailures()).isZero();

            // The outage lasts OUTAGE whatever the machine's speed: the duration is the scenario.
            final long left = OUTAGE.toNanos() - (System.nanoTime() - stoppedAt);
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            assertThat(bridge.counters().openConnections()).as("no client dropped while Kafka is away").isEqualTo(CLIENTS);
            broker = EmbeddedKafkaBroker.start(dataDir, kafkaPort);

            Eventually.assertWithin(WAIT, () -> assertThat(clients.stream().allMatch(client -> client.done.isDone()))
                    .as("every client done: %s", describe(bridge, clients)).isTrue());
            for (final Client client : clients) {
                client.done.join();
            }
            final long total = (long) CLIENTS * (LINES_BEFORE + LINES_DURING);
            Eventually.assertWithin(WAIT, () -> assertThat(bridge.counters())
                    .isEqualTo(new BridgeCounters(total, total, 0, 0, 0, 0, 0, 0)));
            assertThat(bridge.bytesInFlight()).isZero();
            assertThat(clients).allSatisfy(client -> assertThat(client.answer).as("what the bridge wrote back").isEmpty());

            final List<ConsumerRecord<byte[], byte[]>> records = TopicContents.read(broker.bootstrapServers(), start, (int) total, WAIT);
            LineCounts.assertSameLines(records.stream().map(record -> new String(record.value(), UTF_8)).toList(), expected);
        } finally {
            pool.shutdownNow();
            bridge.close();
        }
    }

    private static String describe(final BridgeServer bridge, final List<Client> clients) {
        return bridge.counters() + ", in flight " + bridge.bytesInFlight() + " B, paused " + bridge.pausedByBackPressure()
                + ", lines written by client " + clients.stream().map(client -> client.linesWritten.get() + (client.done.isDone() ? " done" : ""))
                .toList();
    }

    /** Between samples of a value that must not move. */
    private static void pause(final Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Writes its first lines, then, once Kafka is gone, the rest; half-closes and reads until the bridge closes. */
    private static final class Client {

        private final byte[] before;
        private final byte[] during;
        private final int linesBefore;
        final AtomicLong linesWritten = new AtomicLong();
        volatile String answer;
        volatile CompletableFuture<Void> done;

        Client(final int id, final List<String> expected) {
            final ByteArrayOutputStream first = new ByteArrayOutputStream();
            final ByteArrayOutputStream rest = new ByteArrayOutputStream();
            for (int i = 0; i < LINES_BEFORE + LINES_DURING; i++) {
                final String line = id + "," + i + "," + (i * 7919L % 100_003);
                expected.add(line);
                (i < LINES_BEFORE ? first : rest).writeBytes((line + "\n").getBytes(UTF_8));
            }
            before = first.toByteArray();
            during = rest.toByteArray();
            linesBefore = LINES_BEFORE;
        }

        void run(final int port, final CountDownLatch kafkaGone) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout((int) WAIT.toMillis() * 2);
                final OutputStream out = socket.getOutputStream();
                out.write(before);
                out.flush();
                linesWritten.set(linesBefore);
                if (!kafkaGone.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("the broker was not stopped");
                }
                // In writes of about a line, so that the count says how far the client got.
                int lineStart = 0;
                for (int i = 0; i < during.length; i++) {
                    if (during[i] == '\n') {
                        out.write(during, lineStart, i + 1 - lineStart);
                        lineStart = i + 1;
                        linesWritten.incrementAndGet();
                    }
                }
                out.flush();
                socket.shutdownOutput();
                answer = new String(socket.getInputStream().readAllBytes(), UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
