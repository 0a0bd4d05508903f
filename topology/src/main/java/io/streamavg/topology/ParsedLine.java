package io.streamavg.topology;

import io.streamavg.wire.RejectReason;

/** What {@link LineParser} makes of one raw line. */
sealed interface ParsedLine {

    /** A line with nothing to count: empty, or only empty cells. */
    record Blank() implements ParsedLine {
    }

    /**
     * The cells of a line by position; a missing (empty) cell is {@link Double#NaN}, which no
     * accepted cell can be, since NaN is rejected as input.
     */
    record Cells(double[] values) implements ParsedLine {
    }

    /** A line that cannot be counted; {@code raw} is the line as received, for the dead-letter topic. */
    record Rejected(byte[] raw, RejectReason reason, String detail) implements ParsedLine {
    }
}
