package io.streamavg.wire;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * The key of a {@link Topics#WINDOW_AVERAGES} record, in JSON, e.g.
 * {@code {"column":"0","windowStart":"2026-11-25T12:00:00Z"}}. The property order is fixed, so the
 * same window always has the same key bytes (log compaction and partitioning depend on it).
 */
@JsonPropertyOrder({"column", "windowStart"})
public record WindowKey(String column, Instant windowStart) {
}
