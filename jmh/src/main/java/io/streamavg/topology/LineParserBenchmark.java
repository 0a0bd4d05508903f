package io.streamavg.topology;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The topology's {@link LineParser} on lines like those users send, one parser as in a task. One
 * operation is one line; the bytes per line are printed at set-up, so MB/s = lines/s × bytes per
 * line (docs/BENCHMARKS.md). The kinds of line are {@link LineSets}'.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LineParserBenchmark {

    private static final int LINES = 4096;

    @Param({"bench", "sensor", "iris", "wine", "mixed"}) // LineSets.KINDS
    public String kind;

    private byte[][] lines;
    private LineParser parser;

    @Setup(Level.Trial)
    public void makeLines() {
        lines = LineSets.lines(kind, LINES);
        long bytes = 0;
        for (final byte[] line : lines) {
            bytes += line.length;
        }
        parser = new LineParser(',', 1024, NaValues.of(NaValues.PANDAS_DEFAULT));
        System.out.printf(Locale.ROOT, "%n%s lines: %.1f bytes each on average%n", kind, bytes / (double) LINES);
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void parse(final Blackhole sink) {
        for (final byte[] line : lines) {
            sink.consume(parser.parse(line));
        }
    }

    /** The general path alone (decode, then cells, then numbers), which every line took before the plain path: the baseline in the same run. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public void parseGeneral(final Blackhole sink) {
        for (final byte[] line : lines) {
            sink.consume(parser.parseGeneral(line));
        }
    }
}
