package io.streamavg.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One variant's run: its children's reports and what the bench saw around them.
 *
 * @param launchMicros      when the bench launched the (first) child JVM
 * @param brokerCpuNanos    CPU time of the bench's own JVM, which holds the in-process broker, from
 *                          launch until every child had reported; empty on an external cluster
 * @param repartitionEnd    sum of the end offsets of the variant's repartition topics after its
 *                          JVMs exited: records, plus one transaction marker per partition and commit
 * @param changelogEnd      the same for its changelog topics
 * @param recordings        the children's JFR recordings, when the bench took them
 */
record RunResult(Variant variant, String applicationId, long lines, long launchMicros, List<ChildReport> reports,
                 OptionalLong brokerCpuNanos, long repartitionEnd, long changelogEnd, List<Path> recordings) {

    /** From launch until the last instance saw every column at the full count. */
    double seconds() {
        return (reports.stream().mapToLong(ChildReport::doneMicros).max().orElseThrow() - launchMicros) / 1e6;
    }

    /** From launch until the first instance started the variant: JVM start, class loading, settings. */
    double startupSeconds() {
        return (reports.stream().mapToLong(ChildReport::processingStartMicros).min().orElseThrow() - launchMicros) / 1e6;
    }

    double linesPerSecond() {
        return lines / seconds();
    }

    /** CPU time of the variant's JVMs, all threads and the collectors, up to the end of counting. */
    long cpuNanos() {
        return reports.stream().mapToLong(ChildReport::cpuNanos).sum();
    }

    double cpuMillisPerThousandLines() {
        return cpuNanos() / 1e6 / (lines / 1000.0);
    }

    OptionalLong repartitionSent() {
        return sentTo("-repartition");
    }

    OptionalLong changelogSent() {
        return sentTo("-changelog");
    }

    private OptionalLong sentTo(final String suffix) {
        if (variant.kind() == Variant.Kind.CONSUMER_PERFORMANCE) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(reports.stream().flatMap(report -> report.sentByTopic().entrySet().stream())
                .filter(entry -> entry.getKey().endsWith(suffix)).mapToLong(Map.Entry::getValue).sum());
    }

    /** Time the variant's threads waited for a core; empty where the system does not say. */
    OptionalLong runQueueNanos() {
        return reports.stream().anyMatch(report -> report.runQueueNanos() < 0) ? OptionalLong.empty()
                : OptionalLong.of(reports.stream().mapToLong(ChildReport::runQueueNanos).sum());
    }

    long gcMillis() {
        return reports.stream().mapToLong(ChildReport::gcMillis).sum();
    }

    /** Each stream thread's shares of the processing window on a core and waiting for one, instance by instance. */
    List<double[]> streamThreadShares() {
        return reports.stream().flatMap(report -> report.streamThreadShares().stream()).toList();
    }
}
