package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tables and the JSON of bench pipeline, from figures made up for the purpose. */
class PipelineReportTest {

    private static final long MB = 1L << 20;

    private static final PipelineResults.Throughput PIPELINE = new PipelineResults.Throughput("pipeline",
            "streamavg: loadgen → bridge → topology → sink", 2_000_000, 16.0, "every sample_count in SQLite", List.of(
                    new PipelineResults.Part("broker (bench JVM)", 12_000_000_000L, 900 * MB, 3_000_000_000L, 4_000_000_000L),
                    new PipelineResults.Part("bridge", 4_000_000_000L, 300 * MB, -1, 1_500_000_000L),
                    new PipelineResults.Part("topology", 20_000_000_000L, 500 * MB, 5_000_000_000L, 7_250_000_000L)));
    private static final PipelineResults.Throughput TEXTBOOK = new PipelineResults.Throughput("textbook", "textbook", 2_000_000, 80.0,
            "every count on its output topic", List.of());
    private static final PipelineResults.Throughput CEILING = new PipelineResults.Throughput(PipelineResults.PRODUCER_PERF,
            "Kafka `ProducerPerformance`", 2_000_000, 10.0, "its own measure", List.of());
    private static final PipelineResults.Latency LATENCY = new PipelineResults.Latency(20_000, 19_876.4, 1_510, 1_500, 3,
            List.of(120_000_000L, 80_000_000L, 300_000_000L, 100_000_000L), 11_200_000, 100, 30.2, List.of(
                    new PipelineResults.StageLatency("raw-lines", List.of(5_000_000L, 7_000_000L, 9_000_000L, 30_000_000L)),
                    new PipelineResults.StageLatency("column-averages", List.of())),
            Optional.of(new StreamThreadCommits(12.5, 80, 19.5)), 61.7, 0.083);

    private static PipelineResults results(final List<PipelineResults.Throughput> runs, final Optional<PipelineResults.Latency> latency) {
        return new PipelineResults("streamavg bench pipeline --lines 2000000", "Machine: test.", "2026-11-25T14:00Z", 3.5, runs, latency);
    }

    @Test
    void shouldGiveEachRunItsRateAndRatioToProducerPerformance() {
        final String table = PipelineTable.throughput(results(List.of(PIPELINE, TEXTBOOK, CEILING), Optional.empty()));
        assertThat(table.lines()).containsSequence(
                "| run | lines | timed until | s | lines/s | × ProducerPerformance |",
                "|---|--:|---|--:|--:|--:|",
                "| streamavg: loadgen → bridge → topology → sink | 2,000,000 | every sample_count in SQLite | 16.0 | 125,000 | 0.63 |",
                "| textbook | 2,000,000 | every count on its output topic | 80.0 | 25,000 | 0.13 |",
                "| Kafka `ProducerPerformance` | 2,000,000 | its own measure | 10.0 | 200,000 | 1.00 |");
    }

    @Test
    void shouldLeaveTheRatioOutWithoutTheCeilingRow() {
        assertThat(PipelineTable.throughput(results(List.of(PIPELINE), Optional.empty())))
                .contains("| 16.0 | 125,000 | – |");
    }

    @Test
    void shouldListEachPartsCpuAndPeakMemory() {
        assertThat(PipelineTable.parts(results(List.of(PIPELINE), Optional.empty())).lines()).containsSequence(
                "| pipeline | broker (bench JVM) | 12.0 | 4.0 | 6.00 | 900 | 3.0 |",
                "| pipeline | bridge | 4.0 | 1.5 | 2.00 | 300 | – |",
                "| pipeline | topology | 20.0 | 7.3 | 10.00 | 500 | 5.0 |");
    }

    @Test
    void shouldGiveTheLatencyPercentilesInMilliseconds() {
        assertThat(PipelineTable.latency(LATENCY).lines()).contains(
                "| 20,000 lines/s | 19,876 lines/s | 4 in 30 s | 1,500 / 1,510 | 3 | 100 | 300 | 300 | 100 | 11.2 |");
        final String all = PipelineTable.markdown(results(List.of(PIPELINE, CEILING), Optional.of(LATENCY)));
        assertThat(all).startsWith("### streamavg bench pipeline, 2026-11-25T14:00Z\n\n"
                + "`streamavg bench pipeline --lines 2000000`. Machine: test. Load average 3.50 at the end.\n");
        assertThat(all).contains("| 12.0 | 4.0 | 6.00 | 900 |").contains("| p50 ms | p99 ms | max ms |");
    }

    @Test
    void shouldGiveEachStagesPercentilesThenSqlites() {
        assertThat(PipelineTable.latency(LATENCY).lines()).containsSequence(
                "| visible on | markers seen | p50 ms | p99 ms | max ms |",
                "|---|--:|--:|--:|--:|",
                "| raw-lines | 4 | 7 | 30 | 30 |",
                "| column-averages | 0 | – | – | – |",
                "| SQLite (the sink's transaction) | 4 | 100 | 300 | 300 |");
        assertThat(PipelineTable.latency(LATENCY)).contains("a commit took 12.5 ms on average, 80 ms at most; 19.5 commits a second.");
        assertThat(PipelineTable.latency(LATENCY)).contains("Markers were timed after 62 s of untimed ones",
                "over the window the compilers of every JVM used 8% of a core.");
    }

    @Test
    void shouldReadTheStreamThreadsCommitsFromTheTopologysMetrics() {
        final String metrics = """
                # TYPE kafka_stream_thread_commit_latency_avg gauge
                kafka_stream_thread_commit_latency_avg{kafka_version="4.4.0",thread_id="a-StreamThread-1"} 20.0
                kafka_stream_thread_commit_latency_avg{kafka_version="4.4.0",thread_id="a-StreamThread-2"} 30.0
                kafka_stream_thread_commit_latency_avg{kafka_version="4.4.0",thread_id="a-StreamThread-3"} NaN
                kafka_stream_thread_commit_latency_max{kafka_version="4.4.0",thread_id="a-StreamThread-1"} 95.0
                kafka_stream_thread_commit_latency_max{kafka_version="4.4.0",thread_id="a-StreamThread-2"} 120.0
                kafka_stream_thread_commit_rate{kafka_version="4.4.0",thread_id="a-StreamThread-1"} 9.5
                kafka_stream_thread_commit_rate{kafka_version="4.4.0",thread_id="a-StreamThread-2"} 9.0
                kafka_stream_thread_commit_total{kafka_version="4.4.0",thread_id="a-StreamThread-2"} 900.0
                """;
        assertThat(StreamThreadCommits.parse(metrics)).isEqualTo(new StreamThreadCommits(25.0, 120.0, 18.5));
    }

    @Test
    void shouldWriteTheSameFiguresAsJson() throws Exception {
        final JsonNode json = new ObjectMapper().readTree(PipelineJson.write(
                results(List.of(PIPELINE, TEXTBOOK, CEILING), Optional.of(LATENCY))));
        assertThat(json.get("command").asText()).isEqualTo("streamavg bench pipeline --lines 2000000");
        assertThat(json.get("loadAverageAtEnd").asDouble()).isEqualTo(3.5);
        final JsonNode pipeline = json.get("throughput").get(0);
        assertThat(pipeline.get("id").asText()).isEqualTo("pipeline");
        assertThat(pipeline.get("linesPerSecond").asDouble()).isEqualTo(125_000.0);
        assertThat(pipeline.get("ratioToProducerPerformance").asDouble()).isEqualTo(0.625);
        assertThat(pipeline.get("parts").get("topology").get("cpuSeconds").asDouble()).isEqualTo(20.0);
        assertThat(pipeline.get("parts").get("topology").get("compilerCpuSeconds").asDouble()).isEqualTo(7.25);
        assertThat(pipeline.get("parts").get("topology").get("peakRssBytes").asLong()).isEqualTo(500 * MB);
        assertThat(pipeline.get("parts").get("bridge").get("waitedForCoreSeconds").isNull()).isTrue();
        assertThat(json.get("throughput").get(2).get("ratioToProducerPerformance").asDouble()).isEqualTo(1.0);
        final JsonNode latency = json.get("latency");
        assertThat(latency.get("p50Millis").asDouble()).isEqualTo(100.0);
        assertThat(latency.get("p99Millis").asDouble()).isEqualTo(300.0);
        assertThat(latency.get("markers").asInt()).isEqualTo(4);
        assertThat(latency.get("markersSentLate").asInt()).isEqualTo(3);
        assertThat(latency.get("markersDue").asInt()).isEqualTo(1_510);
        assertThat(latency.get("markersSent").asInt()).isEqualTo(1_500);
        assertThat(latency.get("pollPeriodMillis").asDouble()).isEqualTo(11.2);
        assertThat(latency.get("warmupSeconds").asDouble()).isEqualTo(61.7);
        assertThat(latency.get("compilerCores").asDouble()).isEqualTo(0.083);
        assertThat(latency.get("stages").get(0).get("visibleOn").asText()).isEqualTo("raw-lines");
        assertThat(latency.get("stages").get(0).get("p50Millis").asDouble()).isEqualTo(7.0);
        assertThat(latency.get("stages").get(1).get("markers").asInt()).isZero();
        assertThat(latency.get("stages").get(1).has("p50Millis")).isFalse();
        assertThat(latency.get("topologyCommits").get("avgMillis").asDouble()).isEqualTo(12.5);
    }

    @Test
    void shouldWriteNullRatioAndLatencyWhenNotMeasured() throws Exception {
        final JsonNode json = new ObjectMapper().readTree(PipelineJson.write(results(List.of(TEXTBOOK), Optional.empty())));
        assertThat(json.get("throughput").get(0).get("ratioToProducerPerformance").isNull()).isTrue();
        assertThat(json.get("latency").isNull()).isTrue();
    }
}
