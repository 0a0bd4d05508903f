package io.streamavg.wire;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The JSON of every record the pipeline publishes; null maps to null, so tombstones pass through.
 * One mapper for all of them, so that every reader agrees on the rules below.
 */
abstract class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    // JSON has no infinity: an infinite sum is written as the string "Infinity" or "-Infinity" (valid
    // JSON, unlike a bare Infinity token), which is read back as the double. Jackson's default, stated
    // here because the sink and any other reader depend on it. Instants are ISO-8601 text in UTC.
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    /**
     * Made once: {@code MAPPER.readValue(data, type)} resolves the type again on every call, about a
     * microsecond per record, a fifth of the sink's JSON reading in a profile of {@code bench sink}.
     */
    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final String what;

    JsonSerde(final Class<T> type, final String what) {
        this.reader = MAPPER.readerFor(type);
        this.writer = MAPPER.writerFor(type);
        this.what = what;
    }

    @Override
    public byte[] serialize(final String topic, final T value) {
        if (value == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new SerializationException("cannot write " + what + " " + value + " as JSON", e);
        }
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return reader.readValue(data);
        } catch (IOException e) {
            throw new SerializationException("cannot read " + what + " from " + data.length + " bytes on " + topic, e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
    }

    @Override
    public void close() {
    }
}
