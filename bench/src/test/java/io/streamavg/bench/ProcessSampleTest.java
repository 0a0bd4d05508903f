package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProcessSampleTest {

    /** A command name may hold spaces and parentheses: fields count from the last ')'. */
    @Test
    void shouldReadUserAndSystemTicksWhateverTheCommandName() {
        final String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 40 0 100 0 0";
        assertThat(ProcessSample.cpuNanosOfStat(stat)).isEqualTo((1234 + 567) * 10_000_000L);
    }

    @Test
    void shouldReadKilobyteLinesOfStatus() {
        final String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  524288 kB\nVmRSS:\t  262144 kB\n";
        assertThat(ProcessSample.kilobytes(status, "VmHWM")).isEqualTo(524_288);
        assertThat(ProcessSample.kilobytes(status, "VmRSS")).isEqualTo(262_144);
    }

    @Test
    void shouldSubtractTimesButKeepThePeak() {
        final ProcessSample before = new ProcessSample(1_000, 100, 90, 50, 200);
        final ProcessSample after = new ProcessSample(3_500, 400, 300, 80, 700);
        assertThat(after.since(before)).isEqualTo(new ProcessSample(2_500, 400, 300, 30, 500));
        assertThat(after.since(new ProcessSample(0, 0, 0, -1, 0)).runQueueNanos()).isEqualTo(-1);
        // Compiler threads come and go: one that ended since took its time with it.
        assertThat(new ProcessSample(3_500, 400, 300, 80, 100).since(before).compilerNanos()).isZero();
    }

    /** The real thing, on this JVM: Linux only, as the bench. */
    @Test
    void shouldReadThisProcess() throws IOException {
        final ProcessSample self = ProcessSample.ofSelf();
        assertThat(self.cpuNanos()).isPositive();
        assertThat(self.peakRssBytes()).isGreaterThanOrEqualTo(self.rssBytes()).isGreaterThan(10L << 20);
        // This JVM has compiled something by the time a test runs, and its compilers are part of its CPU.
        assertThat(self.compilerNanos()).isPositive().isLessThanOrEqualTo(self.cpuNanos());
    }
}
