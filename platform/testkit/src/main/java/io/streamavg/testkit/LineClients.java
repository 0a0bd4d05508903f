package io.streamavg.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Test clients of the bridge: plain TCP sockets that write lines the hard way, cut at random byte
 * boundaries into writes of random size, as a device or a script on a slow link would.
 */
public final class LineClients {

    /** How long connecting, sending everything and seeing the bridge close may take. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The largest single write: small enough that most lines are cut across writes. */
    private static final int MAX_WRITE = 48;

    private LineClients() {
    }

    /**
     * Deals {@code lines} round-robin to {@code clients} concurrent connections; each writes its
     * share in UTF-8, ends every line with {@code \n} or {@code \r\n} at random, half-closes (a
     * clean end of stream) and waits for the bridge to close. The same {@code seed}, the same bytes
     * and cuts.
     *
     * @return the bytes written, line terminators included
     */
    public static long send(final int port, final List<String> lines, final int clients, final long seed) throws Exception {
        final Random random = new Random(seed);
        final List<byte[]> streams = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final List<byte[]> share = new ArrayList<>();
            for (int i = c; i < lines.size(); i += clients) {
                share.add(lines.get(i).getBytes(StandardCharsets.UTF_8));
            }
            streams.add(stream(share, random, true));
        }
        sendAll(port, streams, random.nextLong());
        return streams.stream().mapToLong(stream -> stream.length).sum();
    }

    /**
     * One client's bytes: each line followed by {@code \n} or {@code \r\n} at random, except the
     * last when {@code terminateLast} is false (a last line the end of stream ends).
     */
    public static byte[] stream(final List<byte[]> lines, final Random random, final boolean terminateLast) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            out.writeBytes(lines.get(i));
            if (terminateLast || i < lines.size() - 1) {
                out.writeBytes(random.nextBoolean() ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
            }
        }
        return out.toByteArray();
    }

    /**
     * Writes each of {@code streams} on a connection of its own, all at once, in writes of random
     * size; returns once every client has half-closed and seen the bridge close its connection
     * (the bridge has then read every byte), and fails after 60 s.
     */
    public static void sendAll(final int port, final List<byte[]> streams, final long seed) throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, streams.size()));
        try {
            final List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int c = 0; c < streams.size(); c++) {
                final byte[] bytes = streams.get(c);
                final Random random = new Random(seed + c);
                sent.add(CompletableFuture.runAsync(() -> write(port, bytes, random), pool));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void write(final int port, final byte[] bytes, final Random random) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            final OutputStream out = socket.getOutputStream();
            for (int from = 0; from < bytes.length; ) {
                final int length = Math.min(bytes.length - from, 1 + random.nextInt(MAX_WRITE));
                out.write(bytes, from, length);
                out.flush();
                from += length;
            }
            socket.shutdownOutput();
            final int answer = socket.getInputStream().read();
            if (answer != -1) {
                throw new AssertionError("expected the bridge to close the connection without a reply, got byte " + answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
