package io.streamavg.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import io.streamavg.wire.Topics;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

class LinePartitionsTest {

    private static final Node LEADER = new Node(1, "localhost", 9092);

    private static List<PartitionInfo> partitions(final int count, final int... leaderless) {
        return IntStream.range(0, count).mapToObj(partition -> new PartitionInfo(Topics.RAW_LINES, partition,
                IntStream.of(leaderless).anyMatch(p -> p == partition) ? null : LEADER, new Node[0], new Node[0])).toList();
    }

    @Test
    void shouldKeepAThreadOnOnePartitionForATurnThenMoveToTheNext() {
        final LinePartitions lines = new LinePartitions(() -> partitions(3), 100);
        final List<Integer> chosen = new ArrayList<>();
        for (int line = 0; line < 40; line++) {
            chosen.add(lines.next(10));
        }
        // 10 lines of 10 bytes make a turn of 100 bytes.
        assertThat(chosen.subList(0, 10)).containsOnly(0);
        assertThat(chosen.subList(10, 20)).containsOnly(1);
        assertThat(chosen.subList(20, 30)).containsOnly(2);
        assertThat(chosen.subList(30, 40)).containsOnly(0);
    }

    @Test
    void shouldGiveThreadsThatSendAtTheSameTimeDifferentPartitions() throws Exception {
        final LinePartitions lines = new LinePartitions(() -> partitions(4), 1_000);
        final ConcurrentLinkedQueue<Integer> first = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
            threads.add(new Thread(() -> first.add(lines.next(10))));
        }
        threads.forEach(Thread::start);
        for (final Thread thread : threads) {
            thread.join();
        }
        assertThat(first).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    /** However unevenly the threads are loaded, each partition gets turns in turn, so about as many bytes. */
    @Test
    void shouldSpreadTheBytesOfUnevenlyBusyThreadsEvenlyOverThePartitions() throws Exception {
        final int partitionCount = 3;
        final long turn = 4_096;
        final LinePartitions lines = new LinePartitions(() -> partitions(partitionCount), turn);
        final ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            final List<Future<long[]>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                final int lineCount = 20_000 * (thread + 1); // the busiest thread sends four times what the idlest does
                final Callable<long[]> sender = () -> {
                    final long[] bytes = new long[partitionCount];
                    for (int line = 0; line < lineCount; line++) {
                        final int size = 30 + line % 70;
                        bytes[lines.next(size)] += size;
                    }
                    return bytes;
                };
                results.add(threads.submit(sender));
            }
            final long[] total = new long[partitionCount];
            for (final Future<long[]> result : results) {
                final long[] bytes = result.get();
                for (int partition = 0; partition < partitionCount; partition++) {
                    total[partition] += bytes[partition];
                }
            }
            final long all = total[0] + total[1] + total[2];
            // Each partition within a few turns of a third: one unfinished turn per thread, a turn more
            // for a partition handed out once more, and each turn's overshoot of up to one line, as the
            // threads happen to interleave. 1% of a third is about ten turns here; threads on a partition
            // each, or on the producer's one sticky partition, would be megabytes apart.
            for (final long bytes : total) {
                assertThat(Math.abs(bytes - all / partitionCount)).isLessThanOrEqualTo(all / partitionCount / 100);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldPassOverPartitionsWithoutALeader() {
        final LinePartitions lines = new LinePartitions(() -> partitions(3, 1), 10);
        final List<Integer> chosen = new ArrayList<>();
        for (int line = 0; line < 6; line++) {
            chosen.add(lines.next(10));
        }
        assertThat(chosen).containsExactly(0, 2, 0, 2, 0, 2);
    }

    @Test
    void shouldLeaveThePartitionToTheProducerWhileTheTopicIsUnknown() {
        final List<List<PartitionInfo>> known = new ArrayList<>(List.of(List.of()));
        final LinePartitions lines = new LinePartitions(() -> known.get(0), 10);
        assertThat(lines.next(10)).isNull();
        known.set(0, partitions(2));
        // The next line asks again: it does not wait for a turn to end.
        assertThat(lines.next(10)).isEqualTo(0);
    }
}
