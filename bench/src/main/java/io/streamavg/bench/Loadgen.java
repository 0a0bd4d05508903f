package io.streamavg.bench;

import io.streamavg.runtime.CommandLine;
import io.streamavg.runtime.ServiceRunner;
import io.streamavg.runtime.Version;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.config.ConfigException;

/**
 * {@code streamavg loadgen}: sends random CSV lines to any bridge over TCP, as a fleet of clients
 * would, and says how fast they went and, with {@code --ack}, how many the bridge confirmed.
 */
public final class Loadgen {

    static final String USAGE = "streamavg loadgen [options]";
    static final String SUMMARY = """
            Sends random lines of --columns numbers to a bridge over --connections TCP connections, as fast as it \
            reads them or at --rate lines/s, until --lines or --duration. Shows a progress line every second on \
            standard error and a summary on standard output; exits 1 when a connection failed or, with --ack, when \
            a line sent was not acknowledged.""";
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LoadgenConfig config;
    private final PrintStream out;
    private final PrintStream err;

    Loadgen(final LoadgenConfig config, final PrintStream out, final PrintStream err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    /** The entry point of {@code ./streamavg loadgen}, which runs it from the bench jar. */
    public static void main(final String[] args) {
        System.exit(run(List.of(args), System.getenv(), System.out, System.err));
    }

    static int run(final List<String> args, final Map<String, String> env, final PrintStream out, final PrintStream err) {
        if (CommandLine.wantsHelp(args)) {
            out.print(CommandLine.help(USAGE, SUMMARY, LoadgenConfig.DEFINITION));
            return 0;
        }
        if (args.contains("--version")) {
            out.println("streamavg " + Version.current());
            return 0;
        }
        final LoadgenConfig config;
        try {
            config = new LoadgenConfig(CommandLine.parse(LoadgenConfig.DEFINITION, args, Bench.ownVariables(LoadgenConfig.DEFINITION, env)));
        } catch (ConfigException e) {
            err.println("streamavg loadgen: " + CommandLine.explain(e, args, env));
            err.println("Run 'streamavg loadgen --help' for the options.");
            return ServiceRunner.EXIT_BAD_OPTIONS;
        }
        return new Loadgen(config, out, err).run() ? 0 : ServiceRunner.EXIT_FAILED;
    }

    /** Runs the load; true when every connection sent its share (and, with --ack, had it acknowledged). */
    boolean run() {
        return runLoad().ok();
    }

    /**
     * What a run did, for a harness that times it.
     *
     * @param startNanos when it began connecting ({@link System#nanoTime()}); the first byte follows within a connect
     * @param endNanos   when the last line was on the wire
     * @param ok         every connection sent its share (and, with --ack, had it acknowledged)
     */
    record Outcome(long startNanos, long endNanos, long sent, boolean ok) {
    }

    /** Runs the load, printing progress and the summary as {@link #run()} does. */
    Outcome runLoad() {
        final List<LoadConnection> connections = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        final long start = System.nanoTime();
        final long deadline = config.duration().isZero() ? 0 : start + config.duration().toNanos();
        for (int i = 0; i < config.connections(); i++) {
            final LoadConnection connection = new LoadConnection(i, config);
            connections.add(connection);
            final Thread thread = new Thread(() -> connection.run(start, deadline), "loadgen-" + i);
            thread.start();
            threads.add(thread);
        }
        final boolean console = System.console() != null;
        long lastSent = 0;
        long lastReport = start;
        for (final Thread thread : threads) {
            while (thread.isAlive()) {
                joinQuietly(thread, TimeUnit.NANOSECONDS.toMillis(PROGRESS_NANOS));
                final long now = System.nanoTime();
                if (now - lastReport >= PROGRESS_NANOS) {
                    final long sent = sum(connections, LoadConnection::sent);
                    err.print(progress(now - start, sent, (sent - lastSent) * 1e9 / (now - lastReport), connections)
                            + (console ? "\r" : "\n"));
                    err.flush();
                    lastSent = sent;
                    lastReport = now;
                }
            }
        }
        if (console) {
            err.println();
        }
        // Until the last line was on the wire: the wait for the final acknowledgements is not sending.
        final long end = connections.stream().mapToLong(LoadConnection::sendEndNanos).filter(t -> t != 0).max().orElse(System.nanoTime());
        out.print(summary(start, end, connections));
        return new Outcome(start, end, sum(connections, LoadConnection::sent),
                connections.stream().allMatch(connection -> connection.failure() == null));
    }

    private String progress(final long elapsedNanos, final long sent, final double rate, final List<LoadConnection> connections) {
        return String.format(Locale.ROOT, "%6.1f s  sent %,d lines  %,.0f lines/s%s", elapsedNanos / 1e9, sent, rate,
                config.ack() ? String.format(Locale.ROOT, "  acknowledged %,d", sum(connections, LoadConnection::acked)) : "");
    }

    private String summary(final long start, final long end, final List<LoadConnection> connections) {
        final long sent = sum(connections, LoadConnection::sent);
        final double seconds = (end - start) / 1e9;
        final StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "%,d lines of %d columns over %d connection%s to %s:%d in %.2f s: %,.0f lines/s%n", sent, config.columns(),
                connections.size(), connections.size() == 1 ? "" : "s", config.host(), config.port(), seconds, sent / seconds));
        if (config.ack()) {
            final long lastAck = connections.stream().mapToLong(LoadConnection::lastAckNanos).max().orElse(0);
            text.append(String.format(Locale.ROOT, "acknowledged by the bridge: %,d of %,d%s%n", sum(connections, LoadConnection::acked), sent,
                    lastAck == 0 ? "" : String.format(Locale.ROOT, ", the last %.2f s after the last line was sent", (lastAck - end) / 1e9)));
        }
        final List<String> failures = connections.stream().map(LoadConnection::failure).filter(f -> f != null).toList();
        failures.stream().limit(10).forEach(failure -> text.append("failed: ").append(failure).append('\n'));
        if (failures.size() > 10) {
            text.append("… and ").append(failures.size() - 10).append(" more failed connections\n");
        }
        return text.toString();
    }

    private static long sum(final List<LoadConnection> connections, final ToLongFunction<LoadConnection> value) {
        return connections.stream().mapToLong(value).sum();
    }

    private static void joinQuietly(final Thread thread, final long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
