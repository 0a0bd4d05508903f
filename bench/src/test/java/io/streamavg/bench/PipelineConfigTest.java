package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.runtime.ServiceRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options of bench pipeline, through the command line as users give them. */
class PipelineConfigTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void shouldDefaultToTheIssuesWorkload() {
        final PipelineConfig config = new PipelineConfig(Map.of());
        assertThat(config.lines()).isEqualTo(2_000_000);
        assertThat(config.columns()).isEqualTo(8);
        assertThat(config.connections()).isEqualTo(16);
        assertThat(config.latencyRate()).isEqualTo(20_000);
        assertThat(config.commitIntervalMillis()).isEqualTo(100);
        assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(PipelineConfig.RUN_IDS).allMatch(config::runs);
        assertThat(config.json()).isEmpty();
    }

    @Test
    void shouldChooseRuns() {
        final PipelineConfig config = new PipelineConfig(Map.of(PipelineConfig.RUNS, "producer-perf,pipeline"));
        assertThat(config.runs("pipeline")).isTrue();
        assertThat(config.runs("producer-perf")).isTrue();
        assertThat(config.runs("textbook")).isFalse();
        assertThat(config.runs("latency")).isFalse();
    }

    @Test
    void shouldNameAnUnknownRun() {
        assertThat(run("--runs", "pipeline,consumer-perf")).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).contains("--runs").contains("pipeline,latency,textbook,producer-perf");
    }

    @Test
    void shouldRefuseFewerLinesThanConnections() {
        assertThat(run("--lines", "8", "--connections", "16")).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).startsWith("streamavg bench: invalid value '8' for --lines").contains("--connections (16)");
    }

    @Test
    void shouldRefuseARateBelowOneLinePerConnection() {
        assertThat(run("--latency-rate", "10")).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).startsWith("streamavg bench: invalid value '10' for --latency-rate");
    }

    @Test
    void shouldRefuseOutOfRangeValues() {
        assertThat(run("--marker-rate", "0")).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).startsWith("streamavg bench: invalid value '0' for --marker-rate");
        assertThat(run("--columns", "513")).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(run("--frobnicate", "1")).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).contains("--frobnicate");
    }

    @Test
    void shouldRefuseAJsonFileInAFolderThatIsNotThere(@TempDir final Path dir) {
        assertThat(run("--json", dir.resolve("missing/figures.json").toString())).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).contains("--json").contains("does not exist");
        assertThat(new PipelineConfig(Map.of(PipelineConfig.JSON, dir.resolve("figures.json").toString())).json())
                .contains(dir.resolve("figures.json"));
    }

    @Test
    void shouldReadItsOwnVariablesOnly() {
        assertThat(run(Map.of("STREAMAVG_DB", "x.db", "STREAMAVG_LATENCY_RATE", "5"))).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).contains("STREAMAVG_LATENCY_RATE");
    }

    @Test
    void shouldListItsOptionsInItsHelp() {
        assertThat(run("--help")).isZero();
        assertThat(text(out)).startsWith("Usage: streamavg bench pipeline [options]")
                .contains("--latency-rate").contains("--json").contains("--runs");
    }

    private int run(final String... args) {
        final List<String> all = new java.util.ArrayList<>(List.of("pipeline"));
        all.addAll(List.of(args));
        return Bench.run(all, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int run(final Map<String, String> env) {
        return Bench.run(List.of("pipeline"), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(final ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
