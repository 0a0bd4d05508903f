package io.streamavg.bridge;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * One record handed to {@link RecordSender}, answered exactly once. A {@link TimeoutException}
 * reported on the sending thread while {@code send} runs is not an answer: the producer, which
 * never waits (max.block.ms 0), could not queue the record at all, for want of metadata (after a
 * rebootstrap while every broker was away) or of buffer space. Such a record is kept and sent
 * again; it is answered once Kafka has acknowledged it or refused it for good.
 */
abstract class PendingSend implements Callback {

    private final AtomicBoolean answered = new AtomicBoolean();
    /** The thread inside {@code send} for this record, or null: only that thread compares equal. */
    private Thread attempting;
    private boolean refusedAtOnce;
    final long createdNanos = System.nanoTime();

    @Override
    public final void onCompletion(final RecordMetadata metadata, final Exception error) {
        if (Thread.currentThread() == attempting && error instanceof TimeoutException) {
            refusedAtOnce = true;
            return;
        }
        if (answered.compareAndSet(false, true)) {
            answered(error);
        }
    }

    /** Kafka's answer, on the producer's I/O thread or wherever the send failed; error null on success. */
    abstract void answered(Exception error);

    void beginAttempt() {
        attempting = Thread.currentThread();
        refusedAtOnce = false;
    }

    /** Ends the attempt on the sending thread; whether the producer refused to queue the record. */
    boolean endAttemptRefused() {
        attempting = null;
        return refusedAtOnce;
    }
}
