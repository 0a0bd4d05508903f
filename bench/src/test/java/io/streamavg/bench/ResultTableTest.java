package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ResultTableTest {

    private static final long LINES = 1_000_000;

    @Test
    void shouldGiveEachVariantsRatiosToTheBaselinesOfTheSameRun() {
        final List<RunResult> results = List.of(
                result(Variant.CONSUMER_PERFORMANCE, 2.0, 4_000_000_000L, Map.of()),
                result(Variant.TEXTBOOK, 20.0, 40_000_000_000L, Map.of("app-KSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition", 8_000_000L,
                        "app-KSTREAM-AGGREGATE-STATE-STORE-0000000003-changelog", 1_200L)),
                result(Variant.THREADS_1, 5.0, 10_000_000_000L, Map.of("app-column-partials-repartition", 4_000L,
                        "app-line-partials-changelog", 4_000L, "app-column-stats-changelog", 400L, "column-averages", 400L)));

        assertThat(ResultTable.results(results)).isEqualTo("""
                | variant | lines/s (from launch) | × textbook | × ConsumerPerformance | CPU ms / 1k lines | repartition records | changelog records |
                |---|--:|--:|--:|--:|--:|--:|
                | Kafka `ConsumerPerformance` (reads the lines, no processing) | 500,000 | 10.00 | 1.00 | 4.0 | – | – |
                | textbook DSL topology, 1 thread | 50,000 | 1.00 | 0.10 | 40.0 | 8,000,000 | 1,200 |
                | project topology, 1 thread | 200,000 | 4.00 | 0.40 | 10.0 | 4,000 | 4,400 |
                """);
    }

    /** A run of {@code seconds} from launch at 0, with {@code cpuNanos} of CPU. */
    private static RunResult result(final Variant variant, final double seconds, final long cpuNanos, final Map<String, Long> sent) {
        final ChildReport report = new ChildReport(1_000_000, (long) (seconds * 1e6), cpuNanos, 100, 0,
                Map.of("StreamThread-1", cpuNanos / 2), Map.of("StreamThread-1", cpuNanos / 4), sent);
        return new RunResult(variant, "app", LINES, 0, List.of(report), OptionalLong.empty(), 0, 0, List.of());
    }
}
