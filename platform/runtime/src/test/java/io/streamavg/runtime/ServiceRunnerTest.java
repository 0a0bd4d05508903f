package io.streamavg.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class ServiceRunnerTest {

    private static final ConfigDef OPTIONS = KafkaClientSettings.define(HttpEndpoints.define(new ConfigDef(), HttpEndpoints.ALL_INTERFACES));
    private static final ServiceCommand COMMAND = new ServiceCommand() {
        @Override
        public String name() {
            return "x";
        }

        @Override
        public String summary() {
            return "Does x.";
        }

        @Override
        public ConfigDef options() {
            return OPTIONS;
        }

        @Override
        public Service create(final Map<String, String> settings, final ServiceContext context) {
            throw new AssertionError("must not be built");
        }
    };

    @Test
    void shouldMaskSecretClientSettingsInTheLoggedOptions() {
        final Map<String, String> settings = CommandLine.parse(OPTIONS, List.of("--bootstrap-servers", "k:9092"), Map.of(
                "STREAMAVG_KAFKA_SASL_JAAS_CONFIG", "user=\"a\" password=\"p\"",
                "STREAMAVG_KAFKA_SSL_KEY_PASSWORD", "p",
                "STREAMAVG_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));

        final String logged = ServiceRunner.effectiveOptions(new AbstractConfig(OPTIONS, settings, false));

        assertThat(logged).contains("bootstrap-servers=[k:9092]", "kafka.security.protocol=SASL_SSL",
                "kafka.sasl.jaas.config=[hidden]", "kafka.ssl.key.password=[hidden]").doesNotContain("password=\"p\"", "=p,", "=p}");
    }

    @Test
    void shouldExitWithTwoNamingTheOptionWhenAValueIsBad() {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        final int code = ServiceRunner.run(COMMAND, List.of("--bootstrap-servers", "k:1", "--http-port", "70000"), Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("streamavg x:", "http-port", "70000", "--help");
    }

    @Test
    void shouldPrintHelpAndExitZero() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        final int code = ServiceRunner.run(COMMAND, List.of("--help"), Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: streamavg x [options]").contains("--http-port", "STREAMAVG_HTTP_PORT");
    }
}
