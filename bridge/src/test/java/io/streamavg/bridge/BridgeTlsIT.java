package io.streamavg.bridge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.TopicContents;
import io.streamavg.wire.Topics;
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
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest port with TLS against a real broker, with the JDK's own TLS client: lines sent over
 * TLS arrive unchanged, with acknowledgements; with --tls-client-ca a client without a certificate,
 * or with one the CA file does not hold, is refused in the handshake; a plain-text client of a TLS
 * port gets no line published.
 */
@Timeout(180)
class BridgeTlsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int LINES = 500;

    @TempDir
    static Path dataDir;
    private static EmbeddedKafkaBroker broker;
    private static TestCertificates rsaServer;
    private static TestCertificates ecServer;
    private static TestCertificates trustedClient;
    private static TestCertificates strangerClient;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), 0);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicSetup.createMissing(admin, Topics.definitions(2), WAIT);
        }
        final Path certificates = dataDir.resolve("certificates");
        rsaServer = TestCertificates.create(certificates, "rsa-server", "RSA");
        ecServer = TestCertificates.create(certificates, "ec-server", "EC");
        trustedClient = TestCertificates.create(certificates, "trusted-client", "EC");
        strangerClient = TestCertificates.create(certificates, "stranger-client", "RSA");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static BridgeServer startBridge(final TestCertificates server, final String... options) throws Exception {
        final Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < options.length; i += 2) {
            settings.put(options[i], options[i + 1]);
        }
        settings.put("bootstrap-servers", broker.bootstrapServers());
        settings.put("port", "0");
        settings.put("tls-cert", server.certPem().toString());
        settings.put("tls-key", server.keyPem().toString());
        final BridgeServer bridge = new BridgeServer(new BridgeConfig(settings), new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes()));
        try {
            bridge.start(error -> { });
        } catch (Exception e) {
            bridge.close();
            throw e;
        }
        return bridge;
    }

    private static List<String> lines(final String prefix) {
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            lines.add(prefix + "," + i + ",é" + i);
        }
        return lines;
    }

    /** Writes {@code lines} over TLS, ends its side, and returns what the bridge answered up to its end of the stream. */
    private static String sendOverTls(final SSLContext context, final int port, final List<String> lines) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            final OutputStream out = socket.getOutputStream();
            for (final String line : lines) {
                out.write((line + "\r\n").getBytes(UTF_8));
            }
            out.flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), UTF_8);
        }
    }

    @Test
    void shouldPublishLinesSentOverTlsWithRsaAndEcCertificatesAndAcknowledgeThem() throws Exception {
        for (final TestCertificates server : List.of(rsaServer, ecServer)) {
            final Map<TopicPartition, Long> start = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
            final List<String> lines = lines(server.certPem().getFileName().toString());
            final String answers;
            try (BridgeServer bridge = startBridge(server, "ack", "true")) {
                answers = sendOverTls(TestCertificates.client(server, null), bridge.port(), lines);
            }

            assertThat(answers).as("the bridge's answers with %s", server.certPem().getFileName()).endsWith("ok " + LINES + "\n");
            final List<ConsumerRecord<byte[], byte[]>> records = TopicContents.read(broker.bootstrapServers(), start, LINES, WAIT);
            assertThat(records).extracting(record -> new String(record.value(), UTF_8)).containsExactlyInAnyOrderElementsOf(lines);
        }
    }

    @Test
    void shouldRefuseClientsWithoutATrustedCertificateWhenClientCaIsSet() throws Exception {
        final Map<TopicPartition, Long> start = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
        final List<String> trusted = lines("trusted");
        try (BridgeServer bridge = startBridge(ecServer, "tls-client-ca", trustedClient.certPem().toString())) {
            final Throwable withoutCertificate = catchThrowable(() ->
                    sendOverTls(TestCertificates.client(ecServer, null), bridge.port(), lines("anonymous")));
            final Throwable withStranger = catchThrowable(() ->
                    sendOverTls(TestCertificates.client(ecServer, strangerClient), bridge.port(), lines("stranger")));
            final String answers = sendOverTls(TestCertificates.client(ecServer, trustedClient), bridge.port(), trusted);

            assertThat(withoutCertificate).as("a client without a certificate").isInstanceOf(IOException.class);
            assertThat(withStranger).as("a client whose certificate --tls-client-ca does not hold").isInstanceOf(IOException.class);
            assertThat(answers).isEmpty();
            Eventually.assertWithin(WAIT, () -> assertThat(bridge.counters().published()).isEqualTo(LINES));
            assertThat(bridge.counters().received()).isEqualTo(LINES);
        }
        final Map<TopicPartition, Long> end = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
        final List<ConsumerRecord<byte[], byte[]>> records = TopicContents.read(broker.bootstrapServers(), start, LINES, WAIT);
        assertThat(records).extracting(record -> new String(record.value(), UTF_8)).containsExactlyInAnyOrderElementsOf(trusted);
        assertThat(end.keySet().stream().mapToLong(partition -> end.get(partition) - start.get(partition)).sum()).isEqualTo(LINES);
    }

    @Test
    void shouldPublishNothingAPlainTextClientSendsToATlsPort() throws Exception {
        final Map<TopicPartition, Long> start = TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES);
        try (BridgeServer bridge = startBridge(rsaServer);
             Socket plain = new Socket(InetAddress.getLoopbackAddress(), bridge.port())) {
            plain.setSoTimeout((int) WAIT.toMillis());
            final OutputStream out = plain.getOutputStream();
            for (final String line : lines("plain")) {
                out.write((line + "\n").getBytes(UTF_8));
            }
            out.flush();
            // The bridge closes it: whatever comes back (a TLS alert, or nothing) ends with the end of the stream or a reset.
            final InputStream in = plain.getInputStream();
            final Throwable ended = catchThrowable(() -> {
                while (in.read() >= 0) {
                    continue;
                }
            });
            assertThat(ended).as("reading until the bridge closed the connection").satisfiesAnyOf(
                    error -> assertThat(error).isNull(), error -> assertThat(error).isInstanceOf(IOException.class));
            Eventually.assertWithin(WAIT, () -> assertThat(bridge.counters().openConnections()).isZero());
            assertThat(bridge.counters().received()).isZero();
        }
        assertThat(TopicContents.endOffsets(broker.bootstrapServers(), Topics.RAW_LINES)).isEqualTo(start);
    }
}
