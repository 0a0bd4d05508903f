package io.streamavg.topology;

import io.streamavg.wire.ColumnStatsSerde;
import io.streamavg.wire.Topics;
import io.streamavg.wire.WindowKey;
import io.streamavg.wire.WindowKeySerde;
import io.streamavg.wire.WindowStatsSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The statistics topology:
 * <pre>
 * raw-lines ─▶ fold-lines ─┬─ rejected lines, with the reason in headers ─▶ raw-lines-dlq
 *                          ├─ per-task partials, one per column each commit interval
 *                          │    ─▶ repartition by column (column-partials)
 *                          │    ─▶ merge into totals (store column-stats) ─▶ column-averages
 *                          └─ per-task window partials, one per column and window each commit interval
 *                               ─▶ repartition by column (window-partials)
 *                               ─▶ merge per window (store window-stats) ─▶ window-averages
 * fold-lines parses each line and folds it into its task's partials (store line-partials); a line of a
 * resumable session that its session counted already is dropped first (store session-marks, see {@link SessionMarks}).
 * </pre>
 * Every stateful step and internal topic is named here, so that internal names cannot change by accident.
 * A record that a step fails on goes to raw-lines-dlq as well, through {@link DeadLetterOnError}.
 */
public final class StatsTopology {

    /** Per-task partial statistics not yet forwarded; changelogged. */
    public static final String PARTIALS_STORE = "line-partials";
    /** Per resumable session, the highest line number counted and the newest line's time; changelogged. */
    public static final String SESSION_MARKS_STORE = "session-marks";
    /** Cumulative statistics per column: what {@code column-averages} is the changelog of. */
    public static final String COLUMN_STATS_STORE = "column-stats";
    static final String PARTIALS_REPARTITION = "column-partials";
    /** Statistics per column and tumbling window: what {@code window-averages} is the changelog of. */
    public static final String WINDOW_STATS_STORE = "window-stats";
    static final String WINDOW_PARTIALS_REPARTITION = "window-partials";
    static final String WINDOW_PARTIALS_REPARTITION_NODE = WINDOW_PARTIALS_REPARTITION + "-repartition-filter";
    static final String FOLD_LINES = "fold-lines";
    static final String DEAD_LETTER_SINK = "raw-lines-dlq-sink";
    /** The first node of the DSL's repartition (its null-key filter, then the sink): {@link LineFolder} forwards to it by name. */
    static final String PARTIALS_REPARTITION_NODE = PARTIALS_REPARTITION + "-repartition-filter";

    private StatsTopology() {
    }

    /** The topic the totals are merged from: its partitions are those of {@link #COLUMN_STATS_STORE}. */
    public static String totalsTopic(final String applicationId) {
        return applicationId + "-" + PARTIALS_REPARTITION + "-repartition";
    }

    /** The internal topics whose partitions are the merges' tasks: as many as --merge-partitions, and fixed once created. */
    static List<String> mergeTopics(final String applicationId) {
        return List.of(totalsTopic(applicationId), applicationId + "-" + WINDOW_PARTIALS_REPARTITION + "-repartition",
                applicationId + "-" + COLUMN_STATS_STORE + "-changelog", applicationId + "-" + WINDOW_STATS_STORE + "-changelog");
    }

    /**
     * @param meters where the instance counts parsed and rejected lines; shared by its tasks
     */
    public static Topology build(final StatsTopologyConfig config, final TopologyMeters meters) {
        return build(config, meters, UnaryOperator.identity());
    }

    /** The same, with each task's parser wrapped by {@code parsing}: the seam for tests that make a processor fail. */
    static Topology build(final StatsTopologyConfig config, final TopologyMeters meters,
                          final UnaryOperator<Function<byte[], ParsedLine>> parsing) {
        final char delimiter = config.delimiter();
        final int maxColumns = config.getInt(StatsTopologyConfig.MAX_COLUMNS);
        final int mergePartitions = config.getInt(StatsTopologyConfig.MERGE_PARTITIONS);
        final Serde<RunningStats> statsSerde = RunningStatsSerde.serde();
        // From the instance's own settings: topology-level ones (e.g. topology.optimization) then apply here too.
        final StreamsBuilder builder = new StreamsBuilder(
                new TopologyConfig(new StreamsConfig(config.streamsProperties())));

        final NaValues naValues = NaValues.of(config.getList(StatsTopologyConfig.NA_VALUES));
        final ProcessorSupplier<byte[], byte[], Object, Object> folding = new ProcessorSupplier<>() {
            @Override
            public LineFolder get() {
                // One parser per task: parsers keep buffers.
                final LineParser parser = new LineParser(delimiter, maxColumns, naValues);
                return new LineFolder(PARTIALS_STORE, config.windowSize(), config.windowGrace(),
                        parsing.apply(parser::parse), parser::names, meters,
                        DEAD_LETTER_SINK, PARTIALS_REPARTITION_NODE, WINDOW_PARTIALS_REPARTITION_NODE,
                        new SessionMarks(SESSION_MARKS_STORE, config.sessionRetention(), meters));
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(PartialsStore.builder(PARTIALS_STORE),
                        // On disk: one mark per session for the whole retention, which heap need not hold.
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSION_MARKS_STORE), Serdes.String(), Serdes.ByteArray())
                                .withLoggingEnabled(Map.of())
                                .withCachingEnabled());
            }
        };
        // One processor per line; it forwards to its children by name, rejected lines to the
        // dead-letter sink and partials to the repartition, so each stream below is typed by what
        // reaches it.
        final KStream<Object, Object> folded = builder
                .stream(Topics.RAW_LINES, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-lines-source"))
                .process(folding, Named.as(FOLD_LINES));
        StatsTopology.<byte[], byte[]>typed(folded)
                .to(Topics.RAW_LINES_DLQ, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(DEAD_LETTER_SINK));
        StatsTopology.<String, RunningStats>typed(folded)
                .repartition(Repartitioned.with(Serdes.String(), statsSerde).withName(PARTIALS_REPARTITION)
                        .withNumberOfPartitions(mergePartitions))
                .groupByKey(Grouped.with("column-totals", Serdes.String(), statsSerde))
                .reduce(RunningStats::merge, Named.as("merge-partials"),
                        Materialized.<String, RunningStats, KeyValueStore<Bytes, byte[]>>as(COLUMN_STATS_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(statsSerde))
                .toStream(Named.as("column-stats-changes"))
                .mapValues((column, stats) -> stats.toColumnStats(column), Named.as("to-column-stats"))
                .to(Topics.COLUMN_AVERAGES, Produced.with(Serdes.String(), new ColumnStatsSerde()).withName("column-averages-sink"));
        // The merge's stream time is the newest window start any task flushed, which can be ahead of a
        // slower task's own; so its grace is the whole retention, not --window-grace: a partial a task
        // accepted is dropped only if its window is older than the store keeps anyway.
        final Duration size = config.windowSize();
        final Duration retention = config.windowStoreRetention();
        StatsTopology.<String, RunningStats>typed(folded)
                .repartition(Repartitioned.with(Serdes.String(), statsSerde).withName(WINDOW_PARTIALS_REPARTITION)
                        .withNumberOfPartitions(mergePartitions))
                .groupByKey(Grouped.with("window-totals", Serdes.String(), statsSerde))
                .windowedBy(TimeWindows.ofSizeAndGrace(size, retention.minus(size)))
                .reduce(RunningStats::merge, Named.as("merge-window-partials"),
                        Materialized.<String, RunningStats, WindowStore<Bytes, byte[]>>as(WINDOW_STATS_STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(statsSerde)
                                .withRetention(retention))
                .toStream(Named.as("window-stats-changes"))
                .map((window, stats) -> KeyValue.pair(new WindowKey(window.key(), window.window().startTime()),
                        stats == null ? null : stats.toWindowStats(window.key(), window.window().startTime(), window.window().endTime())),
                        Named.as("to-window-stats"))
                .to(Topics.WINDOW_AVERAGES, Produced.with(new WindowKeySerde(), new WindowStatsSerde()).withName("window-averages-sink"));
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    private static <K, V> KStream<K, V> typed(final KStream<Object, Object> stream) {
        return (KStream<K, V>) (KStream<?, ?>) stream;
    }
}
