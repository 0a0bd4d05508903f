package io.streamavg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time of each live thread of a process at one moment, read through
 * {@code /proc/PID/task}, by thread id: what an idle process spends its time on, from outside it.
 * Linux keeps the first 15 bytes of a Java thread's name ({@code comm}), enough to tell Kafka's
 * threads apart ({@code data-plane-kafk}, {@code kafka-coordinat}, {@code ExpirationReape}).
 */
record ThreadCpu(Map<Long, Thread> threads) {

    /** One thread: its name as Linux keeps it and its user plus system time. */
    record Thread(String name, long cpuNanos) {
    }

    /** Threads of one name, and the CPU they spent over a window. */
    record Group(String name, int threads, long cpuNanos) {
    }

    static ThreadCpu of(final long pid) throws IOException {
        final Map<Long, Thread> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (final Path task : tasks.toList()) {
                try {
                    threads.put(Long.parseLong(task.getFileName().toString()), new Thread(Files.readString(task.resolve("comm")).strip(),
                            ProcessSample.cpuNanosOfStat(Files.readString(task.resolve("stat")))));
                } catch (IOException e) {
                    // The thread ended since the listing: it counts for nothing.
                }
            }
        }
        return new ThreadCpu(Map.copyOf(threads));
    }

    /**
     * The CPU each name's threads spent since {@code earlier}, the busiest first: threads that
     * started since count from zero, threads that ended since are gone from both ends' view.
     */
    List<Group> since(final ThreadCpu earlier) {
        final Map<String, long[]> byName = new HashMap<>();
        threads.forEach((tid, thread) -> {
            final Thread before = earlier.threads.get(tid);
            final long spent = thread.cpuNanos - (before == null ? 0 : before.cpuNanos);
            final long[] sum = byName.computeIfAbsent(thread.name, name -> new long[2]);
            sum[0]++;
            sum[1] += spent;
        });
        final List<Group> groups = new ArrayList<>();
        byName.forEach((name, sum) -> groups.add(new Group(name, (int) sum[0], sum[1])));
        groups.sort(Comparator.comparingLong(Group::cpuNanos).reversed().thenComparing(Group::name));
        return groups;
    }
}
