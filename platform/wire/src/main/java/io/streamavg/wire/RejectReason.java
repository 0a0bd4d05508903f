package io.streamavg.wire;

/** Why a line went to the dead-letter topic; {@link #code()} is the {@link DeadLetterHeaders#REASON} header. */
public enum RejectReason {
    /** A cell that is neither empty nor a finite decimal number. */
    NON_NUMERIC("non-numeric"),
    /** NaN or an infinity, spelled out or overflowing: never averaged. */
    NOT_FINITE("not-finite"),
    /** More cells than the topology's column limit. */
    TOO_MANY_COLUMNS("too-many-columns"),
    /** A quote that is opened and never closed, or text after a closing quote. */
    MALFORMED_QUOTING("malformed-quoting"),
    /** Bytes that are not valid UTF-8. */
    INVALID_UTF8("invalid-utf8"),
    /** Longer than the bridge's line limit; the record holds the line's first bytes only. */
    LINE_TOO_LONG("line-too-long"),
    /**
     * A line with a {@link LineHeaders#SESSION} header that is not a session ID, or without a valid
     * {@link LineHeaders#SEQUENCE}: it cannot be checked against its session's count, so it is not counted.
     */
    MALFORMED_SESSION("malformed-session"),
    /**
     * Not a bad line: the topology failed on the record (a bug, corrupt state) and set it aside
     * rather than stop; the exception is in the {@link DeadLetterHeaders} {@code ERROR_*} headers.
     */
    PROCESSING_ERROR("processing-error");

    private final String code;

    RejectReason(final String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
