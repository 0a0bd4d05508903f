package io.streamavg.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** The bench's tables, in Markdown. */
final class ResultTable {

    private ResultTable() {
    }

    /** Throughput and cost of each variant, with its ratios to the two baselines of the same run. */
    static String results(final List<RunResult> results) {
        final Optional<RunResult> textbook = find(results, Variant.TEXTBOOK);
        final Optional<RunResult> consumer = find(results, Variant.CONSUMER_PERFORMANCE);
        final StringBuilder out = new StringBuilder(
                "| variant | lines/s (from launch) | × textbook | × ConsumerPerformance | CPU ms / 1k lines | repartition records | changelog records |\n"
                + "|---|--:|--:|--:|--:|--:|--:|\n");
        for (final RunResult result : results) {
            out.append("| ").append(result.variant().label())
                    .append(" | ").append(String.format(Locale.ROOT, "%,.0f", result.linesPerSecond()))
                    .append(" | ").append(ratio(result, textbook))
                    .append(" | ").append(ratio(result, consumer))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", result.cpuMillisPerThousandLines()))
                    .append(" | ").append(count(result.repartitionSent()))
                    .append(" | ").append(count(result.changelogSent()))
                    .append(" |\n");
        }
        return out.toString();
    }

    /** Where each variant's time and CPU went, as far as the bench sees it from outside. */
    static String details(final List<RunResult> results) {
        final StringBuilder out = new StringBuilder(
                "| variant | s from launch | of which start-up | stream threads on a core / waiting for one | CPU s | waited for a core, s | GC ms | broker CPU ms / 1k lines | repartition / changelog end offsets |\n"
                + "|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (final RunResult result : results) {
            final boolean streams = result.variant().kind() != Variant.Kind.CONSUMER_PERFORMANCE;
            out.append("| ").append(result.variant().label())
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", result.seconds()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", result.startupSeconds()))
                    .append(" | ").append(streams ? result.streamThreadShares().stream()
                            .map(ResultTable::shares).collect(Collectors.joining(", ")) : "–")
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", result.cpuNanos() / 1e9))
                    .append(" | ").append(result.runQueueNanos().isPresent()
                            ? String.format(Locale.ROOT, "%.1f", result.runQueueNanos().getAsLong() / 1e9) : "–")
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", result.gcMillis()))
                    .append(" | ").append(result.brokerCpuNanos().isPresent()
                            ? String.format(Locale.ROOT, "%.1f", result.brokerCpuNanos().getAsLong() / 1e6 / (result.lines() / 1000.0)) : "–")
                    .append(" | ").append(streams ? String.format(Locale.ROOT, "%,d / %,d", result.repartitionEnd(), result.changelogEnd()) : "–")
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String shares(final double[] onCoreAndWaiting) {
        return String.format(Locale.ROOT, "%.0f%% / %s", 100 * onCoreAndWaiting[0],
                Double.isNaN(onCoreAndWaiting[1]) ? "?" : String.format(Locale.ROOT, "%.0f%%", 100 * onCoreAndWaiting[1]));
    }

    private static Optional<RunResult> find(final List<RunResult> results, final Variant variant) {
        return results.stream().filter(result -> result.variant() == variant).findFirst();
    }

    private static String ratio(final RunResult result, final Optional<RunResult> baseline) {
        return baseline.map(base -> String.format(Locale.ROOT, "%.2f", result.linesPerSecond() / base.linesPerSecond())).orElse("–");
    }

    private static String count(final OptionalLong records) {
        return records.isPresent() ? String.format(Locale.ROOT, "%,d", records.getAsLong()) : "–";
    }
}
