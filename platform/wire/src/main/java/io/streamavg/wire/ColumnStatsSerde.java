package io.streamavg.wire;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** JSON serde of {@link ColumnStats}; null maps to null, so tombstones pass through. */
public final class ColumnStatsSerde implements Serde<ColumnStats>, Serializer<ColumnStats>, Deserializer<ColumnStats> {

    // Unknown fields are tolerated by ColumnStats itself, so every reader of the JSON agrees.
    // JSON has no infinity: an infinite sum is written as the string "Infinity" or "-Infinity" (valid
    // JSON, unlike a bare Infinity token), which is read back as the double. Jackson's default, stated
    // here because the sink and any other reader depend on it.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    @Override
    public byte[] serialize(final String topic, final ColumnStats stats) {
        if (stats == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsBytes(stats);
        } catch (IOException e) {
            throw new SerializationException("cannot write column statistics " + stats + " as JSON", e);
        }
    }

    @Override
    public ColumnStats deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return MAPPER.readValue(data, ColumnStats.class);
        } catch (IOException e) {
            throw new SerializationException("cannot read column statistics from " + data.length + " bytes on " + topic, e);
        }
    }

    @Override
    public Serializer<ColumnStats> serializer() {
        return this;
    }

    @Override
    public Deserializer<ColumnStats> deserializer() {
        return this;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
    }

    @Override
    public void close() {
    }
}
