package io.streamavg.wire;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Header keys of a {@link Topics#RAW_LINES_DLQ} record. The record's value is the rejected line,
 * whole (or, for a line over the bridge's limit, its first bytes); the headers say why and where
 * it came from. All values are UTF-8 text.
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

    private DeadLetterHeaders() {
    }

    public static void put(final Headers headers, final String key, final String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The header's value as text, or null when absent. */
    public static String get(final Headers headers, final String key) {
        final Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
