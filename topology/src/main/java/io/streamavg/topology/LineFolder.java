package io.streamavg.topology;

import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.LineHeaders;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one processor a raw line goes through in its task: parses it, sends a bad one to the dead-letter
 * sink, and folds a good one into the task's partial statistics ({@link TaskPartials}), which it
 * forwards, one record per column, at each commit of the task: the repartition by column then
 * carries tasks × columns records per commit instead of lines × columns.
 *
 * <p>Exactly-once. The partials are held and changed in memory. At each commit their store
 * ({@link PartialsStore}) has them forwarded and emptied, then writes them, as one value, to its
 * changelog, before Kafka Streams flushes the producer and commits the input offsets in the same
 * transaction. So a commit carries the partials of exactly the lines it commits, and the committed
 * changelog holds what is left (the stream time); a crash neither loses nor doubles a line. The
 * in-memory copy is read back from the store in {@link #init}, which Kafka Streams calls after
 * restoring the store, also when it revives a task after an aborted transaction.
 *
 * <p>Forwarding at the commit rather than from a punctuation is for latency: a punctuation's
 * records wait for the next commit, up to a whole commit interval, before the merge can read them.
 */
final class LineFolder implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(LineFolder.class);
    private static final int MAX_HEADERS = 256;

    private final String storeName;
    private final Function<byte[], ParsedLine> parser;
    private final Function<byte[], ColumnNames> headerParser;
    /** The parsed column-names headers this task met lately, by their bytes: a connection sends the same one with every line. */
    private final Map<ByteBuffer, HeaderSlots> headers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<ByteBuffer, HeaderSlots> eldest) {
            return size() > MAX_HEADERS;
        }
    };
    private final TopologyMeters meters;
    private final String deadLetterChild;
    private final String partialsChild;
    private final String windowPartialsChild;
    private final long windowSize;
    private final long windowGrace;
    private final SessionMarks sessions;
    private final RateLimitedLog lateLog = new RateLimitedLog(Duration.ofSeconds(10));
    private ProcessorContext<Object, Object> context;
    private PartialsStore store;
    private TaskPartials partials;
    private CommitForwarding atCommit;

    /**
     * @param deadLetterChild the name of the sink of rejected lines
     * @param partialsChild the name of the node cumulative partials go to (their repartition by column)
     * @param windowPartialsChild the name of the node window partials go to (their repartition by column)
     * @param sessions the marks of the resumable sessions, checked before a session's line is parsed
     */
    LineFolder(final String storeName, final Duration windowSize, final Duration windowGrace,
               final Function<byte[], ParsedLine> parser, final Function<byte[], ColumnNames> headerParser, final TopologyMeters meters,
               final String deadLetterChild, final String partialsChild, final String windowPartialsChild, final SessionMarks sessions) {
        this.storeName = storeName;
        this.parser = parser;
        this.headerParser = headerParser;
        this.meters = meters;
        this.deadLetterChild = deadLetterChild;
        this.partialsChild = partialsChild;
        this.windowPartialsChild = windowPartialsChild;
        this.windowSize = windowSize.toMillis();
        this.windowGrace = windowGrace.toMillis();
        this.sessions = sessions;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        this.atCommit = CommitForwarding.of(context);
        this.store = context.getStateStore(storeName);
        this.partials = new TaskPartials(windowSize, windowGrace);
        final List<String> oldKeys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                final KeyValue<String, byte[]> entry = all.next();
                if (TaskPartials.KEY.equals(entry.key)) {
                    partials.load(entry.value);
                } else {
                    // The first format: one partial per column, keyed by its name. Taken over, so
                    // that an upgrade loses none of the partials waiting for a flush.
                    partials.mergeUnwindowed(entry.key, RunningStatsSerde.serde().deserializer().deserialize(storeName, entry.value));
                    oldKeys.add(entry.key);
                }
            }
        }
        store.attach(partials, oldKeys, this::flush);
        if (!oldKeys.isEmpty()) {
            LOG.info("Took over {} partial statistics of the previous store format", oldKeys.size());
        }
        sessions.init(context, this::deadLetter);
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final Header session = record.headers().lastHeader(LineHeaders.SESSION);
        if (session != null && !sessions.admit(record, session.value())) {
            return;
        }
        final ParsedLine line = parser.apply(record.value());
        if (line instanceof ParsedLine.Cells cells) {
            final double[] values = cells.values();
            final Header names = record.headers().lastHeader(LineHeaders.COLUMNS);
            final int[] slots;
            if (names == null) {
                slots = partials.positionalSlots(values.length);
            } else {
                final HeaderSlots named = headerSlots(names.value());
                if (named.names.isRejected()) {
                    deadLetter(record, new ParsedLine.Rejected(record.value(), named.names.reason(), named.names.problem()));
                    return;
                }
                slots = named.slots(values.length);
            }
            final boolean late = partials.fold(values, slots, record.timestamp());
            meters.parsed();
            if (late) {
                late(record);
            }
        } else if (line instanceof ParsedLine.Rejected rejected) {
            deadLetter(record, rejected);
        }
    }

    private HeaderSlots headerSlots(final byte[] header) {
        final ByteBuffer key = ByteBuffer.wrap(header == null ? new byte[0] : header);
        HeaderSlots known = headers.get(key);
        if (known == null) {
            known = new HeaderSlots(headerParser.apply(key.array()));
            headers.put(key, known);
        }
        return known;
    }

    /** A header's column names, and the task's slots for them (renewed when the task renumbers its slots). */
    private final class HeaderSlots {

        final ColumnNames names;
        private int[] slots = new int[0];
        private int generation = -1;

        HeaderSlots(final ColumnNames names) {
            this.names = names;
        }

        /** The slot of each of {@code cells} positions: the header's names, then positions. */
        int[] slots(final int cells) {
            if (generation != partials.generation() || slots.length < cells) {
                final String[] given = names.names();
                final int[] positional = partials.positionalSlots(cells);
                slots = new int[Math.max(cells, given.length)];
                for (int position = 0; position < slots.length; position++) {
                    slots[position] = position < given.length ? partials.slot(given[position]) : positional[position];
                }
                generation = partials.generation();
            }
            return slots;
        }
    }

    private void late(final Record<byte[], byte[]> record) {
        meters.late();
        lateLog.log(unlogged -> LOG.warn("A line of {} arrived after its window {} closed (stream time {}, grace {} ms): counted in "
                        + "the cumulative statistics only{}", context.recordMetadata().map(source -> source.topic() + "-" + source.partition()
                        + " offset " + source.offset()).orElse("a task"), Instant.ofEpochMilli(partials.windowStart(record.timestamp())),
                Instant.ofEpochMilli(partials.streamTime()), windowGrace,
                unlogged == 0 ? "" : " (" + unlogged + " more late lines since the last one logged)"));
    }

    private void deadLetter(final Record<byte[], byte[]> record, final ParsedLine.Rejected line) {
        final Headers headers = new RecordHeaders(record.headers().toArray());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REASON, line.reason().code());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.DETAIL, line.detail());
        context.recordMetadata().ifPresent(source ->
                DeadLetterHeaders.putSource(headers, source.topic(), source.partition(), source.offset()));
        meters.rejected(line.reason());
        LOG.debug("Rejected line ({}): {}", line.reason().code(), line.detail());
        context.forward(new Record<Object, Object>(record.key(), line.raw(), record.timestamp(), headers), deadLetterChild);
    }

    /**
     * At a commit of the task: forwards each column's cumulative partial, timestamped now, and each
     * window partial, timestamped with its window's start (the windowed merge places it by that
     * time), then empties the partials, keeping the stream time.
     */
    private void flush() {
        if (partials.isEmpty()) {
            return;
        }
        final long now = context.currentSystemTimeMs();
        atCommit.run(now, () -> {
            partials.cumulative().forEach((column, partial) ->
                    context.forward(new Record<Object, Object>(column, partial, now), partialsChild));
            for (final TaskPartials.WindowPartial partial : partials.windowPartials()) {
                context.forward(new Record<Object, Object>(partial.column(), partial.stats(), partial.windowStart()), windowPartialsChild);
            }
        });
        partials.clear();
    }

    @Override
    public void close() {
        store.detach();
    }
}
