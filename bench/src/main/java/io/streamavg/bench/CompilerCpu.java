package io.streamavg.bench;

import java.io.IOException;
import java.util.Collection;

/**
 * The CPU the JIT compilers of some JVMs have spent, read from outside them ({@link ThreadCpu}):
 * JVMs started for a run go on compiling the broker's, Kafka Streams' and the services' code for
 * minutes, on the same two cores the pipeline needs, and a latency measured meanwhile is the
 * compilers' as much as the pipeline's.
 */
final class CompilerCpu {

    private CompilerCpu() {
    }

    /** The compilers of some JVMs from one moment on. */
    record Window(Collection<Long> pids, long startCpuNanos, long startNanos) {

        static Window from(final Collection<Long> pids) throws IOException {
            return new Window(pids, nanos(pids), System.nanoTime());
        }

        /** What the compilers used since the start, in cores (1 for one core all the time). */
        double cores() throws IOException {
            return (double) (nanos(pids) - startCpuNanos) / (System.nanoTime() - startNanos);
        }
    }

    /**
     * User plus system time of the live compiler threads (HotSpot's {@code C1 CompilerThreadN} and
     * {@code C2 CompilerThreadN}, {@code comm} keeping their first 15 bytes) of every process in
     * {@code pids}. A compiler thread that ended takes its time with it, so a difference of two
     * readings is a lower bound.
     */
    static long nanos(final Collection<Long> pids) throws IOException {
        long total = 0;
        for (final long pid : pids) {
            for (final ThreadCpu.Thread thread : ThreadCpu.of(pid).threads().values()) {
                if (thread.name().startsWith("C1 CompilerThre") || thread.name().startsWith("C2 CompilerThre")) {
                    total += thread.cpuNanos();
                }
            }
        }
        return total;
    }
}
