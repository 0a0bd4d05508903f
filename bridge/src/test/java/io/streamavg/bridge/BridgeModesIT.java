package io.streamavg.bridge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.LineClients;
import io.streamavg.testkit.TopicContents;
import io.streamavg.wire.LineHeaders;
import io.streamavg.wire.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The acknowledged and header modes against a real broker, with raw socket clients. */
@Timeout(180)
class BridgeModesIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dataDir;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(dataDir, 0);
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

    private static BridgeServer startBridge(final String... options) throws Exception {
        final Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap-servers", broker.bootstrapServers());
        settings.put("port", "0");
        for (int i = 0; i < options.length; i += 2) {
            settings.put(options[i], options[i + 1]);
        }
        final BridgeServer server = new BridgeServer(new BridgeConfig(settings), new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()));
        try {
            server.start(error -> { });
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Writes {@code bytes} in writes of random size, half-closes, and returns every line the bridge wrote back until it closed. */
    private static List<String> converse(final int port, final byte[] bytes, final Random random) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            final OutputStream out = socket.getOutputStream();
            for (int from = 0; from < bytes.length; ) {
                final int length = Math.min(bytes.length - from, 1 + random.nextInt(48));
                out.write(bytes, from, length);
                from += length;
            }
            socket.shutdownOutput();
            final String answer = new String(socket.getInputStream().readAllBytes(), UTF_8);
            return answer.isEmpty() ? List.of() : List.of(answer.split("\n", -1)).subList(0, answer.split("\n", -1).length - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldAcknowledgeEveryLineOfEveryClientExactlyAndInOrderWhenAckModeIsOn() throws Exception {
        final int clients = 20;
        final int lines = 1_500;
        final Map<TopicPartition, Long> start = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
        final List<String> expected = new ArrayList<>();
        final List<byte[]> streams = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final List<byte[]> own = new ArrayList<>();
            for (int i = 0; i < lines; i++) {
                final String line = c + "," + i;
                expected.add(line);
                own.add(line.getBytes(UTF_8));
            }
            // Odd clients end on a line without a newline: the half-close ends it, and it counts.
            streams.add(LineClients.stream(own, new Random(c), c % 2 == 0));
        }

        final List<List<String>> answers = new ArrayList<>();
        try (BridgeServer server = startBridge("ack", "true")) {
            final ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                final List<CompletableFuture<List<String>>> conversations = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    final byte[] bytes = streams.get(c);
                    final Random random = new Random(100 + c);
                    conversations.add(CompletableFuture.supplyAsync(() -> converse(server.port(), bytes, random), pool));
                }
                for (final CompletableFuture<List<String>> conversation : conversations) {
                    answers.add(conversation.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            // A client sees the end of the stream a moment before the bridge counts the connection closed.
            Eventually.assertWithin(WAIT, () -> assertThat(server.counters())
                    .isEqualTo(new BridgeCounters((long) clients * lines, (long) clients * lines, 0, 0, 0, 0, 0, 0)));
        }

        for (final List<String> answer : answers) {
            assertThat(answer).isNotEmpty().allSatisfy(line -> assertThat(line).matches("ok [0-9]+"));
            final List<Long> counts = answer.stream().map(line -> Long.parseLong(line.substring(3))).toList();
            assertThat(counts).as("counts only grow").isSorted();
            assertThat(counts.get(counts.size() - 1)).as("the final count, every line read").isEqualTo(lines);
        }
        final List<ConsumerRecord<byte[], byte[]>> records = TopicContents.read(broker.bootstrapServers(), start, expected.size(), WAIT);
        LineCounts.assertSameLines(records.stream().map(record -> new String(record.value(), UTF_8)).toList(), expected);
    }

    @Test
    void shouldCarryEachConnectionsQuotedColumnNamesOnItsRecordsWhenHeaderModeIsOn() throws Exception {
        final Map<TopicPartition, Long> start = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
        final String breastCancer = "\"mean radius\",\"mean texture\",\"mean perimeter\"";
        final String iris = "sepal_length,sepal_width";
        final List<String> answers;
        try (BridgeServer server = startBridge("header", "true", "ack", "true")) {
            answers = new ArrayList<>(converse(server.port(),
                    ("\uFEFF" + breastCancer + "\r\n17.99,10.38,122.8\r\n20.57,17.77,132.9\r\n").getBytes(UTF_8), new Random(1)));
            answers.addAll(converse(server.port(), (iris + "\n5.1,3.5\n").getBytes(UTF_8), new Random(2)));
        }

        assertThat(answers).last().isEqualTo("ok 1");
        assertThat(answers).contains("ok 2");
        final List<ConsumerRecord<byte[], byte[]>> records = TopicContents.read(broker.bootstrapServers(), start, 3, WAIT);
        assertThat(records).extracting(record -> new String(record.value(), UTF_8) + " | " + columns(record))
                .containsExactlyInAnyOrder("17.99,10.38,122.8 | " + breastCancer, "20.57,17.77,132.9 | " + breastCancer, "5.1,3.5 | " + iris);
    }

    private static String columns(final ConsumerRecord<byte[], byte[]> record) {
        final Header header = record.headers().lastHeader(LineHeaders.COLUMNS);
        return header == null ? null : new String(header.value(), UTF_8);
    }
}
