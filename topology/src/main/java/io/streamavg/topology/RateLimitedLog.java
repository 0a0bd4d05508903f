package io.streamavg.topology;

import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * At most one log line per window, the others counted and their number given to the next line:
 * what can happen to every record (late lines, a bug) must not flood the log. One per task.
 */
final class RateLimitedLog {

    private final long windowNanos;
    private long nextAt = System.nanoTime();
    private long unlogged;

    RateLimitedLog(final Duration window) {
        this.windowNanos = window.toNanos();
    }

    /** Calls {@code line} with the number of lines left unlogged since the last, unless one was logged within the window. */
    void log(final LongConsumer line) {
        final long now = System.nanoTime();
        if (now - nextAt < 0) {
            unlogged++;
            return;
        }
        nextAt = now + windowNanos;
        line.accept(unlogged);
        unlogged = 0;
    }
}
