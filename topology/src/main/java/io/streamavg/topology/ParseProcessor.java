package io.streamavg.topology;

import java.util.function.Function;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Parses each raw line once; a parser per task, since parsers keep buffers. */
final class ParseProcessor implements FixedKeyProcessor<byte[], byte[], ParsedLine> {

    private final Function<byte[], ParsedLine> parser;
    private final TopologyMeters meters;
    private FixedKeyProcessorContext<byte[], ParsedLine> context;

    ParseProcessor(final Function<byte[], ParsedLine> parser, final TopologyMeters meters) {
        this.parser = parser;
        this.meters = meters;
    }

    @Override
    public void init(final FixedKeyProcessorContext<byte[], ParsedLine> context) {
        this.context = context;
    }

    @Override
    public void process(final FixedKeyRecord<byte[], byte[]> record) {
        final ParsedLine line = parser.apply(record.value());
        if (line instanceof ParsedLine.Cells) {
            meters.parsed();
        }
        context.forward(record.withValue(line));
    }
}
