package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.runtime.ServiceRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkBenchTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void shouldRefuseUpdatesThatAreNotAMultipleOfTheKeys() {
        assertThat(run(List.of("sink", "--updates", "1000", "--keys", "300"))).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).startsWith("streamavg bench: invalid value '1000' for --updates").contains("multiple of --keys (300)");
    }

    @Test
    void shouldRefuseMoreNaiveUpdatesThanUpdates() {
        assertThat(run(List.of("sink", "--updates", "1000", "--keys", "10", "--naive-updates", "1001")))
                .isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);
        assertThat(text(err)).contains("--naive-updates").contains("at most --updates (1000)");
    }

    @Test
    void shouldPrintItsOwnOptionsForHelp() {
        assertThat(run(List.of("sink", "--help"))).isZero();
        assertThat(text(out)).startsWith("Usage: streamavg bench sink [options]").contains("--naive-updates").contains("--keys");
    }

    @Test
    void shouldTabulateRatesCpuAndTheRatioOfTheTwoWays() {
        // The sink: 1,000,000 updates, 10 s from launch, 8 s from its first write, 12 s of CPU; the naive way: 1,000 in 5 s and 4 s, 2 s of CPU.
        final String table = SinkBench.table(List.of(
                new SinkBench.Run("sink", 1_000_000, 0, 2_000_000, 10_000_000, 12_000_000_000L),
                new SinkBench.Run("naive", 1_000, 0, 1_000_000, 5_000_000, 2_000_000_000L)));

        assertThat(table).contains("| sink | 1,000,000 | 10.0 | 100,000 | 8.0 | 125,000 | 12.0 | 12.0 |")
                .contains("| naive | 1,000 | 5.0 | 200 | 4.0 | 250 | 2.0 | 2000.0 |")
                .contains("500× in updates/s from launch, 500× from the first write; 167× less CPU per update.");
    }

    @Test
    void shouldGiveNoRateFromTheFirstWriteWhenAllWasWrittenWithinASecond() {
        final String table = SinkBench.table(List.of(
                new SinkBench.Run("sink", 20_000, 0, 9_650_000, 9_700_000, 7_000_000_000L),
                new SinkBench.Run("naive", 200, 0, 4_500_000, 5_200_000, 4_000_000_000L)));

        assertThat(table).contains("| sink | 20,000 | 9.7 | 2,062 | 0.1 | – | 7.0 | 350.0 |")
                .contains("| naive | 200 | 5.2 | 38 | 0.7 | – | 4.0 | 20000.0 |")
                .contains("54× in updates/s from launch, – from the first write; 57× less CPU per update.");
    }

    private int run(final List<String> args) {
        return Bench.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(final ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
