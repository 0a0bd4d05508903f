package io.streamavg.bench;

import io.streamavg.wire.Topics;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The baseline: per-column averages as the Kafka Streams documentation would write them. Each line
 * becomes one (column, value) record per cell, re-keyed, so every cell crosses a repartition
 * topic; a default (RocksDB, cached, logged) store keeps count and sum per column. No
 * pre-aggregation, no bad-line handling: the preloaded lines are all valid.
 */
final class TextbookTopology {

    /** Where the textbook topology writes (column, count and sum); the bench creates it. */
    static final String OUTPUT = "bench-textbook-averages";

    private TextbookTopology() {
    }

    /** Its settings as the bench runs it: exactly-once, Kafka Streams' defaults otherwise. */
    static Properties properties(final String applicationId, final String bootstrapServers, final int threads, final Path stateDir) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }

    static Topology build() {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.RAW_LINES, Consumed.with(Serdes.ByteArray(), Serdes.String()))
                .flatMap((key, line) -> {
                    final String[] cells = line.split(",");
                    final List<KeyValue<String, Double>> pairs = new ArrayList<>(cells.length);
                    for (int column = 0; column < cells.length; column++) {
                        pairs.add(KeyValue.pair(Integer.toString(column), Double.parseDouble(cells[column])));
                    }
                    return pairs;
                })
                .groupByKey(Grouped.with(Serdes.String(), Serdes.Double()))
                .aggregate(() -> CountSum.ZERO, (column, value, total) -> total.add(value),
                        Materialized.with(Serdes.String(), CountSum.SERDE))
                .toStream()
                .to(OUTPUT, Produced.with(Serdes.String(), CountSum.SERDE));
        return builder.build();
    }

    /** Count and sum of one column: enough for its average. */
    record CountSum(long count, double sum) {

        static final CountSum ZERO = new CountSum(0, 0);
        static final Serde<CountSum> SERDE = Serdes.serdeFrom(
                (topic, value) -> value == null ? null
                        : ByteBuffer.allocate(2 * Long.BYTES).putLong(value.count).putDouble(value.sum).array(),
                (topic, data) -> {
                    if (data == null) {
                        return null;
                    }
                    if (data.length != 2 * Long.BYTES) {
                        throw new SerializationException("not a count and a sum: " + data.length + " bytes");
                    }
                    final ByteBuffer buffer = ByteBuffer.wrap(data);
                    return new CountSum(buffer.getLong(), buffer.getDouble());
                });

        CountSum add(final double value) {
            return new CountSum(count + 1, sum + value);
        }
    }
}
