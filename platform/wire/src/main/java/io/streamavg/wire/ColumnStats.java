package io.streamavg.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The statistics of one column, as published on {@link Topics#COLUMN_AVERAGES} (key: the column
 * name) in JSON, e.g.
 * {@code {"column":"0","count":3,"sum":12.0,"mean":4.0,"min":1.0,"max":7.0,"stddev":2.449489742783178}}.
 * {@code stddev} is the population standard deviation (pandas {@code std(ddof=0)}).
 * {@code mean}, {@code min}, {@code max} and {@code stddev} are always finite numbers; {@code sum}
 * is too unless the true sum is beyond a double, when it is the JSON string {@code "Infinity"} or
 * {@code "-Infinity"} (the mean is still right). The same JSON is the topology's HTTP answer
 * ({@code GET /averages}). Unknown fields are tolerated, whatever mapper reads it, so that a newer
 * topology can add fields without breaking older readers.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"column", "count", "sum", "mean", "min", "max", "stddev"})
public record ColumnStats(String column, long count, double sum, double mean, double min, double max, double stddev) {
}
