package io.streamavg.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Fixed-size binary form of {@link RunningStats} for the state stores and the repartition topic,
 * which only the topology reads: a version byte, then the seven fields. Smaller and faster than JSON
 * on the hot path, and the version byte leaves room to change it.
 */
final class RunningStatsSerde {

    private static final byte VERSION = 1;
    private static final int SIZE = 1 + 7 * Long.BYTES;

    private RunningStatsSerde() {
    }

    static Serde<RunningStats> serde() {
        return Serdes.serdeFrom(serializer(), deserializer());
    }

    private static Serializer<RunningStats> serializer() {
        return (topic, stats) -> stats == null ? null : ByteBuffer.allocate(SIZE)
                .put(VERSION)
                .putLong(stats.count())
                .putDouble(stats.sum())
                .putDouble(stats.compensation())
                .putDouble(stats.mean())
                .putDouble(stats.m2())
                .putDouble(stats.min())
                .putDouble(stats.max())
                .array();
    }

    private static Deserializer<RunningStats> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length != SIZE || data[0] != VERSION) {
                throw new SerializationException("not running statistics of version " + VERSION + ": "
                        + data.length + " bytes" + (data.length > 0 ? ", version " + data[0] : ""));
            }
            final ByteBuffer buffer = ByteBuffer.wrap(data, 1, SIZE - 1);
            return new RunningStats(buffer.getLong(), buffer.getDouble(), buffer.getDouble(), buffer.getDouble(),
                    buffer.getDouble(), buffer.getDouble(), buffer.getDouble());
        };
    }
}
