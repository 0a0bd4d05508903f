package io.streamavg.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one child JVM runs, passed on its command line.
 *
 * @param outputFrom where the output topic ended, per partition, before the run: earlier runs'
 *                   records (already at full counts) lie before it
 * @param report     where the child writes its {@link ChildReport} once every column counts {@code lines}
 */
record ChildSpec(Variant.Kind kind, String bootstrapServers, String inputTopic, long lines, int columns,
                 String applicationId, int threads, Path stateDir, String outputTopic, Map<Integer, Long> outputFrom,
                 Path report, Duration timeout) {

    List<String> toArgs() {
        final List<String> args = new ArrayList<>(List.of(
                "--kind", kind.name(),
                "--bootstrap-servers", bootstrapServers,
                "--input-topic", inputTopic,
                "--lines", Long.toString(lines),
                "--columns", Integer.toString(columns),
                "--application-id", applicationId,
                "--threads", Integer.toString(threads),
                "--state-dir", stateDir.toString(),
                "--output-topic", outputTopic,
                "--output-from", new TreeMap<>(outputFrom).entrySet().stream()
                        .map(entry -> entry.getKey() + ":" + entry.getValue()).collect(Collectors.joining(",")),
                "--report", report.toString(),
                "--timeout", Long.toString(timeout.toSeconds())));
        return args;
    }

    static ChildSpec parse(final String[] args) {
        final Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].substring(2), args[i + 1]);
        }
        final Map<Integer, Long> from = new HashMap<>();
        for (final String entry : options.get("output-from").split(",")) {
            if (!entry.isEmpty()) {
                final String[] parts = entry.split(":");
                from.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
            }
        }
        return new ChildSpec(Variant.Kind.valueOf(options.get("kind")), options.get("bootstrap-servers"),
                options.get("input-topic"), Long.parseLong(options.get("lines")), Integer.parseInt(options.get("columns")),
                options.get("application-id"), Integer.parseInt(options.get("threads")), Path.of(options.get("state-dir")),
                options.get("output-topic"), from, Path.of(options.get("report")),
                Duration.ofSeconds(Long.parseLong(options.get("timeout"))));
    }
}
