package io.streamavg.topology;

import io.streamavg.wire.LineHeaders;
import io.streamavg.wire.RejectReason;
import io.streamavg.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The high-water mark of each resumable session a task reads: the highest {@link LineHeaders#SEQUENCE}
 * it counted, and the numbers below it it skipped ({@link SessionMark}), so that a line a client resent
 * after a lost connection, and which had reached Kafka already, is dropped instead of counted twice. A session's lines are keyed by its ID, so they all
 * reach one task, in the order each bridge sent them.
 *
 * <p>Exactly-once: the marks live in a logged store of the task, written with every line, so the
 * changelog commits them in the same transaction as the partials and the input offsets; after a
 * crash a mark says exactly which lines the restored partials hold.
 *
 * <p>Each mark keeps the receipt time (record timestamp) of its session's newest line; a session
 * none of whose lines arrived for the retention, in the time of the lines the task reads (stream
 * time), is forgotten by a punctuation. Lines resent to it after that would be counted again.
 */
final class SessionMarks {

    private static final Logger LOG = LoggerFactory.getLogger(SessionMarks.class);
    /**
     * Gaps kept per session, the newest: each is a line the bridge set aside or a line Kafka refused
     * after a later one; one the client resends after more than this many gaps is dropped as counted.
     */
    static final int MOST_GAPS = 64;
    /** At most this long between purges, in stream time, whatever the retention: a purge reads every mark of the task. */
    private static final long LONGEST_PURGE_INTERVAL = Duration.ofHours(1).toMillis();

    private final String storeName;
    private final long retention;
    private final TopologyMeters meters;
    private final RateLimitedLog gapLog = new RateLimitedLog(Duration.ofSeconds(10));
    private final RateLimitedLog forgottenGapLog = new RateLimitedLog(Duration.ofSeconds(10));
    private KeyValueStore<String, byte[]> store;
    private BiConsumer<Record<byte[], byte[]>, ParsedLine.Rejected> deadLetter;

    SessionMarks(final String storeName, final Duration retention, final TopologyMeters meters) {
        this.storeName = storeName;
        this.retention = retention.toMillis();
        this.meters = meters;
    }

    /** @param deadLetter where a line with a malformed session header goes */
    void init(final ProcessorContext<?, ?> context, final BiConsumer<Record<byte[], byte[]>, ParsedLine.Rejected> deadLetter) {
        this.store = context.getStateStore(storeName);
        this.deadLetter = deadLetter;
        context.schedule(Duration.ofMillis(Math.min(retention, LONGEST_PURGE_INTERVAL)), PunctuationType.STREAM_TIME, this::purge);
    }

    /**
     * Whether the line is to be counted: not when its session already counted its sequence number
     * (dropped, counted as a duplicate) nor when its session headers are malformed (dead-lettered).
     *
     * @param session the value of the record's {@link LineHeaders#SESSION} header
     */
    boolean admit(final Record<byte[], byte[]> record, final byte[] session) {
        if (!LineHeaders.isSessionId(session)) {
            reject(record, "header " + LineHeaders.SESSION + " is not a session ID (1 to " + LineHeaders.MAX_SESSION_ID_LENGTH
                    + " characters of [A-Za-z0-9._-])");
            return false;
        }
        final Header sequenceHeader = record.headers().lastHeader(LineHeaders.SEQUENCE);
        final long sequence = LineHeaders.decodeSequence(sequenceHeader == null ? null : sequenceHeader.value());
        if (sequence < 0) {
            reject(record, sequenceHeader == null ? "header " + LineHeaders.SESSION + " without header " + LineHeaders.SEQUENCE
                    : "header " + LineHeaders.SEQUENCE + " is not a line number (decimal digits, from 1, no leading zero)");
            return false;
        }
        final String id = new String(session, StandardCharsets.US_ASCII);
        final byte[] stored = store.get(id);
        final SessionMark mark = stored == null ? SessionMark.NONE : SessionMark.decode(stored);
        if (mark.counted(sequence)) {
            meters.duplicate();
            LOG.debug("Dropped line {} of session {}: counted already (lines up to {}, but {} gaps)", sequence, id, mark.highest(),
                    mark.gapCount());
            return false;
        }
        if (sequence > mark.highest() + 1) {
            gap(id, mark.highest(), sequence);
        } else if (sequence < mark.highest()) {
            LOG.debug("Line {} of session {} arrived after line {}: counted, in the gap it left", sequence, id, mark.highest());
        }
        SessionMark next = mark.counting(sequence, record.timestamp());
        if (next.gapCount() > MOST_GAPS) {
            next = next.withAtMostGaps(MOST_GAPS);
            forgottenGapLog.log(unlogged -> LOG.warn("Session {} has more than {} gaps: the oldest is forgotten, and a line of it "
                    + "resent later would be dropped as counted{}", id, MOST_GAPS,
                    unlogged == 0 ? "" : " (" + unlogged + " more since the last one logged)"));
        }
        store.put(id, next.encode());
        return true;
    }

    /**
     * Lines not (yet) on raw-lines when a later one of the session arrives: those the bridge set
     * aside (too long, not UTF-8: on raw-lines-dlq, with the session's headers); a line Kafka refused
     * after it had delivered a later one (the bridge then closed the connection, and the client
     * resends from its last ok: the resent line counts, in the gap); or a session forgotten after the
     * retention and resumed.
     */
    private void gap(final String id, final long mark, final long sequence) {
        meters.sessionGap();
        gapLog.log(unlogged -> LOG.warn("Session {} went from line {} to line {}: lines {}..{} are not on {} (set aside by the bridge on "
                        + "raw-lines-dlq; or refused by Kafka, and counted if the client resends them; or the session was idle past --{}){}",
                id, mark, sequence, mark + 1, sequence - 1, Topics.RAW_LINES, StatsTopologyConfig.SESSION_RETENTION,
                unlogged == 0 ? "" : " (" + unlogged + " more gaps since the last one logged)"));
    }

    private void reject(final Record<byte[], byte[]> record, final String detail) {
        deadLetter.accept(record, new ParsedLine.Rejected(record.value(), RejectReason.MALFORMED_SESSION, detail));
    }

    /** Forgets the sessions whose newest line is older than the retention, in stream time. */
    private void purge(final long streamTime) {
        final List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                final KeyValue<String, byte[]> mark = all.next();
                if (SessionMark.lastSeen(mark.value) < streamTime - retention) {
                    expired.add(mark.key);
                }
            }
        }
        // After the iterator is closed: a store need not allow writes under an open iterator.
        expired.forEach(store::delete);
        if (!expired.isEmpty()) {
            meters.sessionsExpired(expired.size());
            LOG.info("Forgot {} resumable session(s) idle for more than {} (stream time {})", expired.size(),
                    Duration.ofMillis(retention), Instant.ofEpochMilli(streamTime));
        }
    }
}
