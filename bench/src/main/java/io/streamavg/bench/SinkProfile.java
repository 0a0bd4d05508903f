package io.streamavg.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the sink's thread spent the run, from a JFR recording ({@code settings=profile}): its Java
 * samples (every 10 ms while it runs Java code) and native samples (every 20 ms while it is in native
 * code: SQLite, or waiting for the network in the consumer's poll), each by what the stack is doing.
 */
final class SinkProfile {

    /** The thread that owns the consumer and the database, named by SqliteSink. */
    private static final String SINK_THREAD = "streamavg-sink";
    private static final long JAVA_PERIOD_MS = 10;
    private static final long NATIVE_PERIOD_MS = 20;

    private final Map<String, Long> millisByPhase = new LinkedHashMap<>();
    private final Map<String, Long> javaSelfFrames = new TreeMap<>();
    private long otherThreadsJavaSamples;

    private SinkProfile() {
        for (final String phase : List.of("SQLite (SinkDatabase, sqlite-jdbc, native SQLite)", "JSON to statistics (wire serde, Jackson)",
                "Kafka poll: fetch, decompress, records", "Kafka poll: waiting for the network", "folding, offsets, the loop (SqliteSink)")) {
            millisByPhase.put(phase, 0L);
        }
    }

    static SinkProfile read(final Path recording, final long fromMicros, final long toMicros) throws IOException {
        final SinkProfile profile = new SinkProfile();
        final Instant from = Instant.EPOCH.plus(fromMicros, ChronoUnit.MICROS);
        final Instant to = Instant.EPOCH.plus(toMicros, ChronoUnit.MICROS);
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                final RecordedEvent event = file.readEvent();
                final String type = event.getEventType().getName();
                if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")
                        || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
                    continue;
                }
                final var thread = event.getThread("sampledThread");
                final boolean sink = thread != null && SINK_THREAD.equals(thread.getJavaName());
                final boolean java = type.equals("jdk.ExecutionSample");
                if (!sink) {
                    if (java) {
                        profile.otherThreadsJavaSamples++;
                    }
                    continue;
                }
                profile.millisByPhase.merge(phase(event.getStackTrace(), java), java ? JAVA_PERIOD_MS : NATIVE_PERIOD_MS, Long::sum);
                if (java && event.getStackTrace() != null && !event.getStackTrace().getFrames().isEmpty()) {
                    profile.javaSelfFrames.merge(name(event.getStackTrace().getFrames().get(0)), 1L, Long::sum);
                }
            }
        }
        return profile;
    }

    private static String phase(final RecordedStackTrace stack, final boolean java) {
        if (stack == null) {
            return "folding, offsets, the loop (SqliteSink)";
        }
        final List<RecordedFrame> frames = stack.getFrames();
        boolean kafka = false;
        for (final RecordedFrame frame : frames) {
            final String name = name(frame);
            if (name.startsWith("io.streamavg.sink.SinkDatabase") || name.startsWith("org.sqlite.")) {
                return "SQLite (SinkDatabase, sqlite-jdbc, native SQLite)";
            }
            if (name.startsWith("io.streamavg.wire.") || name.startsWith("com.fasterxml.jackson.")) {
                return "JSON to statistics (wire serde, Jackson)";
            }
            kafka |= name.startsWith("org.apache.kafka.");
        }
        if (kafka) {
            return java ? "Kafka poll: fetch, decompress, records" : "Kafka poll: waiting for the network";
        }
        return "folding, offsets, the loop (SqliteSink)";
    }

    private static String name(final RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    /** The table of phases, and the methods most often on top of the thread's Java samples. */
    String markdown(final long updates) {
        final long total = millisByPhase.values().stream().mapToLong(Long::longValue).sum();
        final StringBuilder out = new StringBuilder("| the sink's thread, from its first write to the last | ms (samples × period) | share | µs / update |\n"
                + "|---|--:|--:|--:|\n");
        millisByPhase.forEach((phase, millis) -> out.append(String.format(Locale.ROOT, "| %s | %,d | %.0f%% | %.2f |%n", phase, millis,
                total == 0 ? 0.0 : 100.0 * millis / total, millis * 1000.0 / updates)));
        out.append(String.format(Locale.ROOT, "%nJava samples of the other threads meanwhile: %,d. Methods most often on top of the sink"
                + " thread's Java samples:%n%n", otherThreadsJavaSamples));
        out.append("| method | samples |\n|---|--:|\n");
        javaSelfFrames.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(entry -> out.append("| `").append(entry.getKey()).append("` | ").append(entry.getValue()).append(" |\n"));
        return out.toString();
    }
}
