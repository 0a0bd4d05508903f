package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildSpecTest {

    @Test
    void shouldReadBackWhatItWritesOnTheCommandLine() {
        final ChildSpec spec = new ChildSpec(Variant.Kind.PROJECT, "127.0.0.1:9092", "raw-lines", 2_000_000, 8, "bench-x-threads-2", 2,
                Path.of("/tmp/state"), "column-averages", Map.of(0, 12L, 1, 0L, 2, 7L, 3, 9L), Path.of("/tmp/threads-2.report"),
                Duration.ofSeconds(900));

        assertThat(ChildSpec.parse(spec.toArgs().toArray(String[]::new))).isEqualTo(spec);
    }

    @Test
    void shouldCarryAnEmptyOutputForConsumerPerformance() {
        final ChildSpec spec = new ChildSpec(Variant.Kind.CONSUMER_PERFORMANCE, "127.0.0.1:9092", "raw-lines", 10, 8, "bench-x-consumer-perf", 1,
                Path.of("/tmp/state"), "", Map.of(), Path.of("/tmp/consumer-perf.report"), Duration.ofSeconds(60));

        assertThat(ChildSpec.parse(spec.toArgs().toArray(String[]::new))).isEqualTo(spec);
    }
}
