package io.streamavg.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslContext;
import io.streamavg.runtime.CommandLine;
import io.streamavg.runtime.ServiceRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --tls-* options read at start: usable files give a context, unusable ones stop the bridge naming the option. */
class ServerTlsTest {

    @TempDir
    static Path dir;
    private static TestCertificates rsa;
    private static TestCertificates ec;

    @BeforeAll
    static void makeCertificates() throws Exception {
        rsa = TestCertificates.create(dir, "rsa", "RSA");
        ec = TestCertificates.create(dir, "ec", "EC");
    }

    private static SslContext tls(final String... options) {
        final List<String> args = new ArrayList<>(List.of("--bootstrap-servers", "kafka:9092"));
        args.addAll(List.of(options));
        return ServerTls.of(new BridgeConfig(CommandLine.parse(BridgeConfig.DEFINITION, args, Map.of())));
    }

    @Test
    void shouldServePlainTcpWithoutTlsOptionsAndTlsWithRsaOrEcKeys() {
        assertThat(tls()).isNull();
        assertThat(tls("--tls-cert", rsa.certPem().toString(), "--tls-key", rsa.keyPem().toString()).isServer()).isTrue();
        assertThat(tls("--tls-cert", ec.certPem().toString(), "--tls-key", ec.keyPem().toString(),
                "--tls-client-ca", rsa.certPem().toString()).isServer()).isTrue();
    }

    @Test
    void shouldNameTheOptionWhoseFileIsMissingOrUnusable() throws Exception {
        final Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> tls("--tls-cert", missing.toString(), "--tls-key", rsa.keyPem().toString()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("Invalid value " + missing + " for configuration tls-cert: cannot be read");
        assertThatThrownBy(() -> tls("--tls-cert", rsa.keyPem().toString(), "--tls-key", rsa.keyPem().toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("configuration tls-cert: holds no PEM certificate");
        assertThatThrownBy(() -> tls("--tls-cert", rsa.certPem().toString(), "--tls-key", rsa.certPem().toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("configuration tls-key: must hold exactly one PEM private key");
        assertThatThrownBy(() -> tls("--tls-cert", rsa.certPem().toString(), "--tls-key", ec.keyPem().toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("configuration tls-key: is not the private key of the first certificate");
        assertThatThrownBy(() -> tls("--tls-cert", rsa.certPem().toString(), "--tls-key", rsa.keyPem().toString(),
                "--tls-client-ca", missing.toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("configuration tls-client-ca: cannot be read");
        final Path pkcs1 = Files.writeString(dir.resolve("pkcs1.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> tls("--tls-cert", rsa.certPem().toString(), "--tls-key", pkcs1.toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("holds a PKCS#1 or SEC1 key; convert it to PKCS#8");
        final Path garbled = Files.writeString(dir.resolve("garbled.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> tls("--tls-cert", rsa.certPem().toString(), "--tls-key", garbled.toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("configuration tls-key: holds a private key that is neither RSA nor EC");
    }

    @Test
    void shouldRequireCertificateAndKeyTogether() {
        assertThatThrownBy(() -> tls("--tls-cert", rsa.certPem().toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("configuration tls-key: is needed with --tls-cert");
        assertThatThrownBy(() -> tls("--tls-key", rsa.keyPem().toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("configuration tls-cert: is needed with --tls-key");
        assertThatThrownBy(() -> tls("--tls-client-ca", rsa.certPem().toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("configuration tls-client-ca: checks client certificates of a TLS port");
    }

    @Test
    void shouldExitWithCode2NamingTheOptionWhenTheCommandGetsAnUnusableFile() {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = ServiceRunner.run(new BridgeCommand(), List.of("--bootstrap-servers", "127.0.0.1:1", "--tls-cert",
                        rsa.certPem().toString(), "--tls-key", dir.resolve("nowhere.pem").toString()),
                Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--tls-key").contains("nowhere.pem").contains("cannot be read");
    }
}
