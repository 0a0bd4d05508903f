package io.streamavg.wire;

import java.nio.charset.StandardCharsets;

/**
 * Header keys a {@link Topics#RAW_LINES} record may carry, and the encoding of their values.
 */
public final class LineHeaders {

    /**
     * The column names of the record's line, set by the bridge's header mode: the value is the
     * first line of the client's connection as received (UTF-8, without its line ending or a
     * byte-order mark), to be split into names with the same delimiter and quoting rules as the
     * data lines. Absent, the columns are named by position ({@code "0"}, {@code "1"}, …).
     */
    public static final String COLUMNS = "streamavg.columns";

    /**
     * The resumable session the line belongs to, set by the bridge for a connection opened with
     * {@code session ID N}: the ID as UTF-8 (in fact ASCII), 1 to {@value #MAX_SESSION_ID_LENGTH}
     * characters of {@code [A-Za-z0-9._-]} (see {@link #isSessionId}). The record's key is the same
     * bytes, so that every line of a session, from whichever bridge, lands on one partition. Always
     * together with {@link #SEQUENCE}; a record with this header and without a valid sequence is
     * malformed ({@link RejectReason#MALFORMED_SESSION}).
     */
    public static final String SESSION = "streamavg.session";

    /**
     * The line's number within its {@link #SESSION}, 1 for the session's first line: decimal ASCII
     * digits without sign or leading zero, at most {@value #MAX_SEQUENCE_DIGITS} of them (see
     * {@link #encodeSequence}, {@link #decodeSequence}). Readable as it is by
     * {@code kafka-console-consumer --property print.headers=true}. Ignored without {@link #SESSION}.
     */
    public static final String SEQUENCE = "streamavg.seq";

    public static final int MAX_SESSION_ID_LENGTH = 64;
    /** Enough for any count of lines a session can reach; a long holds every value of this many digits. */
    public static final int MAX_SEQUENCE_DIGITS = 18;

    private LineHeaders() {
    }

    /** Whether {@code id} is a session ID: 1 to 64 of {@code [A-Za-z0-9._-]}. */
    public static boolean isSessionId(final byte[] id) {
        if (id == null || id.length == 0 || id.length > MAX_SESSION_ID_LENGTH) {
            return false;
        }
        for (final byte b : id) {
            final boolean allowed = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '_' || b == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** The {@link #SEQUENCE} value of line {@code sequence} (at least 1). */
    public static byte[] encodeSequence(final long sequence) {
        if (sequence < 1) {
            throw new IllegalArgumentException("a session's lines are numbered from 1, not " + sequence);
        }
        return Long.toString(sequence).getBytes(StandardCharsets.US_ASCII);
    }

    /** The line number a {@link #SEQUENCE} value holds, or -1 when it is not one (absent, empty, 0, signed, leading zero, too long). */
    public static long decodeSequence(final byte[] value) {
        return decodeCount(value, 1);
    }

    /**
     * A count as a client writes it in {@code session ID N}, the same decimal digits as
     * {@link #SEQUENCE} but 0 allowed: the non-negative number {@code value} holds, or -1.
     */
    public static long decodeCount(final byte[] value) {
        return decodeCount(value, 0);
    }

    private static long decodeCount(final byte[] value, final long least) {
        if (value == null || value.length == 0 || value.length > MAX_SEQUENCE_DIGITS || value[0] == '0' && value.length > 1) {
            return -1;
        }
        long number = 0;
        for (final byte digit : value) {
            if (digit < '0' || digit > '9') {
                return -1;
            }
            number = number * 10 + (digit - '0');
        }
        return number < least ? -1 : number;
    }
}
