package io.streamavg.bridge;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.PartitionInfo;

/**
 * Chooses the partition of unkeyed lines: each event loop writes to one partition of raw-lines at
 * a time and moves on to the next partition handed out after {@code rotateAfterBytes} of its
 * lines. Left to the producer's own sticky partitioner, every event loop appends to the same
 * partition, and they queue on that partition's lock in the producer (and so does the producer's
 * I/O thread, which needs it to send); with a partition each, they rarely meet, and each fills
 * its batches itself. A connection stays on one event loop, so its lines reach each partition in
 * the order it sent them, as with the producer's partitioner. Partitions are handed out in turn
 * from one counter, so over time every partition gets as many chunks, whichever loops are busiest;
 * partitions without a leader are passed over, as the producer's partitioner does.
 */
final class LinePartitions {

    /** The topic's partitions now, or an empty list when the producer has no metadata for it. */
    private final Supplier<List<PartitionInfo>> partitions;
    private final long rotateAfterBytes;
    private final AtomicInteger handedOut = new AtomicInteger();
    private final FastThreadLocal<Sticky> current = new FastThreadLocal<>() {
        @Override
        protected Sticky initialValue() {
            return new Sticky();
        }
    };

    private static final class Sticky {
        private int partition = -1;
        private long bytes;
    }

    LinePartitions(final Supplier<List<PartitionInfo>> partitions, final long rotateAfterBytes) {
        this.partitions = partitions;
        this.rotateAfterBytes = rotateAfterBytes;
    }

    /** The partition for a line of {@code size} bytes sent from this thread; null leaves it to the producer. */
    Integer next(final long size) {
        final Sticky sticky = current.get();
        if (sticky.partition < 0 || sticky.bytes >= rotateAfterBytes) {
            sticky.partition = handOut();
            sticky.bytes = 0;
        }
        sticky.bytes += size;
        return sticky.partition < 0 ? null : sticky.partition;
    }

    /** The next partition in turn that has a leader; -1 when the topic's partitions are not known. */
    private int handOut() {
        final List<PartitionInfo> known = partitions.get();
        if (known.isEmpty()) {
            return -1;
        }
        for (int tries = 0; tries < known.size(); tries++) {
            final PartitionInfo candidate = known.get(Math.floorMod(handedOut.getAndIncrement(), known.size()));
            if (candidate.leader() != null) {
                return candidate.partition();
            }
        }
        // No leader anywhere (the broker is away): any partition; its records wait like all others.
        return known.get(Math.floorMod(handedOut.getAndIncrement(), known.size())).partition();
    }
}
