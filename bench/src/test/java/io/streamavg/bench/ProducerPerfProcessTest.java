package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProducerPerfProcessTest {

    @Test
    void shouldReadTheTotalsLineNotTheProgressLines() {
        final String output = """
                812345 records sent, 162469.0 records/sec (10.72 MB/sec), 80.3 ms avg latency, 412.0 ms max latency.
                2000000 records sent, 171234.567890 records/sec (11.30 MB/sec), 75.12 ms avg latency, 412.00 ms max latency, \
                60 ms 50th, 180 ms 95th, 250 ms 99th, 400 ms 99.9th.
                """;
        assertThat(ProducerPerfProcess.total(output)).isEqualTo(new ProducerPerfProcess.Total(2_000_000, 171234.567890));
    }

    @Test
    void shouldFailWithoutATotalsLine() {
        assertThatThrownBy(() -> ProducerPerfProcess.total("812345 records sent, 162469.0 records/sec (10.72 MB/sec), "
                + "80.3 ms avg latency, 412.0 ms max latency.\n")).hasMessageContaining("no totals line");
    }
}
