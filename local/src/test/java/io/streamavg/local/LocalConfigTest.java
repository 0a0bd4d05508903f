package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamavg.bridge.BridgeConfig;
import io.streamavg.runtime.CommandLine;
import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.sink.SinkConfig;
import io.streamavg.topology.StatsTopologyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class LocalConfigTest {

    private static LocalConfig local(final String... args) {
        return new LocalConfig(CommandLine.parse(LocalConfig.DEFINITION, List.of(args), Map.of()));
    }

    @Test
    void shouldHandEachServiceItsOwnOptionsAndWhatTheStackDecides() {
        final LocalConfig config = local("--port", "7000", "--db", "x.db", "--data-dir", "d", "--delimiter", ";",
                "--synchronous", "FULL", "--max-line-bytes", "100");

        assertThat(config.bridge("127.0.0.1:1").port()).isEqualTo(7000);
        assertThat(config.bridge("127.0.0.1:1").maxLineBytes()).isEqualTo(100);
        assertThat(config.topology("127.0.0.1:1").delimiter()).isEqualTo(';');
        assertThat(config.topology("127.0.0.1:1").streamsProperties())
                .containsEntry("state.dir", Path.of("d", "streams").toString())
                .containsEntry("bootstrap.servers", "127.0.0.1:1")
                .containsEntry("group.instance.id", "streamavg-local");
        assertThat(config.sink("127.0.0.1:1").db()).isEqualTo(Path.of("x.db"));
        assertThat(config.bridge("127.0.0.1:1").bindAddress()).as("local's default, not the service's").isEqualTo("127.0.0.1");
        assertThat(local("--delimiter", " ").topology("127.0.0.1:1").delimiter()).isEqualTo(' ');
        assertThat(KafkaClientSettings.resolve(config.sink("127.0.0.1:1"))).containsEntry("group.instance.id", "streamavg-sink-local");
    }

    /** Its consumers' idle timers (docs/BENCHMARKS.md, the resources bench), reaching the consumers that poll while idle. */
    @Test
    void shouldSpaceOutTheConsumersIdleFetchesAndHeartbeatChecks() {
        final LocalConfig config = local();
        final StreamsConfig streams = new StreamsConfig(config.topology("127.0.0.1:1").streamsProperties());
        assertThat(streams.getMainConsumerConfigs("g", "c", 0)).containsEntry("fetch.max.wait.ms", "2000")
                .containsEntry("retry.backoff.ms", "500");
        assertThat(streams.getRestoreConsumerConfigs("c")).as("the restore consumer reads only while restoring")
                .doesNotContainKey("fetch.max.wait.ms");
        assertThat(KafkaClientSettings.resolve(config.sink("127.0.0.1:1"))).containsEntry("fetch.max.wait.ms", "2000")
                .containsEntry("retry.backoff.ms", "500");
    }

    @Test
    void shouldRefuseTheOptionsTheStackDecidesItself() {
        assertThatThrownBy(() -> local("--bootstrap-servers", "k:9092")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--bootstrap-servers");
        assertThatThrownBy(() -> local("--state-dir", "s")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--state-dir");
    }

    /**
     * local takes one value per option name and hands it to every service declaring that name: two
     * services declaring one name differently (once --window-retention was milliseconds in the
     * topology and 7d in the sink) would get a value one of them refuses.
     */
    @Test
    void shouldFindEveryOptionDeclaredAlikeByTheServicesSharingItsName() {
        final List<ConfigDef> services = List.of(BridgeConfig.DEFINITION, StatsTopologyConfig.DEFINITION, SinkConfig.DEFINITION);
        for (final ConfigDef one : services) {
            for (final ConfigDef other : services) {
                one.configKeys().forEach((name, key) -> {
                    final ConfigDef.ConfigKey same = other.configKeys().get(name);
                    if (same != null) {
                        assertThat(same.type).as(name).isEqualTo(key.type);
                        assertThat(same.defaultValue).as(name).isEqualTo(key.defaultValue);
                    }
                });
            }
        }
        // A local start with every default reaches each service without a refused value.
        final LocalConfig defaults = local();
        assertThat(defaults.sink("127.0.0.1:1").windowRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(defaults.topology("127.0.0.1:1").windowStoreRetention()).isEqualTo(Duration.ofDays(1));
    }
}
