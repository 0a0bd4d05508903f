package io.streamavg.topology;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of a live query answered without statistics (400, 404, 503): why, and the column
 * asked for when there was one, e.g. {@code {"error":"no statistics for column 'x'","column":"x"}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record QueryError(String error, String column) {
}
