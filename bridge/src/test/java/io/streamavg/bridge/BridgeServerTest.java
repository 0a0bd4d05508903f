package io.streamavg.bridge;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamavg.runtime.CommandLine;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.Health;
import io.streamavg.runtime.StartupException;
import io.streamavg.testkit.Eventually;
import io.streamavg.wire.Topics;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server over real TCP, with a stand-in producer and no broker. */
@Timeout(30)
class BridgeServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final BridgeConfig config = new BridgeConfig(Map.of("bootstrap-servers", "unused:9092", "port", "0"));
    private BridgeServer server;

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    private BridgeServer started() throws Exception {
        server = new BridgeServer(config, new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()), () -> producer, timeout -> { });
        server.start(error -> { });
        return server;
    }

    private List<String> published() {
        return producer.history().stream()
                .filter(record -> record.topic().equals(Topics.RAW_LINES))
                .map(record -> new String(record.value(), UTF_8))
                .toList();
    }

    @Test
    void shouldPublishEveryLineIncludingAnUnterminatedLastOneWhenClientEndsItsOutput() throws Exception {
        started();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            final OutputStream out = socket.getOutputStream();
            out.write("1,2\r\n3,".getBytes(UTF_8));
            out.flush();
            out.write("4\n\n5,6".getBytes(UTF_8));
            socket.shutdownOutput();
            // The bridge closes the connection once it has read everything.
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }

        assertThat(published()).containsExactly("1,2", "3,4", "", "5,6");
        Eventually.assertWithin(WAIT, () -> assertThat(server.counters()).isEqualTo(new BridgeCounters(4, 4, 0, 0, 0, 0, 0, 0)));
    }

    @Test
    void shouldDropAnUnterminatedLineWhenClientResetsTheConnection() throws Exception {
        started();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write("1,2\n3,".getBytes(UTF_8));
            Eventually.assertWithin(WAIT, () -> assertThat(server.counters().received()).isEqualTo(1));
            socket.setSoLinger(true, 0); // close() now sends a reset
        }

        Eventually.assertWithin(WAIT, () -> assertThat(server.counters().openConnections()).isZero());
        assertThat(published()).containsExactly("1,2");
        assertThat(server.counters()).isEqualTo(new BridgeCounters(1, 1, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void shouldListenOnTheBindAddressOnlyWhenOneIsGiven() throws Exception {
        server = new BridgeServer(new BridgeConfig(Map.of("bootstrap-servers", "unused:9092", "port", "0", "bind-address", "127.0.0.1")),
                new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()), () -> producer, timeout -> { });
        server.start(error -> { });
        assertThat(server.listeningAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        server.close();

        server = new BridgeServer(new BridgeConfig(Map.of("bootstrap-servers", "unused:9092", "port", "0")),
                new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()), () -> producer, timeout -> { });
        server.start(error -> { });
        assertThat(server.listeningAddress().getAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void shouldFailToStartNamingTheOptionsWhenTheBindAddressIsNotThisMachines() {
        server = new BridgeServer(new BridgeConfig(Map.of("bootstrap-servers", "unused:9092", "port", "0", "bind-address", "192.0.2.1")),
                new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()), () -> producer, timeout -> { });

        assertThatThrownBy(() -> server.start(error -> { }))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("the bridge cannot listen on 192.0.2.1:0 (--port, --bind-address): ");
    }

    @Test
    void shouldReportWhyItIsNotReadyUntilTopicsAreServedAndWhenClosed() throws Exception {
        final CountDownLatch served = new CountDownLatch(1);
        server = new BridgeServer(config, new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()), () -> producer, timeout -> assertThat(served.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue());
        assertThat(server.readiness()).isEqualTo(Health.down("not started"));

        final CompletableFuture<Void> start = CompletableFuture.runAsync(() -> {
            try {
                server.start(error -> { });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.assertWithin(WAIT, () -> assertThat(server.readiness())
                .isEqualTo(Health.down("waiting for partitions of raw-lines and raw-lines-dlq to be served")));
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);

        served.countDown();
        start.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(server.readiness()).isEqualTo(Health.up());
        assertThat(server.port()).isPositive();

        server.close();
        assertThat(server.readiness()).isEqualTo(Health.down("closed"));
        assertThat(producer.closed()).isTrue();
        server.close();
        assertThat(server.readiness()).isEqualTo(Health.down("closed"));
    }

    @Test
    void shouldFailToStartAndStayNotReadyWhenTopicsAreNotServedInTime() {
        server = new BridgeServer(config, new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()), () -> producer, timeout -> {
            throw new TimeoutException("partitions of [raw-lines, raw-lines-dlq] not served within " + timeout);
        });

        assertThatThrownBy(() -> server.start(error -> { }))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("partitions of [raw-lines, raw-lines-dlq] not served within PT1M");
        assertThat(server.readiness()).isEqualTo(Health.down("failed to start: java.util.concurrent.TimeoutException: "
                + "partitions of [raw-lines, raw-lines-dlq] not served within PT1M"));
    }

    @Test
    void shouldKeepIdempotenceAndAcksAllButLetTuningThroughWhenKafkaSettingsSayOtherwise() {
        final BridgeConfig passThrough = new BridgeConfig(CommandLine.parse(BridgeConfig.DEFINITION,
                List.of("--bootstrap-servers", "kafka:9092"),
                Map.of("STREAMAVG_KAFKA_ACKS", "1", "STREAMAVG_KAFKA_ENABLE_IDEMPOTENCE", "false",
                        "STREAMAVG_KAFKA_LINGER_MS", "20", "STREAMAVG_KAFKA_GROUP_ID", "consumers-only")));

        assertThat(BridgeServer.producerSettings(passThrough)).isEqualTo(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 0,
                ProducerConfig.METADATA_MAX_IDLE_CONFIG, Duration.ofDays(365).toMillis()));
    }

    @Test
    void shouldLetKafkaSettingsChangeTheBatchSize() {
        final BridgeConfig passThrough = new BridgeConfig(CommandLine.parse(BridgeConfig.DEFINITION,
                List.of("--bootstrap-servers", "kafka:9092"), Map.of("STREAMAVG_KAFKA_BATCH_SIZE", "16384")));

        assertThat(BridgeServer.producerSettings(passThrough)).containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "16384");
    }

    /** What the bridge bench gives ProducerPerformance: the same as the bridge's producer gets by default. */
    @Test
    void shouldDescribeItsDefaultProducerSettingsAsTheProducerGetsThem() {
        final Map<String, Object> settings = BridgeServer.producerSettings(config);

        assertThat(BridgeServer.producerDefaults()).isEqualTo(Map.of(
                "acks", "all", "enable.idempotence", "true", "linger.ms", "5", "compression.type", "lz4", "batch.size", "65536"));
        BridgeServer.producerDefaults().forEach((name, value) -> assertThat(String.valueOf(settings.get(name))).isEqualTo(value));
    }

    /** DESIGN.md: TLS and SASL to Kafka need no code, the client settings pass through to every client the bridge makes. */
    @Test
    void shouldPassKafkaTlsAndSaslSettingsToTheProducerAndTheAdminClient(@TempDir final Path dir) throws Exception {
        final Path file = Files.writeString(dir.resolve("client.properties"),
                "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nssl.truststore.location=/etc/kafka/truststore.p12\n");
        final BridgeConfig secured = new BridgeConfig(CommandLine.parse(BridgeConfig.DEFINITION,
                List.of("--bootstrap-servers", "kafka:9093", "--kafka-config", file.toString()),
                Map.of("STREAMAVG_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"b\" password=\"p\";",
                        "STREAMAVG_KAFKA_SSL_TRUSTSTORE_PASSWORD", "secret")));
        final Map<String, Object> expected = Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"b\" password=\"p\";",
                "ssl.truststore.location", "/etc/kafka/truststore.p12",
                "ssl.truststore.password", "secret",
                "bootstrap.servers", "kafka:9093");

        assertThat(BridgeServer.producerSettings(secured)).containsAllEntriesOf(expected);
        assertThat(BridgeServer.adminSettings(secured)).isEqualTo(expected);
    }

    @Test
    void shouldRefuseABoundOnBytesInFlightOverHalfTheProducersBuffer() {
        final BridgeConfig tooMuch = new BridgeConfig(CommandLine.parse(BridgeConfig.DEFINITION,
                List.of("--bootstrap-servers", "kafka:9092", "--max-bytes-in-flight", "20000000"),
                Map.of("STREAMAVG_KAFKA_BUFFER_MEMORY", "30000000")));

        assertThatThrownBy(() -> BridgeServer.producerSettings(tooMuch))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 20000000 for configuration max-bytes-in-flight: must be at most half the producer's"
                        + " buffer.memory (30000000): raise buffer.memory (STREAMAVG_KAFKA_BUFFER_MEMORY) or lower it");
        final BridgeConfig fits = new BridgeConfig(CommandLine.parse(BridgeConfig.DEFINITION,
                List.of("--bootstrap-servers", "kafka:9092", "--max-bytes-in-flight", "20000000"),
                Map.of("STREAMAVG_KAFKA_BUFFER_MEMORY", "40000000")));
        assertThat(BridgeServer.producerSettings(fits)).containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, "40000000");
    }
}
