package io.streamavg.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a child JVM measured of itself, at the moment every column counted every line (before it
 * closes anything). Times are microseconds since the epoch, comparable with the parent's launch time.
 *
 * @param processingStartMicros when the child started the variant (Kafka Streams' {@code start()})
 * @param doneMicros            when the output first showed every column at the full count
 * @param cpuNanos              CPU time of the whole process up to then, every thread and the GC
 * @param gcMillis              time the collectors report having spent, up to then
 * @param runQueueNanos         time the process's threads were ready to run but waited for a core
 *                              (Linux's schedstat, threads alive at the end); -1 where unknown. On a
 *                              shared machine, what the other processes cost this one
 * @param streamThreadCpuNanos  CPU time of each stream thread, by thread name
 * @param streamThreadWaitNanos time each stream thread waited for a core (as {@code runQueueNanos}; -1 where unknown)
 * @param sentByTopic           records the instance's producers sent, by topic (Kafka's
 *                              {@code producer-topic-metrics} {@code record-send-total})
 */
record ChildReport(long processingStartMicros, long doneMicros, long cpuNanos, long gcMillis,
                   long runQueueNanos, Map<String, Long> streamThreadCpuNanos, Map<String, Long> streamThreadWaitNanos,
                   Map<String, Long> sentByTopic) {

    private static final String THREAD = "thread.";
    private static final String THREAD_WAIT = "thread-wait.";
    private static final String SENT = "sent.";

    /** Writes to a temporary file first, so that the parent, watching for the file, never reads half of it. */
    void writeTo(final Path file) throws IOException {
        final Properties properties = new Properties();
        properties.setProperty("processing-start-micros", Long.toString(processingStartMicros));
        properties.setProperty("done-micros", Long.toString(doneMicros));
        properties.setProperty("cpu-nanos", Long.toString(cpuNanos));
        properties.setProperty("gc-millis", Long.toString(gcMillis));
        properties.setProperty("run-queue-nanos", Long.toString(runQueueNanos));
        streamThreadCpuNanos.forEach((thread, nanos) -> properties.setProperty(THREAD + thread, Long.toString(nanos)));
        streamThreadWaitNanos.forEach((thread, nanos) -> properties.setProperty(THREAD_WAIT + thread, Long.toString(nanos)));
        sentByTopic.forEach((topic, records) -> properties.setProperty(SENT + topic, Long.toString(records)));
        final Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            properties.store(out, null);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    static ChildReport readFrom(final Path file) throws IOException {
        final Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return new ChildReport(longOf(properties, "processing-start-micros"),
                longOf(properties, "done-micros"), longOf(properties, "cpu-nanos"), longOf(properties, "gc-millis"),
                longOf(properties, "run-queue-nanos"),
                prefixed(properties, THREAD), prefixed(properties, THREAD_WAIT), prefixed(properties, SENT));
    }

    /**
     * Each stream thread's time since processing started: the share it ran on a core and the share
     * it was ready but waited for one (NaN where unknown); the rest it was blocked (polling,
     * committing) or idle.
     */
    List<double[]> streamThreadShares() {
        final double window = (doneMicros - processingStartMicros) * 1_000.0;
        return streamThreadCpuNanos.keySet().stream().map(thread -> {
            final long wait = streamThreadWaitNanos.getOrDefault(thread, -1L);
            return new double[] {streamThreadCpuNanos.get(thread) / window, wait < 0 ? Double.NaN : wait / window};
        }).toList();
    }

    private static long longOf(final Properties properties, final String key) {
        return Long.parseLong(properties.getProperty(key));
    }

    private static Map<String, Long> prefixed(final Properties properties, final String prefix) {
        return properties.stringPropertyNames().stream().filter(name -> name.startsWith(prefix))
                .collect(Collectors.toMap(name -> name.substring(prefix.length()),
                        name -> Long.parseLong(properties.getProperty(name)), (a, b) -> a, TreeMap::new));
    }
}
