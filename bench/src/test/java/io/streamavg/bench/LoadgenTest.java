package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.runtime.ServiceRunner;
import io.streamavg.testkit.Eventually;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator against a stand-in for the bridge: a loopback server that keeps every line
 * it reads per connection and, like a bridge in {@code --ack} mode, answers {@code ok N}.
 */
class LoadgenTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private StandInBridge bridge;

    @AfterEach
    void stopBridge() throws IOException {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void shouldSendEveryLineOnceSharedOverTheConnectionsFromTheSeed() throws IOException {
        bridge = new StandInBridge(count -> count);

        assertThat(run("--connections", "3", "--lines", "10000", "--seed", "5", "--columns", "4")).isZero();

        final List<List<String>> received = bridge.awaitConnections(3);
        assertThat(received).extracting(List::size).containsExactlyInAnyOrder(3334, 3333, 3333);
        // Connection i sends RandomLines(seed + i), whatever order the stand-in accepted them in.
        final List<List<String>> expected = IntStream.range(0, 3)
                .mapToObj(i -> lines(new RandomLines(5 + i, 4), i == 0 ? 3334 : 3333)).toList();
        assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(text(out)).startsWith("10,000 lines of 4 columns over 3 connections to localhost:" + bridge.port());
    }

    @Test
    void shouldStartEachConnectionWithTheHeaderLineWhenAsked() throws IOException {
        bridge = new StandInBridge(count -> count);

        assertThat(run("--lines", "5", "--columns", "3", "--header", "true")).isZero();

        final List<String> lines = bridge.awaitConnections(1).get(0);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("c0,c1,c2");
        assertThat(lines.subList(1, 6)).isEqualTo(lines(new RandomLines(1, 3), 5));
    }

    @Test
    void shouldSucceedWhenTheBridgeAcknowledgesEveryLine() throws IOException {
        bridge = new StandInBridge(count -> count);

        assertThat(run("--connections", "2", "--lines", "2000", "--ack", "true")).isZero();

        assertThat(text(out)).contains("acknowledged by the bridge: 2,000 of 2,000");
    }

    @Test
    void shouldFailNamingTheConnectionWhenLinesAreNotAcknowledged() throws IOException {
        bridge = new StandInBridge(count -> Math.max(0, count - 1));

        assertThat(run("--lines", "100", "--ack", "true")).isEqualTo(ServiceRunner.EXIT_FAILED);

        assertThat(text(out)).contains("acknowledged by the bridge: 99 of 100")
                .contains("failed: connection 0: the bridge closed having acknowledged 99 of 100 lines");
    }

    @Test
    void shouldNeverSendFasterThanTheRate() throws IOException {
        bridge = new StandInBridge(count -> count);
        final long start = System.nanoTime();

        assertThat(run("--connections", "2", "--lines", "1000", "--rate", "2000")).isZero();

        // Line i of a connection is due i / (rate / connections) s after the start: the last at 0.499 s.
        assertThat((System.nanoTime() - start) / 1e9).isGreaterThanOrEqualTo(0.499);
        assertThat(bridge.awaitConnections(2)).extracting(List::size).containsExactly(500, 500);
    }

    @Test
    void shouldFailWhenNothingListens() throws IOException {
        final int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }

        assertThat(run("--port", String.valueOf(port), "--lines", "10")).isEqualTo(ServiceRunner.EXIT_FAILED);

        assertThat(text(out)).contains("failed: connection 0 to localhost:" + port);
    }

    @Test
    void shouldRefuseARunWithoutAnEnd() {
        assertThat(Loadgen.run(List.of("--lines", "0"), Map.of(), print(out), print(err))).isEqualTo(ServiceRunner.EXIT_BAD_OPTIONS);

        assertThat(text(err)).startsWith("streamavg loadgen: ").contains("--lines").contains("--duration");
    }

    private int run(final String... args) {
        final List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--port")) {
            all.addAll(List.of("--port", String.valueOf(bridge.port())));
        }
        return Loadgen.run(all, Map.of(), print(out), print(err));
    }

    private static List<String> lines(final RandomLines random, final int count) {
        return IntStream.range(0, count).mapToObj(i -> random.next()).toList();
    }

    private static PrintStream print(final ByteArrayOutputStream stream) {
        return new PrintStream(stream, true, StandardCharsets.UTF_8);
    }

    private static String text(final ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }

    /** Reads lines per connection; at the client's half-close answers {@code ok acknowledge(lines read)} and closes. */
    private static final class StandInBridge implements AutoCloseable {

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<List<String>> connections = Collections.synchronizedList(new ArrayList<>());
        private final LongUnaryOperator acknowledge;
        private final Thread acceptor;

        StandInBridge(final LongUnaryOperator acknowledge) throws IOException {
            this.acknowledge = acknowledge;
            this.acceptor = new Thread(this::accept, "stand-in-bridge");
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    final Socket socket = server.accept();
                    new Thread(() -> serve(socket), "stand-in-connection").start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(final Socket socket) {
            final List<String> lines = new ArrayList<>();
            try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
                final OutputStream reply = socket.getOutputStream();
                reply.write(("ok " + acknowledge.applyAsLong(lines.size()) + "\n").getBytes(StandardCharsets.UTF_8));
                reply.flush();
            } catch (IOException e) {
                // The client went away: what was read is kept all the same.
            }
            connections.add(lines);
        }

        /** The lines of the first {@code count} connections, once each has ended. */
        List<List<String>> awaitConnections(final int count) {
            Eventually.assertWithin(Duration.ofSeconds(30), () -> assertThat(connections).hasSize(count));
            return List.copyOf(connections);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
