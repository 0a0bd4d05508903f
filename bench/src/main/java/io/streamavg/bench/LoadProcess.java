package io.streamavg.bench;

import io.streamavg.runtime.CommandLine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The load generator as a child JVM of the pipeline bench, so that its CPU and memory are its own
 * and not the broker's: {@code LoadProcess REPORT [loadgen options]} runs {@link Loadgen} and writes
 * a {@link ChildOutcome} with when its first connection opened and its last line was on the wire.
 */
public final class LoadProcess {

    private LoadProcess() {
    }

    public static void main(final String[] args) throws Exception {
        final Path report = Path.of(args[0]);
        final List<String> options = List.of(args).subList(1, args.length);
        final LoadgenConfig config = new LoadgenConfig(CommandLine.parse(LoadgenConfig.DEFINITION, options, Map.of()));
        final Loadgen.Outcome outcome = new Loadgen(config, System.out, System.err).runLoad();
        if (!outcome.ok()) {
            System.exit(1);
        }
        final long start = ChildOutcome.epochMicros(outcome.startNanos());
        final long end = ChildOutcome.epochMicros(outcome.endNanos());
        new ChildOutcome(start, end, outcome.sent(), outcome.sent() * 1e6 / Math.max(1, end - start), ProcessSample.ofSelf())
                .writeTo(report);
        System.exit(0);
    }
}
