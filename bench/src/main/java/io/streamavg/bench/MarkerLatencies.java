package io.streamavg.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Send-to-SQLite latencies of marker lines, worked out from when each was sent and what the
 * {@code averages} table showed at each poll. A marker is a line whose only value is in one of
 * the marker columns, so it raises that column's {@code sample_count} by one and touches nothing
 * else. Each marker column holds at most one marker in flight, so a column's count reaching the
 * expected value names exactly one marker, whatever order the pipeline's partitions deliver in.
 * Not thread-safe: the probe calls it from one thread.
 */
final class MarkerLatencies {

    /**
     * One marker waiting to show: its column's count once it does, when it was sent, and when each
     * stage before SQLite first showed it (0: not yet).
     */
    private record InFlight(long expectedCount, long sentNanos, long[] stageNanos) {
    }

    private final List<String> columns;
    private final Map<String, Long> counts = new HashMap<>();
    private final Map<String, InFlight> inFlight = new HashMap<>();
    private final List<Long> latencies = new ArrayList<>();
    private final List<List<Long>> stageLatencies = new ArrayList<>();

    /**
     * @param columns the marker columns' names
     * @param counts  their counts before the first marker (absent: none)
     */
    MarkerLatencies(final List<String> columns, final Map<String, Long> counts) {
        this(columns, counts, 0);
    }

    /** The same, also timing each marker until each of {@code stages} stages before SQLite shows it ({@link StageProbe}). */
    MarkerLatencies(final List<String> columns, final Map<String, Long> counts, final int stages) {
        this.columns = List.copyOf(columns);
        columns.forEach(column -> this.counts.put(column, counts.getOrDefault(column, 0L)));
        for (int stage = 0; stage < stages; stage++) {
            stageLatencies.add(new ArrayList<>());
        }
    }

    /** A column with no marker in flight, if any. */
    Optional<String> freeColumn() {
        return columns.stream().filter(column -> !inFlight.containsKey(column)).findFirst();
    }

    /** A marker was sent in {@code column} at {@code sentNanos} ({@link System#nanoTime()}). */
    void sent(final String column, final long sentNanos) {
        if (!counts.containsKey(column)) {
            throw new IllegalArgumentException("not a marker column: " + column);
        }
        if (inFlight.containsKey(column)) {
            throw new IllegalStateException("column " + column + " already has a marker in flight");
        }
        inFlight.put(column, new InFlight(counts.get(column) + 1, sentNanos, new long[stageLatencies.size()]));
    }

    /**
     * A stage showed a record of {@code column}: the first time since its marker was sent is when
     * that marker reached the stage. A record of a column with no marker in flight is not one of
     * the bench's markers' (none are in flight there), and is ignored.
     */
    void seen(final StageProbe.Seen seen) {
        final InFlight marker = inFlight.get(seen.column());
        if (marker != null && seen.nanos() - marker.sentNanos() >= 0 && marker.stageNanos()[seen.stage()] == 0) {
            marker.stageNanos()[seen.stage()] = seen.nanos();
        }
    }

    /**
     * What a poll saw, read as of {@code polledNanos}, the moment the query began (its snapshot is
     * taken then, so a marker it shows was visible by that moment). A count beyond the expected
     * one, or one that moves without a marker in flight, means a line was counted that the bench
     * did not send, or twice: the run is then not measuring what it claims, and fails.
     */
    void observed(final long polledNanos, final Map<String, Long> seen) {
        for (final String column : columns) {
            final long count = seen.getOrDefault(column, 0L);
            final InFlight marker = inFlight.get(column);
            final long expected = marker == null ? counts.get(column) : marker.expectedCount();
            if (count > expected) {
                throw new IllegalStateException("marker column " + column + " counts " + count + ", expected at most " + expected);
            }
            if (marker != null && count == expected) {
                latencies.add(polledNanos - marker.sentNanos());
                for (int stage = 0; stage < stageLatencies.size(); stage++) {
                    final long reached = marker.stageNanos()[stage];
                    if (reached != 0) {
                        // Seen there no later than in SQLite: a probe polls its topic in its own time.
                        stageLatencies.get(stage).add(Math.min(reached, polledNanos) - marker.sentNanos());
                    }
                }
                counts.put(column, count);
                inFlight.remove(column);
            }
        }
    }

    int inFlight() {
        return inFlight.size();
    }

    /** The latencies measured so far, in nanoseconds, in the order the markers showed. */
    List<Long> latencies() {
        return List.copyOf(latencies);
    }

    /** Per stage, the latencies until it showed each marker, in nanoseconds, of the markers that reached SQLite. */
    List<List<Long>> stageLatencies() {
        return stageLatencies.stream().map(List::copyOf).toList();
    }

    /** Nearest-rank percentiles of the latencies, in nanoseconds. */
    record Summary(int markers, long p50Nanos, long p99Nanos, long maxNanos) {

        static Summary of(final List<Long> latencies) {
            if (latencies.isEmpty()) {
                throw new IllegalStateException("no marker showed: no latency to report");
            }
            final long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Summary(sorted.length, percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]);
        }

        /** The smallest value with at least {@code percent}% of the values at or below it. */
        static long percentile(final long[] sorted, final int percent) {
            final int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
            return sorted[Math.max(rank, 1) - 1];
        }
    }
}
