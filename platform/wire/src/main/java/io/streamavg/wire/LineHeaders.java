package io.streamavg.wire;

/**
 * Header keys a {@link Topics#RAW_LINES} record may carry.
 */
public final class LineHeaders {

    /**
     * The column names of the record's line, set by the bridge's header mode: the value is the
     * first line of the client's connection as received (UTF-8, without its line ending or a
     * byte-order mark), to be split into names with the same delimiter and quoting rules as the
     * data lines. Absent, the columns are named by position ({@code "0"}, {@code "1"}, …).
     */
    public static final String COLUMNS = "streamavg.columns";

    private LineHeaders() {
    }
}
