package io.streamavg.topology;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What a task counted of one resumable session: every line up to {@code highest} but those in
 * {@code gaps}, numbers that were skipped when a later line arrived first (a line the bridge set
 * aside, or one Kafka refused after a later one of the session was delivered: the client resends
 * that one, and it must count). {@code lastSeen} is the newest receipt time of its lines.
 *
 * @param gaps inclusive ranges, as from, to, from, to, …, in ascending order, all below highest
 */
record SessionMark(long highest, long lastSeen, long[] gaps) {

    /** A session of which nothing was counted. */
    static final SessionMark NONE = new SessionMark(0, Long.MIN_VALUE, new long[0]);

    /** The first byte of a stored mark: its format, so that a later one can be told apart. */
    private static final byte FORMAT = 1;
    private static final int FIXED = 1 + Long.BYTES + Long.BYTES;

    static SessionMark decode(final byte[] stored) {
        final ByteBuffer buffer = ByteBuffer.wrap(stored);
        if (buffer.get() != FORMAT) {
            throw new IllegalStateException("a session mark of format " + stored[0] + ", not " + FORMAT + ": written by a newer version");
        }
        final long highest = buffer.getLong();
        final long lastSeen = buffer.getLong();
        final long[] gaps = new long[buffer.remaining() / Long.BYTES];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = buffer.getLong();
        }
        return new SessionMark(highest, lastSeen, gaps);
    }

    /** The newest receipt time of a stored mark, without reading the rest. */
    static long lastSeen(final byte[] stored) {
        return ByteBuffer.wrap(stored).getLong(1 + Long.BYTES);
    }

    byte[] encode() {
        final ByteBuffer buffer = ByteBuffer.allocate(FIXED + gaps.length * Long.BYTES).put(FORMAT).putLong(highest).putLong(lastSeen);
        for (final long bound : gaps) {
            buffer.putLong(bound);
        }
        return buffer.array();
    }

    /** Whether line {@code sequence} was counted already. */
    boolean counted(final long sequence) {
        if (sequence > highest) {
            return false;
        }
        for (int i = 0; i < gaps.length; i += 2) {
            if (sequence >= gaps[i] && sequence <= gaps[i + 1]) {
                return false;
            }
        }
        return true;
    }

    int gapCount() {
        return gaps.length / 2;
    }

    /** With line {@code sequence}, not {@link #counted} yet, counted too, received at {@code timestamp}. */
    SessionMark counting(final long sequence, final long timestamp) {
        final long seen = Math.max(lastSeen, timestamp);
        if (sequence > highest) {
            if (sequence == highest + 1) {
                return new SessionMark(sequence, seen, gaps);
            }
            final long[] more = Arrays.copyOf(gaps, gaps.length + 2);
            more[gaps.length] = highest + 1;
            more[gaps.length + 1] = sequence - 1;
            return new SessionMark(sequence, seen, more);
        }
        // Inside a gap: the gap loses that number, and may split in two.
        final long[] fewer = new long[gaps.length + 2];
        int n = 0;
        for (int i = 0; i < gaps.length; i += 2) {
            final long from = gaps[i];
            final long to = gaps[i + 1];
            if (sequence < from || sequence > to) {
                fewer[n++] = from;
                fewer[n++] = to;
                continue;
            }
            if (from < sequence) {
                fewer[n++] = from;
                fewer[n++] = sequence - 1;
            }
            if (sequence < to) {
                fewer[n++] = sequence + 1;
                fewer[n++] = to;
            }
        }
        return new SessionMark(highest, seen, Arrays.copyOf(fewer, n));
    }

    /** Without its oldest gaps beyond {@code most}: their lines would then be dropped as counted. */
    SessionMark withAtMostGaps(final int most) {
        return gapCount() <= most ? this : new SessionMark(highest, lastSeen, Arrays.copyOfRange(gaps, gaps.length - 2 * most, gaps.length));
    }
}
