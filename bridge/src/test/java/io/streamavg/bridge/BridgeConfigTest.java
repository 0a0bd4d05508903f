package io.streamavg.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamavg.runtime.CommandLine;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

    private static BridgeConfig parse(final String... args) {
        return new BridgeConfig(CommandLine.parse(BridgeConfig.DEFINITION, List.of(args), Map.of()));
    }

    @Test
    void shouldUseDocumentedDefaultsWhenOnlyBootstrapServersIsGiven() {
        final BridgeConfig config = parse("--bootstrap-servers", "kafka:9092");

        assertThat(config.port()).isEqualTo(9999);
        assertThat(config.maxLineBytes()).isEqualTo(65536);
        assertThat(config.maxConnections()).isEqualTo(20_000);
        assertThat(config.idleTimeout()).isZero();
        assertThat(config.getInt("http-port")).isEqualTo(8080);
        assertThat(config.getList("bootstrap-servers")).containsExactly("kafka:9092");
    }

    @Test
    void shouldFailNamingPortWhenPortIsNotANumber() {
        assertThatThrownBy(() -> parse("--bootstrap-servers", "kafka:9092", "--port", "abc"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value abc for configuration port: Not a number of type INT");
    }

    @Test
    void shouldFailNamingPortWhenPortIsOutOfRange() {
        assertThatThrownBy(() -> parse("--bootstrap-servers", "kafka:9092", "--port", "65536"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 65536 for configuration port: Value must be no more than 65535");
    }

    @Test
    void shouldFailNamingMaxLineBytesWhenItIsZero() {
        assertThatThrownBy(() -> parse("--bootstrap-servers", "kafka:9092", "--max-line-bytes", "0"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 0 for configuration max-line-bytes: Value must be at least 1");
    }

    @Test
    void shouldFailNamingBootstrapServersWhenItIsMissing() {
        assertThatThrownBy(() -> parse("--port", "9000"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("\"bootstrap-servers\"");
    }
}
