package io.streamavg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What Linux says of one process at one moment, read from outside it through {@code /proc}: so
 * that the bench measures every part of the pipeline the same way, whatever runs in it.
 *
 * @param cpuNanos      user and system CPU time of the whole process, every thread that ever ran in
 *                      it included ({@code /proc/PID/stat} fields 14 and 15)
 * @param peakRssBytes  the most resident memory the process ever had ({@code VmHWM} of {@code /proc/PID/status})
 * @param rssBytes      resident memory now ({@code VmRSS})
 * @param runQueueNanos time the process's live threads were ready to run but waited for a core
 *                      (the second figure of each {@code /proc/PID/task/TID/schedstat}); -1 where unknown
 * @param compilerNanos CPU time of its live JIT compiler threads ({@link CompilerCpu}), part of {@code cpuNanos}
 */
record ProcessSample(long cpuNanos, long peakRssBytes, long rssBytes, long runQueueNanos, long compilerNanos) {

    /**
     * Linux reports CPU time in {@code /proc} in clock ticks of {@code USER_HZ}, which the kernel's
     * ABI fixes at 100 on every architecture the JDK runs on; Java cannot ask {@code sysconf}.
     */
    static final long NANOS_PER_TICK = 10_000_000L;

    /** Reads the process now; fails when it is gone (a part that died is an error, not a zero). */
    static ProcessSample of(final long pid) throws IOException {
        final Path proc = Path.of("/proc", Long.toString(pid));
        final String status = Files.readString(proc.resolve("status"));
        return new ProcessSample(cpuNanosOfStat(Files.readString(proc.resolve("stat"))),
                kilobytes(status, "VmHWM") * 1024, kilobytes(status, "VmRSS") * 1024, runQueueNanos(proc),
                CompilerCpu.nanos(java.util.List.of(pid)));
    }

    /** This process. */
    static ProcessSample ofSelf() throws IOException {
        return of(ProcessHandle.current().pid());
    }

    /**
     * User plus system time from a {@code /proc/PID/stat} line. The second field, the command in
     * parentheses, may hold spaces and parentheses itself: fields are counted after its last ')'.
     */
    static long cpuNanosOfStat(final String stat) {
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
    }

    /** A {@code Name:   1234 kB} line of {@code /proc/PID/status}, in kilobytes. */
    static long kilobytes(final String status, final String name) {
        return status.lines().filter(line -> line.startsWith(name + ":")).findFirst()
                .map(line -> Long.parseLong(line.substring(name.length() + 1).trim().split("\\s+")[0]))
                .orElseThrow(() -> new IllegalStateException("no " + name + " in /proc status"));
    }

    /** The run-queue wait of every live thread of the process under {@code proc}; -1 where the system does not say. */
    static long runQueueNanos(final Path proc) {
        final Path tasks = proc.resolve("task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        long total = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (final Path thread : threads.toList()) {
                // A thread that ended since the listing counts for nothing.
                total += Math.max(0, threadRunQueueNanos(thread));
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    /** The second figure of Linux's schedstat of one thread: nanoseconds it was ready to run but waited for a core; -1 if unknown. */
    static long threadRunQueueNanos(final Path task) {
        try {
            return Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split("\\s+")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** What happened between an earlier sample and this one: CPU and run-queue time spent, the peak as of now. */
    ProcessSample since(final ProcessSample earlier) {
        return new ProcessSample(cpuNanos - earlier.cpuNanos, peakRssBytes, rssBytes,
                runQueueNanos < 0 || earlier.runQueueNanos < 0 ? -1 : runQueueNanos - earlier.runQueueNanos,
                // A compiler thread that ended took its time with it: never below zero.
                Math.max(0, compilerNanos - earlier.compilerNanos));
    }
}
