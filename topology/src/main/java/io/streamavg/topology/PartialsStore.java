package io.streamavg.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The store of a task's partial statistics ({@link TaskPartials}): a logged in-memory key-value
 * store, to which the task's partials, held and changed in memory by {@link LineFolder}, are
 * written once per commit, just before Kafka Streams commits the input offsets, instead of after
 * every line.
 *
 * <p>Writing after every line cost a fifth of the stream thread in the topology bench's profile
 * (encoding the whole vector, then the record cache's serialisation, position tracking and
 * metering: docs/BENCHMARKS.md), to keep, of each commit's thousands of puts, only the last. The
 * moment before a commit is the one that matters for exactly-once: Kafka Streams flushes every
 * store's cache ({@code flushCache}) before it flushes the producer and commits the offsets in
 * the same transaction, so the changelog at every commit holds the partials of exactly the lines
 * before the committed offsets. A task that fails is closed dirty and its processor initialised
 * again from the restored store, so partials in memory but not yet written are never used.
 *
 * <p>That moment is reached through Kafka Streams' internal {@link CachedStateStore} interface,
 * which its own record cache implements; there is no public hook before a commit. Pinned by
 * {@code StatsTopologyTest} (the changelog at each commit of {@code TopologyTestDriver}) and the crash tests against a real
 * broker ({@code CrashRecoveryIT}, {@code TopologyScaleOutIT}): an upgrade of Kafka Streams that
 * changes it fails them.
 */
final class PartialsStore implements StateStore, CachedStateStore<Object, Object> {

    private final KeyValueStore<String, byte[]> inner;
    private TaskPartials attached;
    private Runnable beforeWrite = () -> { };
    private List<String> obsoleteKeys = List.of();

    /** Over {@code inner}, which the caller built (logged, unless for a test of the processor alone). */
    PartialsStore(final KeyValueStore<String, byte[]> inner) {
        this.inner = inner;
    }

    static StoreBuilder<PartialsStore> builder(final String name) {
        return new Builder(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of())
                .withCachingDisabled());
    }

    /**
     * From now on, at each commit {@code beforeWrite} runs first (it may forward and change the
     * partials), then {@code partials} are written to the store when they changed; {@code obsolete}
     * keys (of an earlier format, taken over into {@code partials}) are deleted at the next commit.
     */
    void attach(final TaskPartials partials, final List<String> obsolete, final Runnable beforeWrite) {
        this.attached = partials;
        this.beforeWrite = beforeWrite;
        this.obsoleteKeys = List.copyOf(obsolete);
    }

    void detach() {
        attached = null;
        beforeWrite = () -> { };
    }

    /** Every entry, as the store holds it since the last commit (or restore). */
    KeyValueIterator<String, byte[]> all() {
        return inner.all();
    }

    /**
     * Lets the processor forward its partials, then writes what is left of them if they changed:
     * Kafka Streams calls this before every commit of the task, before it flushes the producer, so
     * what is forwarded and written here is in the commit.
     */
    @Override
    public void flushCache() {
        if (attached != null) {
            beforeWrite.run();
            if (attached.takeChanged()) {
                try {
                    inner.put(TaskPartials.KEY, attached.encode());
                } catch (RuntimeException e) {
                    // Not written: written again at the next attempt, if the task survives.
                    attached.markChanged();
                    throw e;
                }
            }
        }
        if (!obsoleteKeys.isEmpty()) {
            obsoleteKeys.forEach(inner::delete);
            obsoleteKeys = List.of();
        }
    }

    @Override
    public boolean setFlushListener(final CacheFlushListener<Object, Object> listener, final boolean sendOldValues) {
        return false;
    }

    /** Called when a task is closed dirty: nothing to drop here, its processor reads the store again at init. */
    @Override
    public void clearCache() {
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        inner.init(context, root);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
        inner.flush();
    }

    @Override
    public void commit(final Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(final TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public void close() {
        attached = null;
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(final Query<R> query, final PositionBound positionBound, final QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return inner.approximateNumUncommittedBytes();
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    /** The logged in-memory store's builder, its store wrapped. */
    private record Builder(StoreBuilder<KeyValueStore<String, byte[]>> inner) implements StoreBuilder<PartialsStore> {

        @Override
        public StoreBuilder<PartialsStore> withCachingEnabled() {
            throw new UnsupportedOperationException("the partials store writes once per commit by itself: no record cache");
        }

        @Override
        public StoreBuilder<PartialsStore> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<PartialsStore> withLoggingEnabled(final Map<String, String> config) {
            return new Builder(inner.withLoggingEnabled(config));
        }

        @Override
        public StoreBuilder<PartialsStore> withLoggingDisabled() {
            throw new UnsupportedOperationException("the partials store must be logged: exactly-once restores it from its changelog");
        }

        @Override
        public PartialsStore build() {
            return new PartialsStore(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
