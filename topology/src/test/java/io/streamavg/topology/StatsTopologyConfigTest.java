package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamavg.runtime.CommandLine;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatsTopologyConfigTest {

    private static StatsTopologyConfig config(final String... args) {
        return new StatsTopologyConfig(CommandLine.parse(StatsTopologyConfig.DEFINITION, List.of(args), Map.of("STREAMAVG_BOOTSTRAP_SERVERS", "k:9092")));
    }

    @Test
    void shouldDefaultToExactlyOnceAndACommaWithStreamsSettingsFromTheOptions() {
        final Properties props = config().streamsProperties();

        assertThat(config().delimiter()).isEqualTo(',');
        assertThat(props).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "streamavg")
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L)
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "streamavg-state")
                .containsEntry("bootstrap.servers", "k:9092");
    }

    @Test
    void shouldSetTheDeadLetterHandlerForProcessingAndDeserializationErrors() {
        assertThat(config().streamsProperties())
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnError.class)
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnError.class);
    }

    @Test
    void shouldLetAPassedThroughProcessingExceptionHandlerReplaceTheDeadLetterOne() {
        final String failFast = "org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler";
        final Properties props = new StatsTopologyConfig(CommandLine.parse(StatsTopologyConfig.DEFINITION, List.of(),
                Map.of("STREAMAVG_BOOTSTRAP_SERVERS", "k:9092", "STREAMAVG_KAFKA_PROCESSING_EXCEPTION_HANDLER", failFast))).streamsProperties();

        assertThat(props).containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, failFast)
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnError.class);
    }

    @Test
    void shouldReadTabAsTheTabCharacter() {
        assertThat(config("--delimiter", "\\t").delimiter()).isEqualTo('\t');
    }

    @Test
    void shouldKeepASpaceOrATabAsGivenThoughKafkasConfigDefTrimsStrings() {
        assertThat(config("--delimiter", " ").delimiter()).isEqualTo(' ');
        assertThat(config("--delimiter", "\t").delimiter()).isEqualTo('\t');
        assertThat(new StatsTopologyConfig(CommandLine.parse(StatsTopologyConfig.DEFINITION, List.of(),
                Map.of("STREAMAVG_BOOTSTRAP_SERVERS", "k:9092", "STREAMAVG_DELIMITER", " "))).delimiter()).isEqualTo(' ');
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",,", "\"", "\n", "  "})
    void shouldRejectADelimiterThatIsNotOneUsableCharacter(final String delimiter) {
        assertThatThrownBy(() -> config("--delimiter", delimiter))
                .isInstanceOf(ConfigException.class).hasMessageContaining("delimiter");
    }

    @Test
    void shouldDefaultToPandasNaValues() {
        assertThat(config().getList(StatsTopologyConfig.NA_VALUES)).containsExactlyElementsOf(LineParserTest.PANDAS_NA_VALUES);
    }

    @Test
    void shouldReadNaValuesAsACommaSeparatedListOfTrimmedTokens() {
        assertThat(config("--na-values", " - , #N/A N/A,missing ").getList(StatsTopologyConfig.NA_VALUES))
                .containsExactly("-", "#N/A N/A", "missing");
        assertThat(new StatsTopologyConfig(CommandLine.parse(StatsTopologyConfig.DEFINITION, List.of(),
                Map.of("STREAMAVG_BOOTSTRAP_SERVERS", "k:9092", "STREAMAVG_NA_VALUES", "?"))).getList(StatsTopologyConfig.NA_VALUES))
                .containsExactly("?");
    }

    @Test
    void shouldTurnNaValuesOffWithAnEmptyValue() {
        assertThat(config("--na-values", "").getList(StatsTopologyConfig.NA_VALUES)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-999", "NA,0", "1e999", ".5"})
    void shouldRefuseANumberAsANaValueNamingTheOption(final String tokens) {
        final List<String> args = List.of("--na-values", tokens);

        assertThatThrownBy(() -> config(args.toArray(String[]::new)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("na-values")
                .hasMessageContaining("is a number, and numbers are always counted")
                .satisfies(error -> assertThat(CommandLine.explain((ConfigException) error, args, Map.of()))
                        .startsWith("invalid value '" + tokens + "' for --na-values: '"));
    }

    @Test
    void shouldRejectAnUnknownProcessingGuaranteeNamingIt() {
        assertThatThrownBy(() -> config("--processing-guarantee", "exactly_once"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processing-guarantee");
    }

    @Test
    void shouldPassStreamsAndPrefixedClientSettingsThrough() {
        final Properties props = new StatsTopologyConfig(CommandLine.parse(StatsTopologyConfig.DEFINITION, List.of(),
                Map.of("STREAMAVG_BOOTSTRAP_SERVERS", "k:9092", "STREAMAVG_KAFKA_NUM_STANDBY_REPLICAS", "1",
                        "STREAMAVG_KAFKA_PRODUCER_LINGER_MS", "20"))).streamsProperties();

        assertThat(props).containsEntry("num.standby.replicas", "1").containsEntry("producer.linger.ms", "20");
    }

    @Test
    void shouldRunOneStreamThreadPerProcessorUnlessTold() {
        final StatsTopologyConfig unset = new StatsTopologyConfig(Map.of("bootstrap-servers", "x:1"));
        final StatsTopologyConfig two = new StatsTopologyConfig(Map.of("bootstrap-servers", "x:1", StatsTopologyConfig.NUM_STREAM_THREADS, "2"));

        assertThat(unset.streamsProperties().get("num.stream.threads")).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(two.streamsProperties().get("num.stream.threads")).isEqualTo(2);
        assertThatThrownBy(() -> new StatsTopologyConfig(Map.of("bootstrap-servers", "x:1", StatsTopologyConfig.NUM_STREAM_THREADS, "0")))
                .hasMessageContaining("num-stream-threads");
    }

    @Test
    void shouldRefuseAWindowRetentionShorterThanAWindowAndItsGrace() {
        assertThatThrownBy(() -> new StatsTopologyConfig(Map.of("bootstrap-servers", "x:1",
                StatsTopologyConfig.WINDOW_SIZE, "60000", StatsTopologyConfig.WINDOW_STORE_RETENTION, "65000")))
                .hasMessageContaining("window-store-retention").hasMessageContaining("70000 ms");
    }
}
