package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadProcessTest {

    /** The warm-up sends its own number of lines from another seed, every other option as asked. */
    @Test
    void shouldWarmUpWithItsOwnLinesAndSeedAndTheOtherOptionsAsAsked() {
        final List<String> asked = List.of("--port", "9999", "--lines", "2000000", "--connections", "16", "--seed", "1", "--ack", "true");
        assertThat(LoadProcess.warmup(asked, 500, 2_000_001)).containsExactly(
                "--port", "9999", "--connections", "16", "--ack", "true", "--lines", "500", "--seed", "2000001");
        final LoadgenConfig config = new LoadgenConfig(io.streamavg.runtime.CommandLine.parse(LoadgenConfig.DEFINITION,
                LoadProcess.warmup(asked, 500, 2_000_001), java.util.Map.of()));
        assertThat(config.getLong(LoadgenConfig.LINES)).isEqualTo(500);
        assertThat(config.getLong(LoadgenConfig.SEED)).isEqualTo(2_000_001);
        assertThat(config.getInt(LoadgenConfig.CONNECTIONS)).isEqualTo(16);
    }
}
