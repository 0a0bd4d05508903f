package io.streamavg.topology;

import io.streamavg.wire.ColumnStatsSerde;
import io.streamavg.wire.Topics;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The statistics topology:
 * <pre>
 * raw-lines ─▶ parse ─┬─ rejected ─▶ dead-letter headers ─▶ raw-lines-dlq
 *                     └─ cells ─▶ per-task partials (store line-partials, flushed each commit interval)
 *                                  ─▶ repartition by column (column-partials)
 *                                  ─▶ merge into totals (store column-stats) ─▶ column-averages
 * </pre>
 * Every stateful step and internal topic is named here, so that internal names cannot change by accident.
 * A record that a step fails on goes to raw-lines-dlq as well, through {@link DeadLetterOnError}.
 */
public final class StatsTopology {

    /** Per-task partial statistics not yet forwarded; changelogged. */
    public static final String PARTIALS_STORE = "line-partials";
    /** Cumulative statistics per column: what {@code column-averages} is the changelog of. */
    public static final String COLUMN_STATS_STORE = "column-stats";
    static final String PARTIALS_REPARTITION = "column-partials";

    private StatsTopology() {
    }

    /** The topic the totals are merged from: its partitions are those of {@link #COLUMN_STATS_STORE}. */
    static String totalsTopic(final String applicationId) {
        return applicationId + "-" + PARTIALS_REPARTITION + "-repartition";
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
        final NaValues naValues = NaValues.of(config.getList(StatsTopologyConfig.NA_VALUES));
        final Serde<RunningStats> statsSerde = RunningStatsSerde.serde();
        // From the instance's own settings: topology-level ones (e.g. topology.optimization) then apply here too.
        final StreamsBuilder builder = new StreamsBuilder(
                new TopologyConfig(new StreamsConfig(config.streamsProperties())));

        final KStream<byte[], ParsedLine> parsed = builder
                .stream(Topics.RAW_LINES, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-lines-source"))
                .processValues(() -> new ParseProcessor(parsing.apply(new LineParser(delimiter, maxColumns, naValues)::parse), meters),
                        Named.as("parse-line"))
                .filterNot((key, line) -> line instanceof ParsedLine.Blank, Named.as("skip-blank-lines"));

        final FixedKeyProcessorSupplier<byte[], ParsedLine, byte[]> deadLetters = () -> new DeadLetterProcessor(meters);
        final ProcessorSupplier<byte[], ParsedLine, String, RunningStats> partials = new ProcessorSupplier<>() {
            @Override
            public PartialAggregator get() {
                return new PartialAggregator(PARTIALS_STORE, config.commitInterval());
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // Cached: the record cache keeps the latest partial per column and writes the changelog
                // once per commit, so the changelog carries tasks x columns records per commit like the
                // repartition topic; uncached, every line wrote a changelog record per column.
                return Set.of(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PARTIALS_STORE), Serdes.String(), statsSerde)
                        .withLoggingEnabled(Map.of())
                        .withCachingEnabled());
            }
        };

        parsed.split(Named.as("line-"))
                .branch((key, line) -> line instanceof ParsedLine.Rejected, Branched.<byte[], ParsedLine>withConsumer(rejected -> rejected
                        .processValues(deadLetters, Named.as("dead-letter-headers"))
                        .to(Topics.RAW_LINES_DLQ, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-lines-dlq-sink")))
                        .withName("rejected"))
                .defaultBranch(Branched.<byte[], ParsedLine>withConsumer(cells -> cells
                        .process(partials, Named.as("partial-stats"))
                        .repartition(Repartitioned.with(Serdes.String(), statsSerde).withName(PARTIALS_REPARTITION))
                        .groupByKey(Grouped.with("column-totals", Serdes.String(), statsSerde))
                        .reduce(RunningStats::merge, Named.as("merge-partials"),
                                Materialized.<String, RunningStats, KeyValueStore<Bytes, byte[]>>as(COLUMN_STATS_STORE)
                                        .withKeySerde(Serdes.String())
                                        .withValueSerde(statsSerde))
                        .toStream(Named.as("column-stats-changes"))
                        .mapValues((column, stats) -> stats.toColumnStats(column), Named.as("to-column-stats"))
                        .to(Topics.COLUMN_AVERAGES, Produced.with(Serdes.String(), new ColumnStatsSerde()).withName("column-averages-sink")))
                        .withName("cells"));
        return builder.build();
    }
}
