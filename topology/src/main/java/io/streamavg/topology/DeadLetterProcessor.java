package io.streamavg.topology;

import io.streamavg.wire.DeadLetterHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a rejected line back into its raw bytes, with the reason and the raw record's position in
 * headers, for raw-lines-dlq; counts it by reason in {@link TopologyMeters}.
 */
final class DeadLetterProcessor implements FixedKeyProcessor<byte[], ParsedLine, byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessor.class);

    private final TopologyMeters meters;
    private FixedKeyProcessorContext<byte[], byte[]> context;

    DeadLetterProcessor(final TopologyMeters meters) {
        this.meters = meters;
    }

    @Override
    public void init(final FixedKeyProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(final FixedKeyRecord<byte[], ParsedLine> record) {
        final ParsedLine.Rejected line = (ParsedLine.Rejected) record.value();
        final Headers headers = new RecordHeaders(record.headers().toArray());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REASON, line.reason().code());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.DETAIL, line.detail());
        context.recordMetadata().ifPresent(source ->
                DeadLetterHeaders.putSource(headers, source.topic(), source.partition(), source.offset()));
        meters.rejected(line.reason());
        LOG.debug("Rejected line ({}): {}", line.reason().code(), line.detail());
        context.forward(record.withValue(line.raw()).withHeaders(headers));
    }
}
