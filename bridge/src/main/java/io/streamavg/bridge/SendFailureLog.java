package io.streamavg.bridge;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs failed sends without flooding the log: when Kafka is unreachable every pending line fails
 * at once after the delivery timeout, thousands per second. The first failure of each window is
 * logged in full, with how many failed since the last one logged; the rest are only counted (the
 * bridge's counters have them all).
 */
final class SendFailureLog {

    private static final Logger LOG = LoggerFactory.getLogger(SendFailureLog.class);
    static final Duration WINDOW = Duration.ofSeconds(10);

    private final LongSupplier nanoTime;
    private final AtomicLong nextLogAt;
    private final AtomicLong unlogged = new AtomicLong();

    SendFailureLog() {
        this(System::nanoTime);
    }

    SendFailureLog(final LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.nextLogAt = new AtomicLong(nanoTime.getAsLong());
    }

    /** Records a failed send; returns whether this one was logged. */
    boolean failed(final String client, final String topic, final Exception error) {
        final long now = nanoTime.getAsLong();
        final long due = nextLogAt.get();
        if (now - due >= 0 && nextLogAt.compareAndSet(due, now + WINDOW.toNanos())) {
            final long since = unlogged.getAndSet(0);
            LOG.warn("Could not publish a line from {} to {}{}", client, topic,
                    since == 0 ? "" : " (" + since + " more failed sends since the last one logged)", error);
            return true;
        }
        unlogged.incrementAndGet();
        return false;
    }
}
