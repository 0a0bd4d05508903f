package io.streamavg.topology;

import io.streamavg.wire.WindowStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Reads the windows of a column from one partition of this instance's
 * {@link StatsTopology#WINDOW_STATS_STORE}; like {@link LocalColumnStats}, only the named partition,
 * so that a moving partition is an error rather than a silently empty answer.
 */
final class LocalWindowStats {

    private LocalWindowStats() {
    }

    /**
     * The windows of {@code column} that overlap [{@code from}, {@code to}), by start; empty when the
     * store holds no window of the column within {@code retention} of {@code now} (a column never seen,
     * or whose windows all expired). The store keeps nothing older than its retention, so the ranges
     * read are cut to it: a read walks the store's time segments one by one, and an unbounded range
     * would walk billions of empty ones.
     */
    static Optional<List<WindowStats>> get(final KafkaStreams streams, final int partition, final String column,
                                           final Instant from, final Instant to, final Duration size, final Duration retention,
                                           final Instant now) {
        final ReadOnlyWindowStore<String, RunningStats> store = streams.store(StoreQueryParameters.fromNameAndType(
                StatsTopology.WINDOW_STATS_STORE, QueryableStoreTypes.<String, RunningStats>windowStore()).withPartition(partition));
        final List<WindowStats> windows = new ArrayList<>();
        // By window start: a window overlaps [from, to) when it starts after from - size and before to.
        // Record timestamps are never negative, and the store refuses negative times.
        final Instant earliest = later(Instant.EPOCH, later(from.minus(size).plusMillis(1), to.minus(retention).minus(size)));
        final Instant latest = to.minusMillis(1);
        if (!earliest.isAfter(latest)) {
            try (WindowStoreIterator<RunningStats> starts = store.fetch(column, earliest, latest)) {
                while (starts.hasNext()) {
                    final KeyValue<Long, RunningStats> window = starts.next();
                    final Instant start = Instant.ofEpochMilli(window.key);
                    windows.add(window.value.toWindowStats(column, start, start.plus(size)));
                }
            }
        }
        if (windows.isEmpty()) {
            try (WindowStoreIterator<RunningStats> any = store.fetch(column, later(Instant.EPOCH, now.minus(retention).minus(size)), now.plus(retention))) {
                if (!any.hasNext()) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(windows);
    }

    private static Instant later(final Instant a, final Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
