package io.streamavg.bridge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.PrometheusText;
import io.streamavg.testkit.TopicContents;
import io.streamavg.wire.Topics;
import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 clients connected at once to a bridge in a JVM of its own with a 256 MiB heap
 * ({@code -Xmx256m}): every one accepted with the default {@code --max-connections}, every line
 * published, and the bridge alive and its heap under the limit throughout.
 */
@Timeout(600)
class BridgeManyConnectionsIT {

    private static final int CONNECTIONS = 10_000;
    private static final String HEAP = "-Xmx256m";
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;

    @Test
    void shouldServeTenThousandConcurrentClientsInA256MibHeap() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), 0)) {
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()))) {
                TopicSetup.createMissing(admin, Topics.definitions(4), WAIT);
            }
            final Map<TopicPartition, Long> start = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
            final int port = EmbeddedKafkaBroker.freePort();
            final int httpPort = EmbeddedKafkaBroker.freePort();
            final Path log = dataDir.resolve("bridge.log");
            final Process bridge = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                    "-cp", System.getProperty("java.class.path"), BridgeMain.class.getName(),
                    "--bootstrap-servers", broker.bootstrapServers(), "--port", String.valueOf(port),
                    "--http-port", String.valueOf(httpPort), "--bind-address", "127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            final List<Socket> clients = new ArrayList<>();
            try {
                Eventually.assertWithin(WAIT, () -> assertThat(status(httpPort, "/health/ready")).isEqualTo(200));
                final List<String> expected = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    final Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                    clients.add(socket);
                    final String line = i + ",1.5";
                    expected.add(line);
                    socket.getOutputStream().write((line + "\n").getBytes(UTF_8));
                }

                Eventually.assertWithin(WAIT, () -> {
                    final PrometheusText metrics = metrics(httpPort);
                    assertThat(metrics.value("streamavg_bridge_connections_open")).isEqualTo(CONNECTIONS);
                    assertThat(metrics.value("streamavg_bridge_lines_published_total")).isEqualTo(CONNECTIONS);
                });
                final PrometheusText held = metrics(httpPort);
                final double heapUsed = held.samples("jvm_memory_used_bytes").stream()
                        .filter(sample -> "heap".equals(sample.labels().get("area"))).mapToDouble(PrometheusText.Sample::value).sum();
                final double heapMax = held.samples("jvm_memory_max_bytes").stream()
                        .filter(sample -> "heap".equals(sample.labels().get("area"))).mapToDouble(PrometheusText.Sample::value).sum();
                System.out.printf("%d clients connected: heap used %.1f MiB of %.1f MiB%n", CONNECTIONS, heapUsed / (1 << 20), heapMax / (1 << 20));
                assertThat(heapMax).isLessThanOrEqualTo(256.0 * (1 << 20));
                assertThat(held.value("streamavg_bridge_connections_refused_total")).isZero();
                assertThat(bridge.isAlive()).isTrue();

                for (final Socket socket : clients) {
                    socket.shutdownOutput();
                }
                for (final Socket socket : clients) {
                    socket.setSoTimeout((int) WAIT.toMillis());
                    assertThat(socket.getInputStream().read()).isEqualTo(-1);
                }
                Eventually.assertWithin(WAIT, () -> assertThat(metrics(httpPort).value("streamavg_bridge_connections_open")).isZero());
                final List<ConsumerRecord<byte[], byte[]>> records = TopicContents.read(broker.bootstrapServers(), start, CONNECTIONS, WAIT);
                LineCounts.assertSameLines(records.stream().map(record -> new String(record.value(), UTF_8)).toList(), expected);
                assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
            } finally {
                for (final Socket socket : clients) {
                    socket.close();
                }
                bridge.destroy();
                bridge.waitFor();
            }
        }
    }

    private static int status(final int port, final String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new AssertionError("no answer from " + path + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static PrometheusText metrics(final int port) {
        try {
            return PrometheusText.parse(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new AssertionError("no metrics: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
