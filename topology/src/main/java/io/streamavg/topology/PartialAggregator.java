package io.streamavg.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds each task's lines into one partial statistic per column and forwards the partials once per
 * {@code interval}, so that the repartition by column carries tasks × columns records per interval
 * instead of lines × columns, and no single column's partition becomes a hot spot. The partials
 * live in a logged store, not a field: under exactly-once a crash between two flushes must not
 * lose lines whose input offsets were already committed.
 */
final class PartialAggregator implements Processor<byte[], ParsedLine, String, RunningStats> {

    private final String storeName;
    private final Duration interval;
    private final List<String> columnNames = new ArrayList<>();
    private ProcessorContext<String, RunningStats> context;
    private KeyValueStore<String, RunningStats> partials;

    PartialAggregator(final String storeName, final Duration interval) {
        this.storeName = storeName;
        this.interval = interval;
    }

    @Override
    public void init(final ProcessorContext<String, RunningStats> context) {
        this.context = context;
        this.partials = context.getStateStore(storeName);
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::flush);
    }

    @Override
    public void process(final Record<byte[], ParsedLine> record) {
        final double[] values = ((ParsedLine.Cells) record.value()).values();
        for (int column = 0; column < values.length; column++) {
            final double value = values[column];
            if (Double.isNaN(value)) {
                continue; // a missing cell, skipped for this column like pandas does
            }
            final String name = columnName(column);
            final RunningStats partial = partials.get(name);
            partials.put(name, partial == null ? RunningStats.of(value) : partial.add(value));
        }
    }

    private void flush(final long now) {
        final List<KeyValue<String, RunningStats>> pending = new ArrayList<>();
        try (KeyValueIterator<String, RunningStats> all = partials.all()) {
            all.forEachRemaining(pending::add);
        }
        for (final KeyValue<String, RunningStats> partial : pending) {
            context.forward(new Record<>(partial.key, partial.value, now));
            partials.delete(partial.key);
        }
    }

    private String columnName(final int column) {
        while (columnNames.size() <= column) {
            columnNames.add(Integer.toString(columnNames.size()));
        }
        return columnNames.get(column);
    }
}
