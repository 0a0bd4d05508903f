package io.streamavg.bridge;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge-wide bound on bytes handed to the producer and not yet answered by Kafka. When they
 * reach {@code --max-bytes-in-flight}, every connection stops reading (TCP then pushes back on the
 * clients); when Kafka's answers bring them down to half of it, every connection reads again. So
 * however many clients write and however slow Kafka is, the producer's buffer never fills and a
 * send never waits for space in it.
 *
 * <p>Sends come from event loops and answers from the producer's I/O thread. Pausing and resuming
 * flip one flag under a lock; each connection then applies the flag as it is when its event loop
 * gets to it, so whatever order the flips' tasks run in, every connection ends on the last one.
 */
final class InFlightBytes {

    private static final Logger LOG = LoggerFactory.getLogger(InFlightBytes.class);

    /**
     * Counted per record beside its key, value and headers: what a record costs in a batch beyond
     * its bytes, so that many tiny lines cannot fill the producer's buffer under the bound.
     */
    static final int RECORD_OVERHEAD = 24;

    private final long limit;
    private final long resumeAt;
    private final ChannelGroup clients;
    private final BridgeMeters meters;
    private final AtomicLong bytes = new AtomicLong();
    private final Object flips = new Object();
    private volatile boolean paused;
    /** Guarded by flips. */
    private long pausedSinceNanos;

    InFlightBytes(final long limit, final ChannelGroup clients, final BridgeMeters meters) {
        this.limit = limit;
        this.resumeAt = limit / 2;
        this.clients = clients;
        this.meters = meters;
        meters.inFlight(bytes, () -> paused);
    }

    /** On {@code channel}'s event loop, before a send of {@code size} bytes. */
    void sending(final Channel channel, final long size) {
        if (bytes.addAndGet(size) >= limit && !paused) {
            flip(true);
        }
        if (paused) {
            // This connection at once: its event loop may otherwise read again before the flip's task runs.
            channel.config().setAutoRead(false);
        }
    }

    /** On the producer's I/O thread (or wherever a send failed), once Kafka answered for {@code size} bytes. */
    void answered(final long size) {
        if (bytes.addAndGet(-size) <= resumeAt && paused) {
            flip(false);
        }
    }

    /** On a new connection's event loop, before it reads: it starts paused while the others are. */
    void accepted(final Channel channel) {
        apply(channel);
    }

    boolean paused() {
        return paused;
    }

    long bytes() {
        return bytes.get();
    }

    private void flip(final boolean pause) {
        synchronized (flips) {
            final long now = bytes.get();
            if (paused == pause || (pause ? now < limit : now > resumeAt)) {
                return; // another thread flipped first, or the count moved back meanwhile
            }
            paused = pause;
            if (pause) {
                pausedSinceNanos = System.nanoTime();
                LOG.info("Pausing every client: {} bytes sent to Kafka are unanswered (--{} {})", now,
                        BridgeConfig.MAX_BYTES_IN_FLIGHT, limit);
            } else {
                final long pausedNanos = System.nanoTime() - pausedSinceNanos;
                meters.pausedSeconds.increment(pausedNanos / 1e9);
                LOG.info("Resuming every client after {} ms paused: {} bytes unanswered", pausedNanos / 1_000_000, now);
            }
        }
        clients.forEach(this::apply);
    }

    private void apply(final Channel channel) {
        if (channel.eventLoop().inEventLoop()) {
            applyNow(channel);
        } else {
            try {
                channel.eventLoop().execute(() -> applyNow(channel));
            } catch (RejectedExecutionException e) {
                // The bridge is shutting down: nothing is read any more.
            }
        }
    }

    private void applyNow(final Channel channel) {
        if (DrainGate.stopped(channel)) {
            return; // the bridge is stopping: what it reads now is discarded, and nothing is sent
        }
        final boolean read = !paused;
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
            if (read) {
                channel.pipeline().fireUserEventTriggered(ReadingResumed.INSTANCE);
            }
        }
    }

    /** Fired on a connection when it reads again after a pause: time paused is not idle time. */
    enum ReadingResumed {
        INSTANCE
    }
}
