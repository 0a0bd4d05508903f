package io.streamavg.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * The statistics of one column in one tumbling window, as published on
 * {@link Topics#WINDOW_AVERAGES} (key: {@link WindowKey}) in JSON, e.g.
 * {@code {"column":"0","windowStart":"2026-11-25T12:00:00Z","windowEnd":"2026-11-25T12:01:00Z","count":3,"sum":12.0,"mean":4.0,"min":1.0,"max":7.0,"stddev":2.449489742783178}}.
 * The window holds the lines whose record timestamp (the bridge's receipt time) is at or after
 * {@code windowStart} and before {@code windowEnd}. The statistics follow the rules of
 * {@link ColumnStats}. The same JSON is the topology's HTTP answer ({@code GET /windows/{column}}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"column", "windowStart", "windowEnd", "count", "sum", "mean", "min", "max", "stddev"})
public record WindowStats(String column, Instant windowStart, Instant windowEnd, long count, double sum, double mean,
                          double min, double max, double stddev) {

    public WindowKey key() {
        return new WindowKey(column, windowStart);
    }
}
