package io.streamavg.bench;

import io.streamavg.runtime.CommandLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The load generator as a child JVM of the benches, so that its CPU and memory are its own and not
 * the broker's: {@code LoadProcess REPORT [loadgen options]} runs {@link Loadgen} and writes a
 * {@link ChildOutcome} with when its first connection opened and its last line was on the wire.
 * <p>
 * {@code LoadProcess REPORT --warmup-then LINES GO_FILE [loadgen options]} first sends {@code LINES}
 * other lines (another seed), untimed, then waits for {@code GO_FILE} to exist — the bench creates
 * it once the pipeline has taken those lines and its own samples are read — and then runs as asked,
 * its CPU counted from there: a warm client, as {@code ProducerPerformance}'s sends are in the row
 * the benches compare with.
 */
public final class LoadProcess {

    static final String WARMUP_THEN = "--warmup-then";
    private static final Duration GO_TIMEOUT = Duration.ofMinutes(30);

    private LoadProcess() {
    }

    public static void main(final String[] args) throws Exception {
        final Path report = Path.of(args[0]);
        List<String> options = List.of(args).subList(1, args.length);
        ProcessSample before = null;
        if (!options.isEmpty() && WARMUP_THEN.equals(options.get(0))) {
            final long warmupLines = Long.parseLong(options.get(1));
            final Path go = Path.of(options.get(2));
            options = options.subList(3, options.size());
            final LoadgenConfig asked = config(options);
            if (!new Loadgen(config(warmup(options, warmupLines, asked.getLong(LoadgenConfig.SEED) + 2_000_000)), System.out, System.err)
                    .runLoad().ok()) {
                System.exit(1);
            }
            final Instant deadline = Instant.now().plus(GO_TIMEOUT);
            while (!Files.exists(go)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("no " + go + " within " + GO_TIMEOUT);
                }
                Thread.sleep(5); // polling a file the bench creates, no other channel between the two JVMs
            }
            before = ProcessSample.ofSelf();
        }
        final Loadgen.Outcome outcome = new Loadgen(config(options), System.out, System.err).runLoad();
        if (!outcome.ok()) {
            System.exit(1);
        }
        final long start = ChildOutcome.epochMicros(outcome.startNanos());
        final long end = ChildOutcome.epochMicros(outcome.endNanos());
        final ProcessSample now = ProcessSample.ofSelf();
        new ChildOutcome(start, end, outcome.sent(), outcome.sent() * 1e6 / Math.max(1, end - start),
                before == null ? now : now.since(before)).writeTo(report);
        System.exit(0);
    }

    /**
     * Its arguments: {@code report}, then when {@code warmupLines} is not 0 the warm-up and the file
     * it waits for, then {@code loadgenOptions}.
     */
    static List<String> arguments(final Path report, final long warmupLines, final Path go, final List<String> loadgenOptions) {
        final List<String> args = new ArrayList<>(List.of(report.toString()));
        if (warmupLines > 0) {
            args.addAll(List.of(WARMUP_THEN, Long.toString(warmupLines), go.toString()));
        }
        args.addAll(loadgenOptions);
        return args;
    }

    private static LoadgenConfig config(final List<String> options) {
        return new LoadgenConfig(CommandLine.parse(LoadgenConfig.DEFINITION, options, Map.of()));
    }

    /** {@code options} with their line count and seed replaced. */
    static List<String> warmup(final List<String> options, final long lines, final long seed) {
        final List<String> warmup = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            final String option = options.get(i);
            if (("--" + LoadgenConfig.LINES).equals(option) || ("--" + LoadgenConfig.SEED).equals(option)) {
                i++; // and its value
            } else {
                warmup.add(option);
            }
        }
        warmup.addAll(List.of("--" + LoadgenConfig.LINES, Long.toString(lines), "--" + LoadgenConfig.SEED, Long.toString(seed)));
        return warmup;
    }
}
