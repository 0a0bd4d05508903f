package io.streamavg.bridge;

/**
 * The acknowledged mode's count for one connection: lines are numbered 1, 2, … as they are sent,
 * Kafka answers them in any order (they go to different partitions), and {@link #acknowledged()}
 * is the largest N such that lines 1..N are all acknowledged. Called from the connection's event
 * loop (numbering) and the producer's I/O thread (answers), under this object's lock, which
 * only those two contend for.
 */
final class AckWindow {

    private static final int INITIAL = 64;

    private long sent;
    private long acknowledged;
    /** Whether line s, for acknowledged < s <= sent, is acknowledged: slot s % length. */
    private boolean[] done = new boolean[INITIAL];

    /**
     * Continues a resumed session, before its first line here: the client knows its first
     * {@code acknowledged} lines are acknowledged, so the next line is acknowledged + 1 and the
     * count starts there.
     */
    synchronized void resumeAt(final long acknowledged) {
        if (sent != 0) {
            throw new IllegalStateException("a session resumes before its first line, not after " + sent);
        }
        sent = acknowledged;
        this.acknowledged = acknowledged;
    }

    /** Numbers the next line of the session. */
    synchronized long next() {
        sent++;
        if (sent - acknowledged > done.length) {
            grow();
        }
        return sent;
    }

    /** Records that Kafka acknowledged {@code line}; whether {@link #acknowledged()} grew. */
    synchronized boolean answered(final long line) {
        done[slot(line)] = true;
        if (line != acknowledged + 1) {
            return false;
        }
        while (acknowledged < sent && done[slot(acknowledged + 1)]) {
            done[slot(acknowledged + 1)] = false;
            acknowledged++;
        }
        return true;
    }

    synchronized long acknowledged() {
        return acknowledged;
    }

    synchronized long sent() {
        return sent;
    }

    private int slot(final long line) {
        return (int) (line % done.length);
    }

    private void grow() {
        final boolean[] larger = new boolean[done.length * 2];
        for (long line = acknowledged + 1; line < sent; line++) {
            larger[(int) (line % larger.length)] = done[slot(line)];
        }
        done = larger;
    }
}
