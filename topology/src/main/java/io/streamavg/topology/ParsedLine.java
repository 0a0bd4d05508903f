package io.streamavg.topology;

import io.streamavg.wire.RejectReason;

/** What {@link LineParser} makes of one raw line. */
sealed interface ParsedLine {

    /** A line with nothing to count: empty, or only missing cells. */
    record Blank() implements ParsedLine {
    }

    /**
     * The cells of a line by position; a missing cell (empty, or an NA token such as {@code NaN})
     * is {@link Double#NaN}, which no number read can be.
     */
    record Cells(double[] values) implements ParsedLine {
    }

    /** A line that cannot be counted; {@code raw} is the line as received, for the dead-letter topic. */
    record Rejected(byte[] raw, RejectReason reason, String detail) implements ParsedLine {
    }
}
