package io.streamavg.broker;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends what Kafka's storage formatter prints to the log instead of standard output. */
final class LogPrintStream extends ByteArrayOutputStream {

    static final PrintStream INFO = new PrintStream(new LogPrintStream(), true, StandardCharsets.UTF_8);
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    @Override
    public synchronized void flush() {
        final String text = toString(StandardCharsets.UTF_8).strip();
        reset();
        if (!text.isEmpty()) {
            LOG.info(text);
        }
    }
}
