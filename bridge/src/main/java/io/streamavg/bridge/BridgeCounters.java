package io.streamavg.bridge;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the bridge has done since it started. Once every send has been answered,
 * {@code received == published + sendFailures}: an over-long line counts in {@code tooLong} and
 * then as published or failed like any other, its record going to the dead-letter topic instead.
 *
 * @param received           lines framed, whatever became of them
 * @param published          records acknowledged by Kafka, on raw-lines or (over-long lines) raw-lines-dlq
 * @param sendFailures       records Kafka did not acknowledge: the line is lost, and was logged
 * @param tooLong            lines over --max-line-bytes, sent to raw-lines-dlq
 * @param connectionsRefused clients closed at once because --max-connections were open
 * @param openConnections    clients connected now
 */
public record BridgeCounters(long received, long published, long sendFailures, long tooLong,
                             long connectionsRefused, int openConnections) {

    /** The live counts, bumped from event loops and producer callbacks without locking. */
    static final class Tally {
        final LongAdder received = new LongAdder();
        final LongAdder published = new LongAdder();
        final LongAdder sendFailures = new LongAdder();
        final LongAdder tooLong = new LongAdder();
        final LongAdder connectionsRefused = new LongAdder();
        final AtomicInteger openConnections = new AtomicInteger();
        final SendFailureLog failureLog = new SendFailureLog();

        BridgeCounters snapshot() {
            return new BridgeCounters(received.sum(), published.sum(), sendFailures.sum(), tooLong.sum(),
                    connectionsRefused.sum(), openConnections.get());
        }
    }
}
