package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamavg.testkit.DataSet;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.RejectReason;
import io.streamavg.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatsTopologyTest {

    /** Relative tolerance for statistics against a reference computed another way. */
    private static final double RELATIVE = 1e-9;

    @TempDir
    Path stateDir;

    private StatsTopologyDriver driver;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private StatsTopologyDriver driver(final Map<String, String> options) {
        driver = new StatsTopologyDriver(stateDir, options);
        return driver;
    }

    @Test
    void shouldAverageEachColumnOfTheOriginalExample() {
        final Map<String, ColumnStats> averages = driver(Map.of()).send("1,2,3", "4,5,6", "7,8,9").averages();

        assertThat(averages).containsOnlyKeys("0", "1", "2");
        assertThat(averages.get("0")).isEqualTo(new ColumnStats("0", 3, 12.0, 4.0, 1.0, 7.0, Math.sqrt(6.0)));
        assertThat(averages.get("1")).isEqualTo(new ColumnStats("1", 3, 15.0, 5.0, 2.0, 8.0, Math.sqrt(6.0)));
        assertThat(averages.get("2")).isEqualTo(new ColumnStats("2", 3, 18.0, 6.0, 3.0, 9.0, Math.sqrt(6.0)));
        assertThat(driver.deadLetters()).isEmpty();
    }

    @Test
    void shouldKeepCountingAcrossFlushes() {
        driver(Map.of()).send("1,10").send("3,30");

        assertThat(driver.averages().get("0")).isEqualTo(new ColumnStats("0", 2, 4.0, 2.0, 1.0, 3.0, 1.0));
        assertThat(driver.averages().get("1")).isEqualTo(new ColumnStats("1", 2, 40.0, 20.0, 10.0, 30.0, 10.0));
    }

    @Test
    void shouldSkipEmptyCellsAndEmptyLinesLikePandas() {
        final Map<String, ColumnStats> averages = driver(Map.of())
                .send("1,,3", "", ",5,", " , ", "7,8,9").averages();

        assertThat(averages.get("0")).isEqualTo(new ColumnStats("0", 2, 8.0, 4.0, 1.0, 7.0, 3.0));
        assertThat(averages.get("1")).isEqualTo(new ColumnStats("1", 2, 13.0, 6.5, 5.0, 8.0, 1.5));
        assertThat(averages.get("2")).isEqualTo(new ColumnStats("2", 2, 12.0, 6.0, 3.0, 9.0, 3.0));
        assertThat(driver.deadLetters()).isEmpty();
    }

    @Test
    void shouldReadQuotedCellsAndSpacesAroundNumbers() {
        final Map<String, ColumnStats> averages = driver(Map.of())
                .send("\"1\", 2 ,\"3.5\"", " \"-1e1\" ,\" 4 \",\"\"").averages();

        assertThat(averages.get("0")).isEqualTo(new ColumnStats("0", 2, -9.0, -4.5, -10.0, 1.0, 5.5));
        assertThat(averages.get("1")).isEqualTo(new ColumnStats("1", 2, 6.0, 3.0, 2.0, 4.0, 1.0));
        assertThat(averages.get("2")).isEqualTo(new ColumnStats("2", 1, 3.5, 3.5, 3.5, 3.5, 0.0));
    }

    @Test
    void shouldNameColumnsByPositionWhenLinesAreRagged() {
        final Map<String, ColumnStats> averages = driver(Map.of()).send("1", "2,20,200", "3,30").averages();

        assertThat(averages.get("0").count()).isEqualTo(3);
        assertThat(averages.get("0").mean()).isEqualTo(2.0);
        assertThat(averages.get("1")).isEqualTo(new ColumnStats("1", 2, 50.0, 25.0, 20.0, 30.0, 5.0));
        assertThat(averages.get("2")).isEqualTo(new ColumnStats("2", 1, 200.0, 200.0, 200.0, 200.0, 0.0));
    }

    @ParameterizedTest(name = "delimiter {0}")
    @CsvSource(delimiter = '#', value = {
        ";   # 1;2.5;\"3\"",
        "\\t # 1\t2.5\t3.0",
        "'\t' # 1\t2.5\t3.0",
        "' ' # 1 2.5 \"3\"",
        "|   # 1|2.5|\"3\""})
    void shouldSplitAtTheConfiguredDelimiter(final String delimiter, final String line) {
        final Map<String, ColumnStats> averages = driver(Map.of(StatsTopologyConfig.DELIMITER, delimiter)).send(line).averages();

        assertThat(averages).containsOnlyKeys("0", "1", "2");
        assertThat(averages.get("0").sum()).isEqualTo(1.0);
        assertThat(averages.get("1").sum()).isEqualTo(2.5);
        assertThat(averages.get("2").sum()).isEqualTo(3.0);
        assertThat(driver.deadLetters()).isEmpty();
    }

    @Test
    void shouldNotSplitAtACommaWhenAnotherDelimiterIsConfigured() {
        driver(Map.of(StatsTopologyConfig.DELIMITER, ";")).send("1,5;2");

        assertThat(driver.averages()).isEmpty();
        assertThat(driver.deadLetters()).extracting(record -> DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON))
                .containsExactly(RejectReason.NON_NUMERIC.code());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "non-numeric           | 4,x,6",
        "non-numeric           | 4,0x10,6",
        "non-numeric           | 4,1.0d,6",
        "non-numeric           | 4,1e,6",
        "not-finite            | 4,inf,6",
        "not-finite            | 4,+NaN,6",
        "not-finite            | 4,-Infinity,6",
        "not-finite            | 4,1e400,6",
        "malformed-quoting     | 4,\"5,6",
        "malformed-quoting     | 4,\"5\"x,6"})
    void shouldSendABadLineWholeToTheDeadLetterTopicWithoutChangingAnyStatistic(final String reason, final String line) {
        driver(Map.of()).send("1,2,3");
        final Map<String, ColumnStats> before = driver.averages();

        driver.send(line);

        assertThat(driver.averages()).isEqualTo(before);
        final List<TestRecord<byte[], byte[]>> dead = driver.deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(line);
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.REASON)).isEqualTo(reason);
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.DETAIL)).startsWith("column ");
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.RAW_LINES);
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
    }

    @Test
    void shouldSkipNaValuesLikeEmptyCellsAndCountTheRestOfTheLine() {
        final Map<String, ColumnStats> averages = driver(Map.of())
                .send("1,NA,3", "NaN,5,null", " \"N/A\" ,#N/A, None ", "7,8,9", "nan,NULL,<NA>").averages();

        assertThat(averages.get("0")).isEqualTo(new ColumnStats("0", 2, 8.0, 4.0, 1.0, 7.0, 3.0));
        assertThat(averages.get("1")).isEqualTo(new ColumnStats("1", 2, 13.0, 6.5, 5.0, 8.0, 1.5));
        assertThat(averages.get("2")).isEqualTo(new ColumnStats("2", 2, 12.0, 6.0, 3.0, 9.0, 3.0));
        assertThat(driver.deadLetters()).isEmpty();
        // Lines of only missing values are skipped, as empty lines are.
        assertThat(driver.counter("streamavg.topology.lines.parsed")).isEqualTo(3.0);
        assertThat(driver.counter("streamavg.topology.lines.rejected")).isZero();
    }

    @Test
    void shouldReadOnlyTheConfiguredNaValues() {
        driver(Map.of(StatsTopologyConfig.NA_VALUES, "-, missing")).send("1,-,3", "missing,5,6").send("7,NA,9");

        assertThat(driver.averages().get("0")).isEqualTo(new ColumnStats("0", 1, 1.0, 1.0, 1.0, 1.0, 0.0));
        assertThat(driver.averages().get("1")).isEqualTo(new ColumnStats("1", 1, 5.0, 5.0, 5.0, 5.0, 0.0));
        assertThat(driver.averages().get("2")).isEqualTo(new ColumnStats("2", 2, 9.0, 4.5, 3.0, 6.0, 1.5));
        assertThat(driver.deadLetters()).extracting(record -> DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON))
                .containsExactly(RejectReason.NON_NUMERIC.code());
    }

    @Test
    void shouldPublishAFiniteMeanAndAnInfiniteSumAsValidJsonWhenTheSumIsBeyondADouble() throws Exception {
        driver(Map.of()).send("1.7e308,-1.7e308,1", "1.7e308,-1.7e308,2").send("1e308,-1e-308,3");

        final Map<String, ColumnStats> averages = driver.averages();
        final ColumnStats huge = averages.get("0");
        final ExactStatistics exact = ExactStatistics.of(1.7e308, 1.7e308, 1e308);
        assertThat(huge.count()).isEqualTo(3);
        assertThat(huge.sum()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(huge.mean()).isCloseTo(exact.mean().doubleValue(), within(RELATIVE * exact.mean().doubleValue()));
        assertThat(huge.min()).isEqualTo(1e308);
        assertThat(huge.max()).isEqualTo(1.7e308);
        assertThat(huge.stddev()).isCloseTo(exact.stddev().doubleValue(), within(RELATIVE * exact.stddev().doubleValue()));
        final double negativeMean = ExactStatistics.of(-1.7e308, -1.7e308, -1e-308).mean().doubleValue();
        assertThat(averages.get("1").sum()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(averages.get("1").mean()).isCloseTo(negativeMean, within(RELATIVE * -negativeMean));
        assertThat(averages.get("2")).isEqualTo(new ColumnStats("2", 3, 6.0, 2.0, 1.0, 3.0, Math.sqrt(2.0 / 3)));
        assertThat(driver.deadLetters()).isEmpty();

        // What a reader gets: valid JSON to a strict parser, the sum a string, everything else a number.
        final String json = driver.publishedJson().get("0");
        final JsonNode tree = new ObjectMapper().readTree(json);
        assertThat(tree.get("sum").textValue()).isEqualTo("Infinity");
        assertThat(List.of("count", "mean", "min", "max", "stddev")).allSatisfy(field -> assertThat(tree.get(field).isNumber()).isTrue());
        assertThat(driver.publishedJson().get("1")).contains("\"sum\":\"-Infinity\"");
    }

    @Test
    void shouldPublishTheFirstExampleOfTheIssueWithAMeanOf1Point7e308() {
        driver(Map.of()).send("1.7e308", "1.7e308");

        assertThat(driver.averages().get("0")).isEqualTo(new ColumnStats("0", 2, Double.POSITIVE_INFINITY, 1.7e308, 1.7e308, 1.7e308, 0.0));
        assertThat(driver.publishedJson().get("0"))
                .isEqualTo("{\"column\":\"0\",\"count\":2,\"sum\":\"Infinity\",\"mean\":1.7E308,\"min\":1.7E308,\"max\":1.7E308,\"stddev\":0.0}");
    }

    @Test
    void shouldRejectInvalidUtf8AndTooManyColumnsWithTheirReasons() {
        final byte[] invalid = {'1', ',', (byte) 0xC3, (byte) 0x28};
        driver(Map.of(StatsTopologyConfig.MAX_COLUMNS, "3")).send("1,2,3");
        final Map<String, ColumnStats> before = driver.averages();

        driver.sendBytes(invalid).send("1,2,3,4");

        assertThat(driver.averages()).isEqualTo(before);
        final List<TestRecord<byte[], byte[]>> dead = driver.deadLetters();
        assertThat(dead).extracting(record -> DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON))
                .containsExactly(RejectReason.INVALID_UTF8.code(), RejectReason.TOO_MANY_COLUMNS.code());
        assertThat(dead.get(0).value()).isEqualTo(invalid);
        // The meters the README gives for monitoring (streamavg_topology_lines_{rejected,parsed}_total).
        assertThat(driver.counter("streamavg.topology.lines.rejected")).isEqualTo(2.0);
        assertThat(driver.counter("streamavg.topology.lines.rejected", "reason", "invalid-utf8")).isEqualTo(1.0);
        assertThat(driver.counter("streamavg.topology.lines.rejected", "reason", "too-many-columns")).isEqualTo(1.0);
        assertThat(driver.counter("streamavg.topology.lines.parsed")).isEqualTo(1.0);
    }

    @Test
    void shouldSendTheRawLineToTheDeadLetterTopicAndGoOnWhenAProcessorFailsOnIt() {
        driver = new StatsTopologyDriver(stateDir, Map.of(), failingOn("6,6,6"));

        driver.send("1,2,3", "6,6,6", "4,5,6");

        assertThat(driver.averages()).isEqualTo(Map.of(
                "0", new ColumnStats("0", 2, 5.0, 2.5, 1.0, 4.0, 1.5),
                "1", new ColumnStats("1", 2, 7.0, 3.5, 2.0, 5.0, 1.5),
                "2", new ColumnStats("2", 2, 9.0, 4.5, 3.0, 6.0, 1.5)));
        final List<TestRecord<byte[], byte[]>> dead = driver.deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("6,6,6");
        final Headers headers = dead.get(0).headers();
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.REASON)).isEqualTo("processing-error");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.DETAIL)).isEqualTo("java.lang.IllegalStateException: injected fault");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.RAW_LINES);
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.ERROR_EXCEPTION)).isEqualTo("java.lang.IllegalStateException");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("injected fault");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.ERROR_STACKTRACE))
                .startsWith("java.lang.IllegalStateException: injected fault")
                .contains("at " + LineFolder.class.getName() + ".process(");
        assertThat(driver.counter("streamavg.topology.lines.rejected", "reason", "processing-error")).isEqualTo(1.0);
        assertThat(driver.counter("streamavg.topology.lines.rejected")).isEqualTo(1.0);
        assertThat(driver.counter("streamavg.topology.lines.parsed")).isEqualTo(2.0);
    }

    @Test
    void shouldKeepGoingAfterAFailureAcrossLaterCommits() {
        driver = new StatsTopologyDriver(stateDir, Map.of(), failingOn("6,6,6"));

        driver.send("1", "6,6,6").send("6,6,6", "3");

        assertThat(driver.averages()).isEqualTo(Map.of("0", new ColumnStats("0", 2, 4.0, 2.0, 1.0, 3.0, 1.0)));
        assertThat(driver.deadLetters()).extracting(record -> DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SOURCE_OFFSET))
                .containsExactly("1", "2");
        assertThat(driver.counter("streamavg.topology.lines.rejected", "reason", "processing-error")).isEqualTo(2.0);
    }

    @Test
    void shouldSetAsideAPartialThatCannotBeReadBackFromTheRepartitionTopic() {
        final String repartition = "streamavg-" + StatsTopology.PARTIALS_REPARTITION + "-repartition";
        final byte[] corrupt = {9, 9, 9};
        // At least once: under exactly-once the test driver loses what a deserialization handler sends,
        // since it clears its producer's open transaction when it collects output after adding input.
        // TopologySafetyNetIT runs this case under exactly_once_v2 on a real broker.
        driver(Map.of(StatsTopologyConfig.PROCESSING_GUARANTEE, StreamsConfig.AT_LEAST_ONCE)).send("1,2");

        driver.sendInternal(repartition, "0".getBytes(StandardCharsets.UTF_8), corrupt).send("3,4");

        assertThat(driver.averages()).isEqualTo(Map.of(
                "0", new ColumnStats("0", 2, 4.0, 2.0, 1.0, 3.0, 1.0),
                "1", new ColumnStats("1", 2, 6.0, 3.0, 2.0, 4.0, 1.0)));
        final List<TestRecord<byte[], byte[]>> dead = driver.deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).key()).isEqualTo("0".getBytes(StandardCharsets.UTF_8));
        assertThat(dead.get(0).value()).isEqualTo(corrupt);
        final Headers headers = dead.get(0).headers();
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.REASON)).isEqualTo("processing-error");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.DETAIL)).isEqualTo(
                "org.apache.kafka.common.errors.SerializationException: not running statistics of version 1 or 2: 3 bytes, version 9");
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(repartition);
        assertThat(driver.counter("streamavg.topology.lines.rejected", "reason", "processing-error")).isEqualTo(1.0);
    }

    /** Parsing as in production, except that {@code line} makes the parser throw, as a bug would. */
    private static UnaryOperator<Function<byte[], ParsedLine>> failingOn(final String line) {
        final byte[] fault = line.getBytes(StandardCharsets.UTF_8);
        return parse -> raw -> {
            if (Arrays.equals(raw, fault)) {
                throw new IllegalStateException("injected fault");
            }
            return parse.apply(raw);
        };
    }

    @Test
    void shouldEqualAStraightforwardReferenceOnRandomData() {
        final Random random = new Random(42);
        final int columns = 6;
        final List<String> lines = new ArrayList<>();
        final List<List<Double>> byColumn = new ArrayList<>();
        IntStream.range(0, columns).forEach(c -> byColumn.add(new ArrayList<>()));
        for (int i = 0; i < 2_000; i++) {
            final List<String> cells = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                if (random.nextInt(10) == 0) {
                    cells.add(""); // missing
                } else {
                    final double value = (random.nextDouble() - 0.3) * Math.pow(10, c) + c * 1e6;
                    byColumn.get(c).add(value);
                    cells.add(Double.toString(value));
                }
            }
            lines.add(String.join(",", cells));
        }
        driver(Map.of());
        // Several flushes, so partials are merged more than once.
        for (int from = 0; from < lines.size(); from += 300) {
            driver.send(lines.subList(from, Math.min(lines.size(), from + 300)));
        }

        final Map<String, ColumnStats> averages = driver.averages();
        for (int c = 0; c < columns; c++) {
            final List<Double> values = byColumn.get(c);
            final double mean = values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
            final double variance = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / values.size();
            final ColumnStats stats = averages.get(String.valueOf(c));
            assertThat(stats.count()).isEqualTo(values.size());
            assertThat(stats.mean()).isCloseTo(mean, within(Math.abs(mean) * RELATIVE));
            assertThat(stats.stddev()).isCloseTo(Math.sqrt(variance), within(Math.sqrt(variance) * RELATIVE));
            assertThat(stats.min()).isEqualTo(values.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
            assertThat(stats.max()).isEqualTo(values.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        }
    }

    @Test
    void shouldMatchPandasOnIris() {
        assertMatchesReference(DataSet.iris());
    }

    @Test
    void shouldMatchPandasOnWine() {
        assertMatchesReference(DataSet.wine());
    }

    private void assertMatchesReference(final DataSet data) {
        final Map<String, ColumnStats> averages = driver(Map.of()).send(data.lines()).averages();

        assertThat(averages).containsOnlyKeys(data.columns().keySet());
        data.columns().forEach((column, expected) -> {
            final ColumnStats actual = averages.get(column);
            assertThat(actual.count()).as("count of %s", column).isEqualTo(expected.count());
            assertThat(actual.mean()).as("mean of %s", column).isCloseTo(expected.mean(), within(Math.abs(expected.mean()) * RELATIVE));
            assertThat(actual.min()).as("min of %s", column).isEqualTo(expected.min());
            assertThat(actual.max()).as("max of %s", column).isEqualTo(expected.max());
            assertThat(actual.stddev()).as("stddev of %s", column).isCloseTo(expected.stddev(), within(expected.stddev() * RELATIVE));
        });
        assertThat(driver.deadLetters()).isEmpty();
    }

    @Test
    void shouldKeepTheCumulativeStatisticsInTheColumnStatsStore() {
        driver(Map.of()).send("1,2", "3,4");

        assertThat(driver.columnStatsStore()).containsOnlyKeys("0", "1");
        assertThat(driver.columnStatsStore().get("0").toColumnStats("0")).isEqualTo(driver.averages().get("0"));
    }

    @Test
    void shouldKeepTheInternalTopicAndStoreNamesStable() {
        final String description = StatsTopology.build(new StatsTopologyConfig(Map.of("bootstrap-servers", "x:1")),
                new TopologyMeters(new SimpleMeterRegistry())).describe().toString();

        // Renaming any of these orphans the state of running deployments: change them only on purpose.
        final List<String> names = List.of("raw-lines-source", "fold-lines", "line-partials", "column-partials-repartition",
                "merge-partials", "column-stats", "column-averages-sink", "raw-lines-dlq-sink", "window-partials-repartition",
                "merge-window-partials", "window-stats", "window-averages-sink", "session-marks");
        assertThat(names).allSatisfy(name -> assertThat(description).contains(name));
        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-");
    }

    /**
     * The driver commits after every record: each commit carries the partials of the lines it
     * commits downstream, and leaves the changelog holding none, so a restore neither loses nor
     * repeats a committed line.
     */
    @Test
    void shouldForwardTheTaskPartialsInTheCommitOfTheirLinesAndLeaveNoneInTheChangelog() {
        driver(Map.of());
        driver.sendBytes("1,2".getBytes(StandardCharsets.UTF_8));
        assertThat(driver.averages().get("0").count()).isEqualTo(1);
        driver.sendBytes("3,".getBytes(StandardCharsets.UTF_8));

        assertThat(driver.averages().get("0").count()).isEqualTo(2);
        assertThat(driver.averages().get("1").count()).isEqualTo(1);
        final List<byte[]> written = driver.changelog(StatsTopology.PARTIALS_STORE, TaskPartials.KEY);
        assertThat(written).isNotEmpty();
        final TaskPartials restored = new TaskPartials(60_000, 10_000);
        restored.load(written.get(written.size() - 1));
        assertThat(restored.isEmpty()).isTrue();
    }
}
