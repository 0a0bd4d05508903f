package io.streamavg.bench;

import java.util.Locale;
import java.util.OptionalDouble;

/** The pipeline bench's tables, in Markdown. */
final class PipelineTable {

    private PipelineTable() {
    }

    static String markdown(final PipelineResults results) {
        final StringBuilder out = new StringBuilder();
        out.append("### ").append(benchmark(results.command())).append(", ").append(results.startedAt()).append("\n\n");
        out.append('`').append(results.command()).append("`. ").append(results.machine())
                .append(String.format(Locale.ROOT, " Load average %.2f at the end.", results.loadAverageAtEnd())).append("\n\n");
        if (!results.throughput().isEmpty()) {
            out.append(throughput(results)).append('\n').append(parts(results));
        }
        results.latency().ifPresent(latency -> out.append('\n').append(latency(latency)));
        return out.toString();
    }

    /** "streamavg bench pipeline" or "streamavg bench bridge": the command without its options. */
    static String benchmark(final String command) {
        final int options = command.indexOf(" --");
        return options < 0 ? command : command.substring(0, options);
    }

    static String throughput(final PipelineResults results) {
        final StringBuilder out = new StringBuilder(
                "| run | lines | timed until | s | lines/s | × ProducerPerformance |\n|---|--:|---|--:|--:|--:|\n");
        for (final PipelineResults.Throughput run : results.throughput()) {
            final OptionalDouble ratio = results.ratioToProducerPerf(run);
            out.append("| ").append(run.label())
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", run.lines()))
                    .append(" | ").append(run.until())
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", run.seconds()))
                    .append(" | ").append(String.format(Locale.ROOT, "%,.0f", run.linesPerSecond()))
                    .append(" | ").append(ratio.isPresent() ? String.format(Locale.ROOT, "%.2f", ratio.getAsDouble()) : "–")
                    .append(" |\n");
        }
        return out.toString();
    }

    /** Each part's CPU and memory, run by run. */
    static String parts(final PipelineResults results) {
        final StringBuilder out = new StringBuilder(
                "| run | part | CPU s | of which JIT compilers, s | CPU ms / 1k lines | peak RSS MB | waited for a core, s |\n"
                        + "|---|---|--:|--:|--:|--:|--:|\n");
        for (final PipelineResults.Throughput run : results.throughput()) {
            for (final PipelineResults.Part part : run.parts()) {
                out.append("| ").append(run.id())
                        .append(" | ").append(part.name())
                        .append(" | ").append(String.format(Locale.ROOT, "%.1f", part.cpuNanos() / 1e9))
                        .append(" | ").append(String.format(Locale.ROOT, "%.1f", part.compilerNanos() / 1e9))
                        .append(" | ").append(String.format(Locale.ROOT, "%.2f", part.cpuNanos() / 1e6 / (run.lines() / 1000.0)))
                        .append(" | ").append(String.format(Locale.ROOT, "%,.0f", part.peakRssBytes() / 1048576.0))
                        .append(" | ").append(part.runQueueNanos() < 0 ? "–" : String.format(Locale.ROOT, "%.1f", part.runQueueNanos() / 1e9))
                        .append(" |\n");
            }
        }
        return out.toString();
    }

    static String latency(final PipelineResults.Latency latency) {
        final MarkerLatencies.Summary summary = latency.summary();
        return latencySummary(latency, summary) + (latency.stages().isEmpty() ? "" : "\n" + stages(latency, summary));
    }

    /** Where a marker's time went: when each topic on its way, then SQLite, showed it, counted from its send. */
    static String stages(final PipelineResults.Latency latency, final MarkerLatencies.Summary sqlite) {
        final StringBuilder out = new StringBuilder("| visible on | markers seen | p50 ms | p99 ms | max ms |\n|---|--:|--:|--:|--:|\n");
        for (final PipelineResults.StageLatency stage : latency.stages()) {
            stage.summary().ifPresentOrElse(
                    summary -> out.append(stageRow(stage.name(), summary)),
                    () -> out.append("| ").append(stage.name()).append(" | 0 | – | – | – |\n"));
        }
        out.append(stageRow("SQLite (the sink's transaction)", sqlite));
        latency.commits().ifPresent(commits -> out.append(String.format(Locale.ROOT,
                "%nThe topology's stream threads (Kafka Streams' metrics, last 30–60 s): a commit took %.1f ms on average,"
                        + " %.0f ms at most; %.1f commits a second.%n", commits.avgMillis(), commits.maxMillis(), commits.perSecond())));
        out.append(String.format(Locale.ROOT, "%nMarkers were timed after %.0f s of untimed ones (until the JVMs' JIT compilers went quiet, or"
                + " --latency-warmup); over the window the compilers of every JVM used %.0f%% of a core.%n",
                latency.warmupSeconds(), latency.compilerShare() * 100));
        return out.toString();
    }

    private static String stageRow(final String name, final MarkerLatencies.Summary summary) {
        return String.format(Locale.ROOT, "| %s | %,d | %.0f | %.0f | %.0f |%n", name, summary.markers(),
                summary.p50Nanos() / 1e6, summary.p99Nanos() / 1e6, summary.maxNanos() / 1e6);
    }

    private static String latencySummary(final PipelineResults.Latency latency, final MarkerLatencies.Summary summary) {
        return "| steady load asked | reached SQLite | markers timed | sent / due | sent late | p50 ms | p99 ms | max ms | commit interval ms | poll period ms |\n"
                + "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n"
                + String.format(Locale.ROOT, "| %,d lines/s | %,.0f lines/s | %,d in %.0f s | %,d / %,d | %,d | %.0f | %.0f | %.0f | %d | %.1f |%n",
                        latency.targetRate(), latency.reachedRate(), summary.markers(), latency.windowSeconds(),
                        latency.markersSent(), latency.markersDue(), latency.markersDelayed(),
                        summary.p50Nanos() / 1e6, summary.p99Nanos() / 1e6, summary.maxNanos() / 1e6,
                        latency.commitIntervalMillis(), latency.pollPeriodNanos() / 1e6);
    }
}
