package io.streamavg.topology;

import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.RejectReason;
import io.streamavg.wire.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net under the topology, for bugs rather than bad lines (those are data, rejected with
 * their own reasons by the parser and {@link DeadLetterProcessor}). A record that makes a processor
 * throw, or that cannot be read back from the internal repartition topic, would otherwise stop the
 * stream thread; restarted, the instance would meet the same record again, and so would every
 * instance its task moved to. Instead the record goes, as it was read from its source topic, to
 * raw-lines-dlq with reason {@code processing-error} and the exception in headers, is counted and
 * logged, and the task goes on with the next record.
 *
 * <p>Exactly once: the handler only returns the dead-letter record; Kafka Streams 4.4 sends it
 * (ProcessorNode.process and RecordDeserializer hand a {@code Response}'s records to the failing
 * task's {@code RecordCollector.send}) through the same StreamsProducer as the task's other output,
 * which under exactly_once_v2 first begins or joins the open transaction that will also carry the
 * task's input offsets. The dead-letter record therefore commits or aborts together with the offset
 * it stands for: after a crash the record is read again, fails and is set aside again, and a
 * read_committed reader of raw-lines-dlq sees it once.
 *
 * <p>Kafka Streams creates the handler itself, one per task, and configures it with the settings
 * the instance was created with; so the instance's meters come in those settings, under
 * {@link #METERS_CONFIG}, as Kafka Streams hands its own partition assignor an object through the
 * consumer's settings ({@code StreamsConfig.InternalConfig.REFERENCE_CONTAINER_PARTITION_ASSIGNOR}).
 * Unlike a static registry, this keeps two instances in one JVM (tests, {@code local}) apart.
 */
public final class DeadLetterOnError implements ProcessingExceptionHandler, DeserializationExceptionHandler {

    /** Not a Kafka setting: the instance's {@link TopologyMeters}, in the settings passed to {@code KafkaStreams}. */
    static final String METERS_CONFIG = "streamavg.topology.meters";
    private static final Duration LOG_WINDOW = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterOnError.class);

    private TopologyMeters meters;
    private long nextLogAt = System.nanoTime();
    private long unlogged;

    @Override
    public void configure(final Map<String, ?> configs) {
        final Object given = configs.get(METERS_CONFIG);
        if (!(given instanceof TopologyMeters instanceMeters)) {
            throw new ConfigException(METERS_CONFIG, given, "must hold the instance's TopologyMeters for "
                    + DeadLetterOnError.class.getSimpleName() + " to count what it sets aside");
        }
        this.meters = instanceMeters;
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(final ErrorHandlerContext context, final Record<?, ?> record,
                                                           final Exception exception) {
        if (context.topic() == null) {
            // A punctuation (the partials' flush) has no source record to set aside, and going on
            // would leave the partials unflushed behind a log line: fail, as Kafka's default does.
            return ProcessingExceptionHandler.Response.fail();
        }
        return ProcessingExceptionHandler.Response.resume(
                List.of(deadLetter(context, context.sourceRawKey(), context.sourceRawValue(), exception)));
    }

    /**
     * Raw lines are read as bytes and cannot fail here; the repartition topic can, with a partial the
     * topology wrote itself that it cannot read back (a bug, or a format from a newer version). Set
     * aside like a processing error, for the same reason: a record that always fails must not stop
     * every instance it reaches.
     */
    @Override
    public DeserializationExceptionHandler.Response handleError(final ErrorHandlerContext context,
                                                                final ConsumerRecord<byte[], byte[]> record,
                                                                final Exception exception) {
        return DeserializationExceptionHandler.Response.resume(
                List.of(deadLetter(context, record.key(), record.value(), exception)));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(final ErrorHandlerContext context, final byte[] key, final byte[] value,
                                                      final Exception exception) {
        final String type = exception.getClass().getName();
        final String message = exception.getMessage();
        final Headers headers = context.headers() == null ? new RecordHeaders() : new RecordHeaders(context.headers().toArray());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REASON, RejectReason.PROCESSING_ERROR.code());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.DETAIL, message == null ? type : type + ": " + message);
        DeadLetterHeaders.putSource(headers, context.topic(), context.partition(), context.offset());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.ERROR_EXCEPTION, type);
        if (message != null) {
            DeadLetterHeaders.put(headers, DeadLetterHeaders.ERROR_MESSAGE, message);
        }
        DeadLetterHeaders.put(headers, DeadLetterHeaders.ERROR_STACKTRACE, stackTrace(exception));
        meters.rejected(RejectReason.PROCESSING_ERROR);
        log(context, exception);
        return new ProducerRecord<>(Topics.RAW_LINES_DLQ, null, context.timestamp(), key, value, headers);
    }

    /** The first of each window in full, then only counted: a bug may fail every record, thousands per second. */
    private synchronized void log(final ErrorHandlerContext context, final Exception exception) {
        final long now = System.nanoTime();
        if (now - nextLogAt < 0) {
            unlogged++;
            return;
        }
        nextLogAt = now + LOG_WINDOW.toNanos();
        LOG.warn("Processor {} failed on the record at {}-{} offset {}: sent it to {} ({}), continuing{}",
                context.processorNodeId(), context.topic(), context.partition(), context.offset(), Topics.RAW_LINES_DLQ,
                RejectReason.PROCESSING_ERROR.code(),
                unlogged == 0 ? "" : " (" + unlogged + " more set aside by this task since the last one logged)", exception);
        unlogged = 0;
    }

    private static String stackTrace(final Exception exception) {
        final StringWriter text = new StringWriter();
        exception.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
