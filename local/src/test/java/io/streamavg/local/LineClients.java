package io.streamavg.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Test clients of the bridge: plain TCP sockets that write lines the hard way, cut at random byte
 * boundaries into writes of random size, as a device or a script on a slow link would.
 */
final class LineClients {

    private LineClients() {
    }

    /**
     * Deals {@code lines} round-robin to {@code clients} concurrent connections; each writes its
     * share, ends every line with {@code \n} or {@code \r\n} at random, then half-closes (a clean end
     * of stream). Returns once every client has written everything and the server closed or the
     * client closed.
     */
    static void send(final int port, final List<String> lines, final int clients, final long seed) throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            final List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                final StringBuilder text = new StringBuilder();
                final Random random = new Random(seed + c);
                for (int i = c; i < lines.size(); i += clients) {
                    text.append(lines.get(i)).append(random.nextBoolean() ? "\n" : "\r\n");
                }
                final byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                done.add(pool.submit(() -> write(port, bytes, random)));
            }
            for (final Future<?> client : done) {
                client.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void write(final int port, final byte[] bytes, final Random random) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setTcpNoDelay(true);
            final OutputStream out = socket.getOutputStream();
            int pos = 0;
            while (pos < bytes.length) {
                final int length = Math.min(bytes.length - pos, 1 + random.nextInt(48));
                out.write(bytes, pos, length);
                out.flush();
                pos += length;
            }
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
