package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VariantProcessTest {

    /** ConsumerPerformance 4.4's output, as a child logged it. */
    @Test
    void shouldReadTheRecordsConsumerPerformanceReports() {
        final String output = """
                start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
                2026-11-25 11:39:07:629, 2026-11-25 11:39:09:901, 0.1262, 0.0555, 2000, 880.2817, 1304, 968, 0.1303, 2066.1157
                """;

        assertThat(VariantProcess.recordsRead(output)).isEqualTo(2000);
    }

    @Test
    void shouldFailWhenConsumerPerformancePrintedNoFigures() {
        assertThatThrownBy(() -> VariantProcess.recordsRead("WARNING: Exiting before consuming the expected number of records\n"))
                .hasMessageContaining("no data.consumed.in.nMsg");
    }
}
