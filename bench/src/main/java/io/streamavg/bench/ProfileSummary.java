package io.streamavg.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a JFR recording of a project-topology JVM says, over the window from the start of
 * processing to the moment every column was counted: where the stream threads' samples fall
 * (parsing, the per-cell store get/put, Kafka Streams' per-record machinery, polling, commits,
 * punctuation), their hottest methods, the share of each thread, and garbage collection and
 * allocation. A sample is one stack of a thread running Java code, taken every 10 ms (JFR's
 * {@code profile} settings), so shares are shares of Java CPU time, not of wall time; where the
 * threads blocked and sat in native code (the network poll) is summed apart.
 */
final class ProfileSummary {

    private static final Pattern STREAM_THREAD = Pattern.compile(".*-StreamThread-\\d+$");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final int TOP = 15;
    private static final String STORE = "per record: the partials store's get/put (serde, cache, metering)";
    /** JFR's {@code profile} settings sample threads in native code this often. */
    private static final Duration NATIVE_PERIOD = Duration.ofMillis(20);

    private final Map<String, Long> byCategory = new HashMap<>();
    private final Map<String, Long> byMethod = new HashMap<>();
    private final Map<String, Long> inStoreBy = new HashMap<>();
    private final Map<String, Long> byThread = new HashMap<>();
    private final Map<String, Long> allocatedByClass = new HashMap<>();
    private final Map<String, Duration> waitedIn = new HashMap<>();
    private final Map<String, Long> nativeIn = new HashMap<>();
    private final Map<String, Boolean> streamThreads = new HashMap<>();
    private Duration window = Duration.ZERO;
    private long streamThreadSamples;
    private long samples;
    private long gcCount;
    private Duration gcPauses = Duration.ZERO;
    private long allocated;

    /**
     * Reads the recordings of one variant's JVMs (one per instance) over the same window.
     *
     * @param applicationId replaced by {@code <app>} in thread names
     */
    static ProfileSummary read(final List<Path> recordings, final String applicationId, final long fromMicros, final long toMicros)
            throws IOException {
        final ProfileSummary summary = new ProfileSummary();
        final Instant from = Instant.EPOCH.plus(fromMicros, ChronoUnit.MICROS);
        final Instant to = Instant.EPOCH.plus(toMicros, ChronoUnit.MICROS);
        summary.window = Duration.between(from, to);
        for (int i = 0; i < recordings.size(); i++) {
            final String instance = recordings.size() > 1 ? "instance " + (i + 1) + ": " : "";
            try (RecordingFile file = new RecordingFile(recordings.get(i))) {
                while (file.hasMoreEvents()) {
                    final RecordedEvent event = file.readEvent();
                    if (event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
                        continue;
                    }
                    switch (event.getEventType().getName()) {
                        case "jdk.ExecutionSample" -> summary.sample(
                                instance + threadName(event, "sampledThread", applicationId), event.getStackTrace());
                        case "jdk.NativeMethodSample" -> summary.nativeSample(
                                instance + threadName(event, "sampledThread", applicationId), event.getStackTrace());
                        case "jdk.ThreadPark", "jdk.JavaMonitorWait", "jdk.JavaMonitorEnter" -> summary.waited(
                                instance + threadName(event, "eventThread", applicationId), event.getDuration(), event.getStackTrace());
                        case "jdk.GarbageCollection" -> {
                            summary.gcCount++;
                            summary.gcPauses = summary.gcPauses.plus(event.getDuration("sumOfPauses"));
                        }
                        case "jdk.ObjectAllocationSample" -> {
                            final long weight = event.getLong("weight");
                            summary.allocated += weight;
                            summary.allocatedByClass.merge(event.getClass("objectClass").getName(), weight, Long::sum);
                        }
                        default -> {
                        }
                    }
                }
            }
        }
        return summary;
    }

    private static String threadName(final RecordedEvent event, final String field, final String applicationId) {
        final var thread = event.getThread(field);
        final String name = thread == null || thread.getJavaName() == null ? "(unnamed)" : thread.getJavaName();
        return UUID.matcher(name.replace(applicationId, "<app>")).replaceAll("<uuid>");
    }

    private void sample(final String thread, final RecordedStackTrace stack) {
        samples++;
        byThread.merge(thread, 1L, Long::sum);
        if (stack == null || !STREAM_THREAD.matcher(thread).matches()) {
            return;
        }
        streamThreadSamples++;
        streamThreads.put(thread, true);
        final List<RecordedFrame> frames = stack.getFrames();
        final String category = category(frames);
        byCategory.merge(category, 1L, Long::sum);
        if (category.equals(STORE)) {
            inStoreBy.merge(innermostClass(frames), 1L, Long::sum);
        }
        if (!frames.isEmpty()) {
            byMethod.merge(frameName(frames, 0), 1L, Long::sum);
        }
    }

    /**
     * A stream thread blocked (parks and monitor waits; the bench asks JFR for those of 1 ms or
     * more), named by the Kafka client call Kafka Streams made: a transaction's commit, say.
     */
    private void waited(final String thread, final Duration duration, final RecordedStackTrace stack) {
        if (stack != null && STREAM_THREAD.matcher(thread).matches()) {
            waitedIn.merge(kafkaCall(stack.getFrames()), duration, Duration::plus);
        }
    }

    /** A stream thread in native code, mostly waiting in the network poll of a Kafka client. */
    private void nativeSample(final String thread, final RecordedStackTrace stack) {
        if (stack != null && STREAM_THREAD.matcher(thread).matches()) {
            nativeIn.merge(kafkaCall(stack.getFrames()), 1L, Long::sum);
        }
    }

    /** The innermost class of Kafka or of the project on this stack (JDK frames skipped): whose code the sample is in. */
    private static String innermostClass(final List<RecordedFrame> frames) {
        for (int i = 0; i < frames.size(); i++) {
            final String type = className(frames.get(i));
            if (type.startsWith("org.apache.kafka.") || type.startsWith("io.streamavg.")) {
                final String name = frameName(frames, i);
                return name.substring(0, name.indexOf('.'));
            }
        }
        return "(JDK only)";
    }

    /** The call from Kafka Streams into a Kafka client (or the innermost Streams frame) on this stack. */
    private static String kafkaCall(final List<RecordedFrame> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (className(frames.get(i)).startsWith("org.apache.kafka.streams.")) {
                return frameName(frames, i > 0 && className(frames.get(i - 1)).startsWith("org.apache.kafka.") ? i - 1 : i);
            }
        }
        return "(outside Kafka Streams)";
    }

    /** Where a stream thread's sample belongs, by the phase of Kafka Streams' loop it is in, then by the code it runs. */
    static String category(final List<RecordedFrame> frames) {
        if (has(frames, "org.apache.kafka.streams.processor.internals.StreamTask", "process")) {
            return perRecordCategory(frames);
        }
        if (has(frames, "io.streamavg.topology.PartialAggregator", "flush") || has(frames, "io.streamavg.topology.LineFolder", "flush")
                || any(frames, frame -> className(frame).endsWith(".StreamTask") && methodName(frame).contains("unctuate"))) {
            return "punctuation: forwarding each task's partials to the repartition topic";
        }
        if (any(frames, frame -> className(frame).endsWith(".TaskManager") && methodName(frame).startsWith("commit"))
                || has(frames, "org.apache.kafka.streams.processor.internals.StreamThread", "maybeCommit")) {
            return "commit: flushing caches and changelogs, committing the transaction";
        }
        if (any(frames, frame -> className(frame).startsWith("org.apache.kafka.clients.consumer."))) {
            return "poll: fetching, decompressing and queueing records";
        }
        return "other work of the stream thread's loop";
    }

    private static String perRecordCategory(final List<RecordedFrame> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (is(frames.get(i), "io.streamavg.topology.PartialAggregator", "process")
                    || is(frames.get(i), "io.streamavg.topology.LineFolder", "process")) {
                final List<RecordedFrame> inner = frames.subList(0, i);
                if (inner.stream().anyMatch(frame -> className(frame).startsWith("org.apache.kafka.streams.state."))) {
                    return STORE;
                }
                if (inner.stream().anyMatch(frame -> className(frame).startsWith("io.streamavg.topology.LineParser")
                        || className(frame).startsWith("io.streamavg.topology.DecimalText"))) {
                    return "per record: parsing lines (LineParser, DecimalText)";
                }
                if (inner.stream().anyMatch(frame -> is(frame, "io.streamavg.topology.TaskPartials", "encode"))) {
                    return "per record: encoding the task's partials for the store (TaskPartials.encode)";
                }
                if (inner.stream().noneMatch(frame -> className(frame).startsWith("org.apache.kafka."))) {
                    return "per record: statistics arithmetic (RunningStats, TaskPartials.fold, column names)";
                }
            }
        }
        if (any(frames, frame -> className(frame).endsWith(".PartitionGroup") && methodName(frame).equals("readyToProcess"))) {
            return "per record: Kafka Streams' readiness checks of tasks (PartitionGroup.readyToProcess)";
        }
        final String inner = frames.stream().map(ProfileSummary::className)
                .filter(name -> !name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun."))
                .findFirst().orElse("");
        if (inner.startsWith("io.streamavg.topology.LineParser") || inner.startsWith("io.streamavg.topology.ParseProcessor")
                || inner.startsWith("io.streamavg.topology.ParsedLine")) {
            return "per record: parsing lines (LineParser, ParseProcessor)";
        }
        if (inner.startsWith("io.micrometer.")) {
            return "per record: the topology's meters (Micrometer)";
        }
        if (inner.startsWith("io.streamavg.")) {
            return "per record: the topology's other code (filter and branch predicates, dead letters)";
        }
        if (any(frames, frame -> className(frame).contains("KStreamReduce"))) {
            return "per record: merging partials into the totals (column-stats)";
        }
        if (inner.startsWith("org.apache.kafka.clients.producer.") || inner.startsWith("org.apache.kafka.common.")) {
            return "per record: producing and Kafka's common code (metrics, headers, serialisation)";
        }
        return "per record: Kafka Streams' machinery (record queues, forwarding between processors, timestamps, metrics)";
    }

    /** The Markdown section of this summary. */
    String markdown(final long lines) {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%,d samples over the processing window, %,d (%s) of them on stream threads.%n%n",
                samples, streamThreadSamples, percent(streamThreadSamples, samples)));
        out.append("| stream threads' samples by what they were doing | share |\n|---|---|\n");
        sorted(byCategory, byCategory.size()).forEach((category, count) ->
                out.append("| ").append(category).append(" | ").append(percent(count, streamThreadSamples)).append(" |\n"));
        final Duration threadTime = window.multipliedBy(Math.max(1, streamThreads.size()));
        final String share = String.format(Locale.ROOT, "share of %d thread(s) × %.1f s", streamThreads.size(), window.toMillis() / 1e3);
        out.append("\n| where stream threads blocked (parks and monitor waits ≥ 1 ms), by the Kafka call | s | ").append(share)
                .append(" |\n|---|--:|--:|\n");
        waitedIn.entrySet().stream().sorted(Map.Entry.<String, Duration>comparingByValue().reversed()).limit(8)
                .forEach(entry -> out.append("| `").append(entry.getKey()).append("` | ")
                        .append(String.format(Locale.ROOT, "%.1f", entry.getValue().toMillis() / 1e3)).append(" | ")
                        .append(percent(entry.getValue().toMillis(), threadTime.toMillis())).append(" |\n"));
        out.append("\n| where stream threads were in native code (sampled every 20 ms), by the Kafka call | ≈ s | ").append(share)
                .append(" |\n|---|--:|--:|\n");
        sorted(nativeIn, 8).forEach((call, count) -> out.append("| `").append(call).append("` | ")
                .append(String.format(Locale.ROOT, "%.1f", count * NATIVE_PERIOD.toMillis() / 1e3)).append(" | ")
                .append(percent(count * NATIVE_PERIOD.toMillis(), threadTime.toMillis())).append(" |\n"));
        final long inStore = byCategory.getOrDefault(STORE, 0L);
        out.append("\n| the per-cell store get/put, by the innermost Kafka or project class | share of stream threads' samples |\n|---|---|\n");
        sorted(inStoreBy, 10).forEach((type, count) ->
                out.append("| `").append(type).append("` | ").append(percent(count, streamThreadSamples)).append(" |\n"));
        out.append("| all of it | ").append(percent(inStore, streamThreadSamples)).append(" |\n");
        out.append("\n| hottest methods on stream threads (self) | share |\n|---|---|\n");
        sorted(byMethod, TOP).forEach((method, count) ->
                out.append("| `").append(method).append("` | ").append(percent(count, streamThreadSamples)).append(" |\n"));
        out.append("\n| thread | share of all samples |\n|---|---|\n");
        sorted(byThread, 10).forEach((thread, count) ->
                out.append("| `").append(thread).append("` | ").append(percent(count, samples)).append(" |\n"));
        out.append(String.format(Locale.ROOT, "%nGC: %d collections, %,d ms of pauses. Allocation (JFR's sampled estimate): %,d MB, "
                + "%,d bytes per line; most by ", gcCount, gcPauses.toMillis(), allocated / 1_000_000, allocated / Math.max(1, lines)));
        final StringBuilder classes = new StringBuilder();
        sorted(allocatedByClass, 5).forEach((type, bytes) -> classes.append(classes.length() == 0 ? "" : ", ")
                .append('`').append(type).append("` ").append(percent(bytes, allocated)));
        out.append(classes).append(".\n");
        return out.toString();
    }

    private static Map<String, Long> sorted(final Map<String, Long> counts, final int limit) {
        final Map<String, Long> top = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(entry -> top.put(entry.getKey(), entry.getValue()));
        return top;
    }

    private static String percent(final long part, final long whole) {
        return whole == 0 ? "–" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static boolean has(final List<RecordedFrame> frames, final String type, final String method) {
        return any(frames, frame -> is(frame, type, method));
    }

    private static boolean is(final RecordedFrame frame, final String type, final String method) {
        return className(frame).equals(type) && methodName(frame).equals(method);
    }

    private static boolean any(final List<RecordedFrame> frames, final Predicate<RecordedFrame> test) {
        return frames.stream().anyMatch(test);
    }

    private static String className(final RecordedFrame frame) {
        return frame.getMethod() == null ? "" : frame.getMethod().getType().getName();
    }

    private static String methodName(final RecordedFrame frame) {
        return frame.getMethod() == null ? "" : frame.getMethod().getName();
    }

    /**
     * {@code Class.method} of frame {@code i}, without the package. JFR names a lambda's generated
     * class unreliably (another class's lambda, a number for the method), so a lambda is named after
     * its caller: {@code Position.withComponent (lambda)}.
     */
    private static String frameName(final List<RecordedFrame> frames, final int i) {
        final RecordedFrame frame = frames.get(i);
        if (frame.getMethod() != null && (frame.getMethod().isHidden() || className(frame).contains("$$Lambda"))) {
            return i + 1 < frames.size() ? frameName(frames, i + 1) + " (lambda)" : "(lambda)";
        }
        final String type = className(frame);
        return type.substring(type.lastIndexOf('.') + 1) + "." + methodName(frame);
    }
}
