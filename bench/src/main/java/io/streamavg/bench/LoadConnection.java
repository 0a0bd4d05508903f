package io.streamavg.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One client connection of the load generator: sends its share of the lines at its share of the
 * rate, on a thread of its own, and with {@code --ack} reads the bridge's acknowledgements on a
 * second one. Blocking sockets: a connection that the bridge stops reading (back-pressure) then
 * simply stops sending, which is what a real client does.
 */
final class LoadConnection {

    private static final Pattern ACK_LINE = Pattern.compile("ok (\\d+)");
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final int index;
    private final LoadgenConfig config;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final CountDownLatch ackReaderDone = new CountDownLatch(1);
    private volatile long lastAckNanos;
    private volatile long sendEndNanos;

    LoadConnection(final int index, final LoadgenConfig config) {
        this.index = index;
        this.config = config;
    }

    long sent() {
        return sent.get();
    }

    long acked() {
        return acked.get();
    }

    /** Why the connection failed, or null. */
    String failure() {
        return failure.get();
    }

    /** When the last acknowledgement arrived ({@link System#nanoTime()}), 0 for none. */
    long lastAckNanos() {
        return lastAckNanos;
    }

    /** When its last line was on the wire ({@link System#nanoTime()}), 0 until then. */
    long sendEndNanos() {
        return sendEndNanos;
    }

    /** Sends until its share or the deadline is reached; never throws, a failure is kept in {@link #failure()}. */
    void run(final long startNanos, final long deadlineNanos) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(config.host(), config.port()), (int) CONNECT_TIMEOUT.toMillis());
            if (config.ack()) {
                final Thread reader = new Thread(() -> readAcks(socket), "loadgen-ack-" + index);
                reader.setDaemon(true);
                reader.start();
            }
            send(socket.getOutputStream(), startNanos, deadlineNanos);
            sendEndNanos = System.nanoTime();
            socket.shutdownOutput();
            if (config.ack()) {
                awaitFinalAck();
            }
        } catch (IOException e) {
            fail("connection " + index + " to " + config.host() + ":" + config.port() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("connection " + index + " interrupted");
        }
    }

    private void send(final OutputStream out, final long startNanos, final long deadlineNanos) throws IOException {
        final RandomLines lines = new RandomLines(config.seed() + index, config.columns());
        final byte[] buffer = new byte[BUFFER_BYTES];
        int used = 0;
        if (config.header()) {
            used = header(buffer);
        }
        final long share = config.linesOf(index);
        final double rate = config.ratePerConnection();
        final double nanosPerLine = rate > 0 ? 1e9 / rate : 0;
        long count = 0;
        while ((share < 0 || count < share) && failure.get() == null) {
            if (buffer.length - used < lines.maxLineBytes()) {
                out.write(buffer, 0, used);
                used = 0;
                sent.set(count);
            }
            // The clock every line when paced, else every 256 lines: reading it costs more than a line.
            if (rate > 0 || (count & 0xFF) == 0) {
                final long now = System.nanoTime();
                if (deadlineNanos != 0 && now - deadlineNanos >= 0) {
                    break;
                }
                final long due = startNanos + (long) (count * nanosPerLine);
                if (rate > 0 && due - now > 0) {
                    // Pacing, not synchronisation: what is due is on the wire before the wait.
                    out.write(buffer, 0, used);
                    out.flush();
                    used = 0;
                    sent.set(count);
                    LockSupport.parkNanos(due - now);
                }
            }
            used = lines.write(buffer, used);
            buffer[used++] = '\n';
            count++;
        }
        out.write(buffer, 0, used);
        out.flush();
        sent.set(count);
    }

    private int header(final byte[] buffer) {
        final StringBuilder names = new StringBuilder();
        for (int column = 0; column < config.columns(); column++) {
            names.append(column == 0 ? "" : ",").append('c').append(column);
        }
        final byte[] line = names.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(line, 0, buffer, 0, line.length);
        return line.length;
    }

    private void readAcks(final Socket socket) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                final Matcher ack = ACK_LINE.matcher(line);
                if (!ack.matches()) {
                    fail("connection " + index + ": the bridge said '" + line + "'");
                    return;
                }
                final long count = Long.parseLong(ack.group(1));
                if (count < acked.get()) {
                    fail("connection " + index + ": acknowledgements went back from " + acked.get() + " to " + count);
                    return;
                }
                acked.set(count);
                lastAckNanos = System.nanoTime();
            }
        } catch (IOException e) {
            if (!socket.isClosed()) {
                fail("connection " + index + ": reading acknowledgements: " + e.getMessage());
            }
        } finally {
            ackReaderDone.countDown();
        }
    }

    /** The bridge answers the final {@code ok N} to a half-close, then closes its side. */
    private void awaitFinalAck() throws InterruptedException {
        if (!ackReaderDone.await(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            fail("connection " + index + ": " + acked.get() + " of " + sent.get() + " lines acknowledged "
                    + config.ackTimeout().toSeconds() + " s after the last one was sent (--ack-timeout)");
        } else if (failure.get() == null && acked.get() != sent.get()) {
            fail("connection " + index + ": the bridge closed having acknowledged " + acked.get() + " of " + sent.get() + " lines");
        }
    }

    private void fail(final String reason) {
        failure.compareAndSet(null, reason);
    }
}
