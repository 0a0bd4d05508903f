package io.streamavg.broker;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what Kafka's storage formatter prints to the log, a line at a time (it prints a sentence
 * in many pieces), instead of to standard output.
 */
final class LogPrintStream extends OutputStream {

    static final PrintStream INFO = new PrintStream(new LogPrintStream(), false, StandardCharsets.UTF_8);
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public synchronized void write(final int b) {
        if (b == '\n') {
            final String text = line.toString(StandardCharsets.UTF_8).strip();
            line.reset();
            if (!text.isEmpty()) {
                LOG.info(text);
            }
        } else {
            line.write(b);
        }
    }
}
