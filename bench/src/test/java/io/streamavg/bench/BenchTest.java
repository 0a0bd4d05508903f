package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.runtime.ServiceRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void shouldNameTheOptionWithABadValue() {
        assertThat(run(List.of("topology", "--lines", "0"), Map.of())).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).startsWith("streamavg bench: invalid value '0' for --lines");
    }

    @Test
    void shouldListTheVariantsWhenOneIsUnknown() {
        assertThat(run(List.of("topology", "--variants", "textbook,threads-3"), Map.of())).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).contains("--variants").contains("consumer-perf,textbook,threads-1,threads-2,threads-4,instances-2");
    }

    @Test
    void shouldRefuseAnUnknownBenchmark() {
        assertThat(run(List.of("nosuch"), Map.of())).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).startsWith("streamavg bench: unknown benchmark 'nosuch'");
    }

    @Test
    void shouldTakeTheBridgeBenchmarksOwnOptions() {
        assertThat(run(List.of("bridge", "--help"), Map.of())).isZero();
        assertThat(text(out)).startsWith("Usage: streamavg bench bridge [options]").contains("--connections").contains("--json").contains("--jfr")
                .doesNotContain("--latency-rate");
        assertThat(run(List.of("bridge", "--lines", "10", "--connections", "16"), Map.of())).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).contains("--lines").contains("must be at least --connections (16)");
    }

    /** Whoever runs the services may have their variables set: they are not the bench's business. */
    @Test
    void shouldIgnoreOtherCommandsVariablesButReadItsOwn() {
        assertThat(run(List.of("topology", "--help"), Map.of("STREAMAVG_DB", "x.db"))).isZero();
        assertThat(text(out)).contains("--lines").contains("--jfr");
        assertThat(run(List.of("topology"), Map.of("STREAMAVG_DB", "x.db", "STREAMAVG_LINES", "-1")))
                .isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).contains("STREAMAVG_LINES");
    }

    private int run(final List<String> args, final Map<String, String> env) {
        return Bench.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(final ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
