package io.streamavg.bench;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything one {@code streamavg bench pipeline} measured, for the tables and the JSON.
 *
 * @param command    the command line, for the record
 * @param machine    the machine and the load average at the start
 * @param startedAt  ISO-8601 UTC minute the bench started
 * @param loadAverageAtEnd the one-minute load average when the last run ended: the machine is shared
 * @param throughput the throughput runs in the order made
 * @param latency    the latency run, if made
 */
record PipelineResults(String command, String machine, String startedAt, double loadAverageAtEnd,
                       List<Throughput> throughput, Optional<Latency> latency) {

    /** The ceiling row's id. */
    static final String PRODUCER_PERF = "producer-perf";

    /**
     * One part's cost over a run.
     *
     * @param cpuNanos      CPU time the part spent during the run (the short-lived children: from their launch)
     * @param peakRssBytes  its highest resident memory since it started, as of the end of the run
     * @param runQueueNanos time its threads waited for a core during the run; -1 where unknown
     * @param compilerNanos of {@code cpuNanos}, what its JIT compilers spent
     */
    record Part(String name, long cpuNanos, long peakRssBytes, long runQueueNanos, long compilerNanos) {

        static Part of(final String name, final ProcessSample spent) {
            return new Part(name, spent.cpuNanos(), spent.peakRssBytes(), spent.runQueueNanos(), spent.compilerNanos());
        }
    }

    /**
     * One throughput run.
     *
     * @param until what ended the timing: "SQLite" (every column's sample_count), the textbook's
     *              output topic, or ProducerPerformance's own measure (first send to last acknowledgement)
     */
    record Throughput(String id, String label, long lines, double seconds, String until, List<Part> parts) {

        double linesPerSecond() {
            return lines / seconds;
        }
    }

    /**
     * The latency run.
     *
     * @param targetRate        lines/s of the steady load asked for
     * @param reachedRate       lines/s by which column 0's count grew in SQLite over the marker window
     * @param markersDue        markers the window had room for at the marker rate
     * @param markersSent       markers sent (each timed); fewer than due when every marker column
     *                          had one in flight, that is when latency exceeded 64 marker periods
     * @param markersDelayed    markers sent late because every marker column had one in flight
     * @param latenciesNanos    send-to-SQLite latency of every marker, in the order they showed
     * @param pollPeriodNanos   mean time between the starts of two polls: a latency is late by at most this
     * @param commitIntervalMillis the topology's commit interval
     * @param stages            the topics before SQLite, in the order a marker crosses them, and
     *                          how long after its send each showed it
     * @param commits           the topology's commits at the end of the window, as its own metrics have them
     * @param warmupSeconds     how long the untimed marker runs before the window went on
     * @param compilerShare     the JIT compilers of every JVM of the run, in cores, over the window
     */
    record Latency(long targetRate, double reachedRate, int markersDue, int markersSent, int markersDelayed, List<Long> latenciesNanos,
                   double pollPeriodNanos, int commitIntervalMillis, double windowSeconds, List<StageLatency> stages,
                   Optional<StreamThreadCommits> commits, double warmupSeconds, double compilerShare) {

        MarkerLatencies.Summary summary() {
            return MarkerLatencies.Summary.of(latenciesNanos);
        }
    }

    /**
     * How long after their send the markers that reached SQLite showed on one topic before it.
     *
     * @param latenciesNanos one per marker the stage's probe saw (fewer than the markers timed if it missed some)
     */
    record StageLatency(String name, List<Long> latenciesNanos) {

        Optional<MarkerLatencies.Summary> summary() {
            return latenciesNanos.isEmpty() ? Optional.empty() : Optional.of(MarkerLatencies.Summary.of(latenciesNanos));
        }
    }

    /** A run's rate over ProducerPerformance's in this same invocation, if it ran. */
    OptionalDouble ratioToProducerPerf(final Throughput run) {
        return throughput.stream().filter(other -> other.id().equals(PRODUCER_PERF)).findFirst()
                .map(ceiling -> OptionalDouble.of(run.linesPerSecond() / ceiling.linesPerSecond())).orElse(OptionalDouble.empty());
    }
}
