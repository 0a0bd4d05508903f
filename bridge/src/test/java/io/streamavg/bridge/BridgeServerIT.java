package io.streamavg.bridge;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.LineClients;
import io.streamavg.testkit.TopicContents;
import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.RejectReason;
import io.streamavg.wire.Topics;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The bridge against a real broker: what many clients write is what raw-lines holds, exactly. */
@Timeout(120)
class BridgeServerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int CLIENTS = 8;
    private static final int LINES_PER_CLIENT = 2_500;

    @TempDir
    static Path dataDir;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(dataDir, 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicSetup.createMissing(admin, Topics.definitions(2), WAIT);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static BridgeServer startBridge(final Map<String, String> options) throws Exception {
        final Map<String, String> settings = new HashMap<>(options);
        settings.put("bootstrap-servers", broker.bootstrapServers());
        settings.put("port", "0");
        final BridgeServer server = new BridgeServer(new BridgeConfig(settings), new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()));
        try {
            server.start(error -> { });
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    @Test
    void shouldPublishExactlyTheLinesOfManyConcurrentClientsWhenLinesAreCutAcrossWrites() throws Exception {
        assertEveryLineOnceFrom(CLIENTS, LINES_PER_CLIENT);
    }

    /** A thousand connections at once, each line identified by its client and number, cut across writes of 1-48 bytes. */
    @Test
    void shouldPublishEveryLineOfAThousandConcurrentClientsExactlyOnce() throws Exception {
        assertEveryLineOnceFrom(1_000, 60);
    }

    private static void assertEveryLineOnceFrom(final int clients, final int linesPerClient) throws Exception {
        final List<byte[]> streams = new ArrayList<>();
        final List<String> expected = new ArrayList<>();
        final List<String> notUtf8 = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            streams.add(clientStream(client, linesPerClient, expected, notUtf8));
        }
        final Map<TopicPartition, Long> start = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
        final Map<TopicPartition, Long> dlqStart = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES_DLQ);
        final long before = System.currentTimeMillis();

        final BridgeServer server = startBridge(Map.of());
        try {
            LineClients.sendAll(server.port(), streams, 1_000);
        } finally {
            server.close();
        }
        final long after = System.currentTimeMillis();

        // Every client saw the bridge close its connection, so every line was framed before close(),
        // which waited for every send to be answered.
        final int lines = expected.size() + notUtf8.size();
        assertThat(server.counters()).isEqualTo(new BridgeCounters(lines, lines, 0, 0, notUtf8.size(), 0, 0, 0));
        final List<ConsumerRecord<byte[], byte[]>> records = TopicContents.read(broker.bootstrapServers(), start, expected.size(), WAIT);
        LineCounts.assertSameLines(records.stream().map(record -> new String(record.value(), ISO_8859_1)).toList(), expected);
        assertThat(records).allSatisfy(record -> {
            assertThat(record.key()).isNull();
            assertThat(record.timestamp()).isBetween(before, after);
        });
        final Map<TopicPartition, Long> end = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
        assertThat(end.keySet().stream().mapToLong(partition -> end.get(partition) - start.get(partition)).sum())
                .isEqualTo(expected.size());
        final List<ConsumerRecord<byte[], byte[]>> rejected = TopicContents.read(broker.bootstrapServers(), dlqStart, notUtf8.size(), WAIT);
        assertThat(rejected).allSatisfy(record -> assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON))
                .isEqualTo(RejectReason.INVALID_UTF8.code()));
        LineCounts.assertSameLines(rejected.stream().map(record -> new String(record.value(), ISO_8859_1)).toList(), notUtf8);
    }

    /**
     * Unkeyed lines go to their event loop's partition for a turn, then to the next: each client's
     * lines still reach every partition in the order it sent them, and the partitions get about as
     * many lines each. Small batches, so that the turns (a few batches each) are many.
     */
    @Test
    void shouldKeepEachClientsLinesInOrderWithinEveryPartitionAndSpreadThemEvenly() throws Exception {
        final int clients = 12;
        final int linesPerClient = 4_000;
        final List<byte[]> streams = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            final List<byte[]> lines = new ArrayList<>();
            for (int line = 0; line < linesPerClient; line++) {
                lines.add((client + "," + line + ",0.5").getBytes(UTF_8));
            }
            streams.add(LineClients.stream(lines, new Random(client), true));
        }
        final Map<TopicPartition, Long> start = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
        final BridgeServer server = startBridge(Map.of("kafka.batch.size", "1024", "event-loops", "3"));
        try {
            LineClients.sendAll(server.port(), streams, 7);
        } finally {
            server.close();
        }

        final List<ConsumerRecord<byte[], byte[]>> records =
                TopicContents.read(broker.bootstrapServers(), start, clients * linesPerClient, WAIT);
        assertThat(records).hasSize(clients * linesPerClient);
        final Map<Integer, Integer> perPartition = new HashMap<>();
        // By partition, then client: the last line number read, -1 before the first.
        final Map<Integer, Map<Integer, Integer>> last = new HashMap<>();
        final Map<Integer, Integer> perClient = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> record : records) {
            assertThat(record.key()).isNull();
            final String[] cells = new String(record.value(), UTF_8).split(",");
            final int client = Integer.parseInt(cells[0]);
            final int line = Integer.parseInt(cells[1]);
            final Integer previous = last.computeIfAbsent(record.partition(), partition -> new HashMap<>()).put(client, line);
            assertThat(line).as("client %d's lines on partition %d", client, record.partition())
                    .isGreaterThan(previous == null ? -1 : previous);
            perPartition.merge(record.partition(), 1, Integer::sum);
            perClient.merge(client, 1, Integer::sum);
        }
        assertThat(perClient).hasSize(clients).allSatisfy((client, count) -> assertThat(count).isEqualTo(linesPerClient));
        // Two partitions: each within a tenth of half the lines.
        assertThat(perPartition).hasSize(2).allSatisfy((partition, count) ->
                assertThat(count).isBetween(clients * linesPerClient * 45 / 100, clients * linesPerClient * 55 / 100));
    }

    @Test
    void shouldRefuseAndCountTheClientBeyondMaxConnections() throws Exception {
        try (BridgeServer server = startBridge(Map.of("max-connections", "2"));
             Socket first = new Socket(InetAddress.getLoopbackAddress(), server.port());
             Socket second = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            Eventually.assertWithin(WAIT, () -> assertThat(server.counters().openConnections()).isEqualTo(2));
            try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                refused.setSoTimeout((int) WAIT.toMillis());
                refused.getOutputStream().write("1,2,3\n".getBytes(UTF_8));
                // The reason, then the end of the stream: nc prints the line, then exits.
                assertThat(new String(refused.getInputStream().readAllBytes(), UTF_8))
                        .isEqualTo("error refused: 2 clients are connected, the most this bridge serves (--max-connections); try again later\n");
            }
            Eventually.assertWithin(WAIT, () -> assertThat(server.counters()).isEqualTo(new BridgeCounters(0, 0, 0, 0, 0, 1, 0, 2)));
            assertThat(first.isClosed()).isFalse();
            assertThat(second.isClosed()).isFalse();
        }
    }

    @Test
    void shouldSendTheFirstBytesOfAnOverlongLineToTheDeadLetterTopicWithItsReason() throws Exception {
        final Map<TopicPartition, Long> start = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES_DLQ);
        final BridgeServer server = startBridge(Map.of("max-line-bytes", "8"));
        final String client;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            client = "127.0.0.1:" + socket.getLocalPort();
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write("1,2,3,4,5,6\n".getBytes(UTF_8));
            socket.shutdownOutput();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } finally {
            server.close();
        }

        assertThat(server.counters()).isEqualTo(new BridgeCounters(1, 1, 0, 1, 0, 0, 0, 0));
        final ConsumerRecord<byte[], byte[]> record = TopicContents.read(broker.bootstrapServers(), start, 1, WAIT).get(0);
        assertThat(new String(record.value(), UTF_8)).isEqualTo("1,2,3,4,");
        assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON)).isEqualTo(RejectReason.LINE_TOO_LONG.code());
        assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.DETAIL))
                .isEqualTo("line of at least 11 bytes exceeds --max-line-bytes 8");
        assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SOURCE_CLIENT)).isEqualTo(client);
    }

    /**
     * One client's bytes: numeric rows, empty lines, non-ASCII and invalid UTF-8, ended by "\n" or
     * "\r\n" at random; odd clients leave their last line unterminated. Adds each line, as
     * ISO-8859-1 text (one char per byte), to {@code expected}, or to {@code notUtf8} for raw-lines-dlq.
     */
    private static byte[] clientStream(final int client, final int lineCount, final List<String> expected, final List<String> notUtf8) {
        final Random random = new Random(client);
        final List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < lineCount; i++) {
            final byte[] line;
            List<String> destination = expected;
            if (i % 50 == 7) {
                line = new byte[0];
            } else if (i % 37 == 3) {
                line = ("température," + client + "," + i).getBytes(UTF_8);
            } else if (i % 41 == 5) {
                line = new byte[] {'9', (byte) 0xC3, '(', ',', (byte) 0xFF};
                destination = notUtf8;
            } else {
                line = String.format(Locale.ROOT, "%d,%d,%.3f", client, i, random.nextDouble() * 1000).getBytes(UTF_8);
            }
            destination.add(new String(line, ISO_8859_1));
            lines.add(line);
        }
        return LineClients.stream(lines, random, client % 2 == 0);
    }
}
