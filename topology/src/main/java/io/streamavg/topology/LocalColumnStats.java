package io.streamavg.topology;

import io.streamavg.wire.ColumnStats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads this instance's {@link StatsTopology#COLUMN_STATS_STORE} store one partition at a time
 * (IQv1, Kafka's stable interactive queries). Kafka Streams refuses a partition that is not an
 * active, running task here with an {@link InvalidStateStoreException}, so a read never returns a
 * partition's statistics from an instance that no longer holds it, nor silently skips one.
 */
final class LocalColumnStats {

    private LocalColumnStats() {
    }

    /** The statistics of {@code column}, which Kafka keeps in {@code partition}; empty when it has none. */
    static Optional<ColumnStats> get(final KafkaStreams streams, final int partition, final String column) {
        return Optional.ofNullable(store(streams, partition).get(column)).map(stats -> stats.toColumnStats(column));
    }

    /** Every column's statistics in {@code partitions}, in no particular order. */
    static List<ColumnStats> read(final KafkaStreams streams, final Collection<Integer> partitions) {
        final List<ColumnStats> found = new ArrayList<>();
        for (final int partition : partitions) {
            // Open iterators pin RocksDB resources and block the store's close during a rebalance.
            try (KeyValueIterator<String, RunningStats> columns = store(streams, partition).all()) {
                columns.forEachRemaining(entry -> found.add(entry.value.toColumnStats(entry.key)));
            }
        }
        return found;
    }

    private static ReadOnlyKeyValueStore<String, RunningStats> store(final KafkaStreams streams, final int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(StatsTopology.COLUMN_STATS_STORE,
                QueryableStoreTypes.<String, RunningStats>keyValueStore()).withPartition(partition));
    }
}
