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
import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.RejectReason;
import io.streamavg.wire.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
        final List<byte[]> streams = new ArrayList<>();
        final List<String> expected = new ArrayList<>();
        for (int client = 0; client < CLIENTS; client++) {
            streams.add(clientStream(client, expected));
        }
        final Map<TopicPartition, Long> start = endOffsets(Topics.RAW_LINES);
        final long before = System.currentTimeMillis();

        final BridgeServer server = startBridge(Map.of());
        try {
            final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                final List<CompletableFuture<Void>> sent = new ArrayList<>();
                for (int client = 0; client < CLIENTS; client++) {
                    final byte[] bytes = streams.get(client);
                    final Random random = new Random(1_000 + client);
                    sent.add(CompletableFuture.runAsync(() -> send(server.port(), bytes, random), clients));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                clients.shutdownNow();
            }
        } finally {
            server.close();
        }
        final long after = System.currentTimeMillis();

        // Every client saw the bridge close its connection, so every line was framed before close(),
        // which waited for every send to be answered.
        assertThat(server.counters()).isEqualTo(new BridgeCounters(expected.size(), expected.size(), 0, 0, 0, 0));
        final List<ConsumerRecord<byte[], byte[]>> records = read(Topics.RAW_LINES, start, expected.size());
        assertThat(records).extracting(record -> new String(record.value(), ISO_8859_1))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(records).allSatisfy(record -> {
            assertThat(record.key()).isNull();
            assertThat(record.timestamp()).isBetween(before, after);
        });
        final Map<TopicPartition, Long> end = endOffsets(Topics.RAW_LINES);
        assertThat(end.keySet().stream().mapToLong(partition -> end.get(partition) - start.get(partition)).sum())
                .isEqualTo(expected.size());
    }

    @Test
    void shouldRefuseAndCountTheClientBeyondMaxConnections() throws Exception {
        try (BridgeServer server = startBridge(Map.of("max-connections", "2"));
             Socket first = new Socket(InetAddress.getLoopbackAddress(), server.port());
             Socket second = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            Eventually.assertWithin(WAIT, () -> assertThat(server.counters().openConnections()).isEqualTo(2));
            try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                refused.setSoTimeout((int) WAIT.toMillis());
                assertThat(refused.getInputStream().read()).isEqualTo(-1);
            }
            Eventually.assertWithin(WAIT, () -> assertThat(server.counters()).isEqualTo(new BridgeCounters(0, 0, 0, 0, 1, 2)));
            assertThat(first.isClosed()).isFalse();
            assertThat(second.isClosed()).isFalse();
        }
    }

    @Test
    void shouldSendTheFirstBytesOfAnOverlongLineToTheDeadLetterTopicWithItsReason() throws Exception {
        final Map<TopicPartition, Long> start = endOffsets(Topics.RAW_LINES_DLQ);
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

        assertThat(server.counters()).isEqualTo(new BridgeCounters(1, 1, 0, 1, 0, 0));
        final ConsumerRecord<byte[], byte[]> record = read(Topics.RAW_LINES_DLQ, start, 1).get(0);
        assertThat(new String(record.value(), UTF_8)).isEqualTo("1,2,3,4,");
        assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON)).isEqualTo(RejectReason.LINE_TOO_LONG.code());
        assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.DETAIL))
                .isEqualTo("line of at least 11 bytes exceeds --max-line-bytes 8");
        assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SOURCE_CLIENT)).isEqualTo(client);
    }

    /**
     * One client's bytes: numeric rows, empty lines, non-ASCII and invalid UTF-8, ended by "\n" or
     * "\r\n" at random; odd clients leave their last line unterminated. Adds each line, as
     * ISO-8859-1 text (one char per byte), to {@code expected}.
     */
    private static byte[] clientStream(final int client, final List<String> expected) {
        final Random random = new Random(client);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < LINES_PER_CLIENT; i++) {
            final byte[] line;
            if (i % 50 == 7) {
                line = new byte[0];
            } else if (i % 37 == 3) {
                line = ("température," + i).getBytes(UTF_8);
            } else if (i % 41 == 5) {
                line = new byte[] {'9', (byte) 0xC3, '(', ',', (byte) 0xFF};
            } else {
                line = String.format(Locale.ROOT, "%d,%d,%.3f", client, i, random.nextDouble() * 1000).getBytes(UTF_8);
            }
            expected.add(new String(line, ISO_8859_1));
            out.writeBytes(line);
            final boolean last = i == LINES_PER_CLIENT - 1;
            if (!(last && client % 2 == 1)) {
                out.writeBytes(random.nextBoolean() ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
            }
        }
        return out.toByteArray();
    }

    /** Writes {@code bytes} in random-sized pieces, ends the output, and waits for the bridge to close. */
    private static void send(final int port, final byte[] bytes, final Random random) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) WAIT.toMillis());
            final OutputStream out = socket.getOutputStream();
            for (int from = 0; from < bytes.length; ) {
                final int length = Math.min(bytes.length - from, 1 + random.nextInt(700));
                out.write(bytes, from, length);
                from += length;
            }
            socket.shutdownOutput();
            final InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<TopicPartition, Long> endOffsets(final String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            return consumer.endOffsets(partitions);
        }
    }

    /** Reads {@code topic} from {@code start} until {@code expected} records arrived; fails after {@link #WAIT}. */
    private static List<ConsumerRecord<byte[], byte[]>> read(final String topic, final Map<TopicPartition, Long> start,
                                                            final int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(start.keySet());
            start.forEach(consumer::seek);
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (records.size() < expected && System.nanoTime() - deadline < 0) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).as("records read from %s", topic).hasSize(expected);
            return records;
        }
    }
}
