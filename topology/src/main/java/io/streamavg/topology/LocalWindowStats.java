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

    private static final Instant EARLIEST = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant LATEST = Instant.ofEpochMilli(Long.MAX_VALUE);

    private LocalWindowStats() {
    }

    /**
     * The windows of {@code column} that overlap [{@code from}, {@code to}), by start; empty when the
     * store holds no window of the column at all (a column never seen, or whose windows all expired).
     */
    static Optional<List<WindowStats>> get(final KafkaStreams streams, final int partition, final String column,
                                           final Instant from, final Instant to, final Duration size) {
        final ReadOnlyWindowStore<String, RunningStats> store = streams.store(StoreQueryParameters.fromNameAndType(
                StatsTopology.WINDOW_STATS_STORE, QueryableStoreTypes.<String, RunningStats>windowStore()).withPartition(partition));
        final List<WindowStats> windows = new ArrayList<>();
        // By window start: a window overlaps [from, to) when it starts after from - size and before to.
        try (WindowStoreIterator<RunningStats> starts = store.fetch(column, from.minus(size).plusMillis(1), to.minusMillis(1))) {
            while (starts.hasNext()) {
                final KeyValue<Long, RunningStats> window = starts.next();
                final Instant start = Instant.ofEpochMilli(window.key);
                windows.add(window.value.toWindowStats(column, start, start.plus(size)));
            }
        }
        if (windows.isEmpty()) {
            try (WindowStoreIterator<RunningStats> any = store.fetch(column, EARLIEST, LATEST)) {
                if (!any.hasNext()) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(windows);
    }
}
