package io.streamavg.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.runtime.CommandLine;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.ServiceContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteConfig.SynchronousMode;

class SinkConfigTest {

    @Test
    void shouldUseTheDefaultsWhenOnlyBootstrapServersIsGiven() {
        final SinkConfig config = new SinkConfig(Map.of("bootstrap-servers", "kafka:9092"));

        assertThat(config.db()).isEqualTo(Path.of("processed_data.db"));
        assertThat(config.synchronous()).isEqualTo(SynchronousMode.NORMAL);
        assertThat(config.groupId()).isEqualTo("streamavg-sink");
        assertThat(config.getInt("http-port")).isEqualTo(8080);
        assertThat(config.getList("bootstrap-servers")).containsExactly("kafka:9092");
    }

    @Test
    void shouldAcceptSynchronousInAnyCaseWhenItIsNormalOrFull() {
        final SinkConfig config = new SinkConfig(Map.of("bootstrap-servers", "kafka:9092", "synchronous", "full"));

        assertThat(config.synchronous()).isEqualTo(SynchronousMode.FULL);
    }

    @Test
    void shouldReadEveryOptionFromFlagsAndEnvironmentWhenParsedByTheCommandLine() {
        final Map<String, String> settings = CommandLine.parse(SinkConfig.DEFINITION,
                List.of("--db", "/data/stats.db", "--group-id=sink-2"),
                Map.of("STREAMAVG_BOOTSTRAP_SERVERS", "a:9092,b:9092", "STREAMAVG_SYNCHRONOUS", "FULL",
                        "STREAMAVG_DB", "ignored-because-the-flag-wins.db"));

        final SinkConfig config = new SinkConfig(settings);

        assertThat(config.db()).isEqualTo(Path.of("/data/stats.db"));
        assertThat(config.groupId()).isEqualTo("sink-2");
        assertThat(config.synchronous()).isEqualTo(SynchronousMode.FULL);
        assertThat(config.getList("bootstrap-servers")).containsExactly("a:9092", "b:9092");
    }

    @Test
    void shouldFailNamingSynchronousWhenItIsNotNormalOrFull() {
        assertThatThrownBy(() -> new SinkConfig(Map.of("bootstrap-servers", "kafka:9092", "synchronous", "OFF")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("synchronous")
                .hasMessageContaining("OFF");
    }

    @Test
    void shouldFailNamingBootstrapServersWhenItIsMissing() {
        assertThatThrownBy(() -> new SinkConfig(Map.of("db", "x.db")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bootstrap-servers");
    }

    @Test
    void shouldFailNamingDbWhenItIsEmpty() {
        assertThatThrownBy(() -> new SinkConfig(Map.of("bootstrap-servers", "kafka:9092", "db", "")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("db");
    }

    @Test
    void shouldFailNamingTheSettingWhenTheSinkCommandIsGivenAnUnknownKafkaClientSetting() {
        final Map<String, String> settings = CommandLine.parse(SinkConfig.DEFINITION, List.of("--bootstrap-servers", "kafka:9092"),
                Map.of("STREAMAVG_KAFKA_SECURTY_PROTOCOL", "SSL"));

        assertThatThrownBy(() -> new SinkCommand().create(settings, new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("securty.protocol");
    }
}
