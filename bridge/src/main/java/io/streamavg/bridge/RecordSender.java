package io.streamavg.bridge;

import io.streamavg.wire.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands records to the producer without ever waiting, from any event loop. A record the producer
 * cannot queue at once (see {@link PendingSend}) is parked, and one thread of its own sends the
 * parked records again, oldest first, every {@link #RETRY} until the producer takes them; one
 * parked for longer than delivery.timeout.ms fails like a record Kafka never acknowledged. Parked
 * records stay counted in {@link InFlightBytes}, so they hold the clients back like any other.
 */
final class RecordSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordSender.class);
    static final Duration RETRY = Duration.ofMillis(100);

    private record Parked(ProducerRecord<byte[], byte[]> record, PendingSend send) {
    }

    /** What the producer's own sticky partitioner gives a partition before it moves on: batch.size's default. */
    static final long DEFAULT_ROTATE_AFTER_BYTES = 16_384;

    private final Producer<byte[], byte[]> producer;
    private final LinePartitions linePartitions;
    private final Duration giveUpAfter;
    private final BridgeMeters meters;
    private final ConcurrentLinkedQueue<Parked> parked = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ScheduledExecutorService retrier = Executors.newSingleThreadScheduledExecutor(runnable -> {
        final Thread thread = new Thread(runnable, "bridge-parked-sends");
        thread.setDaemon(true);
        return thread;
    });

    RecordSender(final Producer<byte[], byte[]> producer, final Duration giveUpAfter, final BridgeMeters meters) {
        this(producer, giveUpAfter, meters, DEFAULT_ROTATE_AFTER_BYTES);
    }

    /** {@code rotateAfterBytes}: how much of an event loop's unkeyed lines go to one partition before the next (see {@link LinePartitions}). */
    RecordSender(final Producer<byte[], byte[]> producer, final Duration giveUpAfter, final BridgeMeters meters,
                 final long rotateAfterBytes) {
        this.producer = producer;
        this.giveUpAfter = giveUpAfter;
        this.meters = meters;
        this.linePartitions = new LinePartitions(this::rawLinesPartitions, rotateAfterBytes);
    }

    /**
     * The partition of raw-lines for an unkeyed line of {@code size} bytes sent from this thread,
     * or null to leave it to the producer.
     */
    Integer linePartition(final long size) {
        return linePartitions.next(size);
    }

    private List<PartitionInfo> rawLinesPartitions() {
        try {
            // From the producer's metadata, fetched before the first client: this does not wait (max.block.ms 0).
            return producer.partitionsFor(Topics.RAW_LINES);
        } catch (RuntimeException e) {
            return List.of(); // no metadata now: the producer's partitioner chooses, and the send is parked if need be
        }
    }

    void send(final ProducerRecord<byte[], byte[]> record, final PendingSend send) {
        if (!parked.isEmpty() || !sendNow(record, send)) {
            // Behind the parked ones, so that a connection's lines keep their order.
            park(record, send);
        }
    }

    /** Whether the producer took the record (or refused it for good, which answers it). */
    private boolean sendNow(final ProducerRecord<byte[], byte[]> record, final PendingSend send) {
        send.beginAttempt();
        try {
            producer.send(record, send);
        } catch (TimeoutException e) {
            send.onCompletion(null, e); // refused at once, as if reported through the callback
        } catch (RuntimeException e) {
            send.endAttemptRefused();
            send.onCompletion(null, e);
            return true;
        }
        return !send.endAttemptRefused();
    }

    private void park(final ProducerRecord<byte[], byte[]> record, final PendingSend send) {
        if (parked.isEmpty()) {
            LOG.warn("The producer cannot queue records now (no metadata or no buffer space); keeping them and retrying every {} ms",
                    RETRY.toMillis());
        }
        parked.add(new Parked(record, send));
        meters.parked.increment();
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                retrier.schedule(this::drain, RETRY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false); // closed: close() answers what is left
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        Parked head;
        while ((head = parked.peek()) != null) {
            // remove(head), not poll(): close() may be taking records off the queue meanwhile.
            if (sendNow(head.record(), head.send())) {
                parked.remove(head);
            } else if (System.nanoTime() - head.send().createdNanos > giveUpAfter.toNanos()) {
                parked.remove(head);
                head.send().onCompletion(null, new TimeoutException("the producer could not queue the record within "
                        + giveUpAfter.toMillis() + " ms (delivery.timeout.ms): no metadata or no buffer space"));
            } else {
                scheduleDrain();
                return;
            }
        }
        LOG.info("Every kept record is queued in the producer again");
    }

    /** Records still parked fail: the producer is closing and will take none. */
    @Override
    public void close() {
        retrier.shutdownNow();
        Parked left;
        while ((left = parked.poll()) != null) {
            left.send().onCompletion(null, new TimeoutException("the bridge closed before the producer could queue the record"));
        }
    }
}
