package io.streamavg.wire;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Header keys of a {@link Topics#RAW_LINES_DLQ} record. The record's value is the rejected line,
 * whole (or, for a line over the bridge's limit, its first bytes; for a processing error past the
 * repartition, the topology's internal record, as {@link #SOURCE_TOPIC} says); the headers say why
 * and where it came from. All values are UTF-8 text.
 */
public final class DeadLetterHeaders {

    /** A {@link RejectReason} code, e.g. {@code non-numeric}. */
    public static final String REASON = "streamavg.reason";
    /** A human-readable explanation naming the column or byte at fault. */
    public static final String DETAIL = "streamavg.detail";
    /** Where the line was read: topic, partition and offset of the raw record. */
    public static final String SOURCE_TOPIC = "streamavg.source.topic";
    public static final String SOURCE_PARTITION = "streamavg.source.partition";
    public static final String SOURCE_OFFSET = "streamavg.source.offset";
    /** For lines the bridge rejected before Kafka: the client's address. */
    public static final String SOURCE_CLIENT = "streamavg.source.client";
    /**
     * For {@link RejectReason#PROCESSING_ERROR}: the exception's class name, its message (absent
     * when it has none) and its stack trace. Kafka Streams' own dead-letter records say the same
     * under {@code __streams.errors.*}, but those names are not public API (they live in an
     * internals package), so streamavg keeps its own prefix.
     */
    public static final String ERROR_EXCEPTION = "streamavg.error.exception";
    public static final String ERROR_MESSAGE = "streamavg.error.message";
    public static final String ERROR_STACKTRACE = "streamavg.error.stacktrace";

    private DeadLetterHeaders() {
    }

    public static void put(final Headers headers, final String key, final String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Where the topology read the record: {@link #SOURCE_TOPIC}, {@link #SOURCE_PARTITION}, {@link #SOURCE_OFFSET}. */
    public static void putSource(final Headers headers, final String topic, final int partition, final long offset) {
        put(headers, SOURCE_TOPIC, topic);
        put(headers, SOURCE_PARTITION, String.valueOf(partition));
        put(headers, SOURCE_OFFSET, String.valueOf(offset));
    }

    /** The header's value as text, or null when absent. */
    public static String get(final Headers headers, final String key) {
        final Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
