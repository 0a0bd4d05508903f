package io.streamavg.bench;

import java.io.IOException;
import java.io.OutputStream;

/** Writes to two streams: a Kafka tool's output still reaches the log while the bench keeps a copy to check. */
final class TeeOutputStream extends OutputStream {

    private final OutputStream first;
    private final OutputStream second;

    TeeOutputStream(final OutputStream first, final OutputStream second) {
        this.first = first;
        this.second = second;
    }

    @Override
    public void write(final int b) throws IOException {
        first.write(b);
        second.write(b);
    }

    @Override
    public void write(final byte[] b, final int off, final int len) throws IOException {
        first.write(b, off, len);
        second.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        first.flush();
        second.flush();
    }
}
