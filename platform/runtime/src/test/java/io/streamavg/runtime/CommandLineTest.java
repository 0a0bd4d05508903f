package io.streamavg.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

    private static final ConfigDef OPTIONS = KafkaClientSettings.define(HttpEndpoints.define(new ConfigDef(), HttpEndpoints.ALL_INTERFACES))
            .define("db", ConfigDef.Type.STRING, "processed_data.db", ConfigDef.Importance.HIGH, "The database.")
            .define("max-line-bytes", ConfigDef.Type.INT, 100, ConfigDef.Range.atLeast(1), ConfigDef.Importance.LOW, "Limit.");

    @Test
    void shouldMapFlagsAndEnvironmentToOptionsWithTheFlagWinning() {
        final Map<String, String> settings = CommandLine.parse(OPTIONS,
                List.of("--db", "flag.db", "--max-line-bytes=7"),
                Map.of("STREAMAVG_DB", "env.db", "STREAMAVG_BOOTSTRAP_SERVERS", "k:9092", "HOME", "/root"));

        assertThat(settings).containsEntry("db", "flag.db").containsEntry("max-line-bytes", "7")
                .containsEntry("bootstrap-servers", "k:9092").hasSize(3);
    }

    @Test
    void shouldNameAnUnknownFlag() {
        assertThatThrownBy(() -> CommandLine.parse(OPTIONS, List.of("--dbb", "x"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--dbb");
    }

    @Test
    void shouldNameAnUnknownStreamavgVariable() {
        assertThatThrownBy(() -> CommandLine.parse(OPTIONS, List.of(), Map.of("STREAMAVG_DATABASE", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("STREAMAVG_DATABASE");
    }

    @Test
    void shouldRejectAFlagWithoutValueAndAStrayArgument() {
        assertThatThrownBy(() -> CommandLine.parse(OPTIONS, List.of("--db"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--db needs a value");
        assertThatThrownBy(() -> CommandLine.parse(OPTIONS, List.of("db.sqlite"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("db.sqlite");
    }

    @Test
    void shouldNameAnOptionWithABadValue() {
        final Map<String, String> settings = CommandLine.parse(OPTIONS,
                List.of("--bootstrap-servers", "k:1", "--max-line-bytes", "lots"), Map.of());

        assertThatThrownBy(() -> new AbstractConfig(OPTIONS, settings))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max-line-bytes");
    }

    @Test
    void shouldExplainABadValueNamingTheOptionAsTheUserGaveIt() {
        final ConfigException bad = new ConfigException("http-port", "abc", "Not a number of type INT");

        assertThat(CommandLine.explain(bad, List.of("--http-port", "abc"), Map.of()))
                .isEqualTo("invalid value 'abc' for --http-port: Not a number of type INT");
        assertThat(CommandLine.explain(bad, List.of("--http-port=abc"), Map.of()))
                .isEqualTo("invalid value 'abc' for --http-port: Not a number of type INT");
        assertThat(CommandLine.explain(bad, List.of(), Map.of("STREAMAVG_HTTP_PORT", "abc")))
                .isEqualTo("invalid value 'abc' for STREAMAVG_HTTP_PORT: Not a number of type INT");
        assertThat(CommandLine.explain(new ConfigException("Missing required configuration \"bootstrap-servers\" which has no default value."),
                List.of(), Map.of())).isEqualTo("missing --bootstrap-servers (or STREAMAVG_BOOTSTRAP_SERVERS): it has no default");
    }

    @Test
    void shouldPassKafkaClientSettingsThroughFromFileAndEnvironment(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SSL\nssl.truststore.location=/a\n");
        final Map<String, String> settings = CommandLine.parse(OPTIONS, List.of("--kafka-config", file.toString()),
                Map.of("STREAMAVG_BOOTSTRAP_SERVERS", "k:9093", "STREAMAVG_KAFKA_SSL_TRUSTSTORE_LOCATION", "/b"));

        final Map<String, Object> client = KafkaClientSettings.resolve(new AbstractConfig(OPTIONS, settings));

        assertThat(client).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/b")
                .containsEntry("bootstrap.servers", "k:9093");
    }

    @Test
    void shouldReadStreamavgKafkaConfigAsTheOptionNotAsAClientSetting() {
        final Map<String, String> settings = CommandLine.parse(OPTIONS, List.of(), Map.of("STREAMAVG_KAFKA_CONFIG", "/etc/client.properties"));

        assertThat(settings).containsOnly(Map.entry("kafka-config", "/etc/client.properties"));
    }

    @Test
    void shouldRejectKafkaClientSettingsForACommandWithoutAKafkaConnection() {
        final ConfigDef local = new ConfigDef().define("db", ConfigDef.Type.STRING, "x.db", ConfigDef.Importance.HIGH, "The database.");

        assertThatThrownBy(() -> CommandLine.parse(local, List.of(), Map.of("STREAMAVG_KAFKA_SECURITY_PROTOCOL", "SSL")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("STREAMAVG_KAFKA_SECURITY_PROTOCOL");
    }

    @Test
    void shouldRejectAnUnknownKafkaClientSetting() {
        final Map<String, String> settings = CommandLine.parse(OPTIONS, List.of(),
                Map.of("STREAMAVG_BOOTSTRAP_SERVERS", "k:1", "STREAMAVG_KAFKA_SECURITY_PROTOCOLL", "SSL"));

        assertThatThrownBy(() -> KafkaClientSettings.resolve(new AbstractConfig(OPTIONS, settings)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("security.protocoll");
    }

    @Test
    void shouldRequireBootstrapServersNamingTheOption() {
        assertThatThrownBy(() -> new AbstractConfig(OPTIONS, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bootstrap-servers");
    }

    @Test
    void shouldRenderHelpAndTheReadmeTableFromTheDeclaration() {
        final String help = CommandLine.help("streamavg x [options]", "Does x.", OPTIONS);
        final String table = CommandLine.markdownTable(Map.of("x", OPTIONS));

        assertThat(help).contains("--db <text>", "STREAMAVG_DB", "The database. Default: processed_data.db.",
                "--bootstrap-servers", "Default: none (required).");
        assertThat(table).contains("| `--db` | `STREAMAVG_DB` | `processed_data.db` | x | The database. |",
                "| `--bootstrap-servers` | `STREAMAVG_BOOTSTRAP_SERVERS` | required | x |");
    }
}
