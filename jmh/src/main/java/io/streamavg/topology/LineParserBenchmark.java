package io.streamavg.topology;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 *
 * <p>{@link #fastDoubleParserAlone} is the yardstick in the same run: FastDoubleParser converting
 * the same lines' numbers from their bytes, the cells found and trimmed beforehand, nothing
 * checked, nothing allocated. The 400 MB/s was set against its published 660 MB/s on a
 * desktop core; this machine's speed moves from session to session, the ratio much less.
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
    /** Per line, the offset and length of each number in it, in turn. */
    private int[][] numbers;

    @Setup(Level.Trial)
    public void makeLines() {
        lines = LineSets.lines(kind, LINES);
        long bytes = 0;
        for (final byte[] line : lines) {
            bytes += line.length;
        }
        parser = new LineParser(',', 1024, NaValues.of(NaValues.PANDAS_DEFAULT));
        numbers = new int[LINES][];
        for (int i = 0; i < LINES; i++) {
            numbers[i] = numbers(lines[i]);
        }
        System.out.printf(Locale.ROOT, "%n%s lines: %.1f bytes each on average%n", kind, bytes / (double) LINES);
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void parse(final Blackhole sink) {
        for (final byte[] line : lines) {
            sink.consume(parser.parse(line));
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public double fastDoubleParserAlone() {
        double sum = 0;
        for (int i = 0; i < LINES; i++) {
            final byte[] line = lines[i];
            final int[] cells = numbers[i];
            for (int cell = 0; cell < cells.length; cell += 2) {
                sum += JavaDoubleParser.parseDouble(line, cells[cell], cells[cell + 1]);
            }
        }
        return sum;
    }

    /** The offset and length of each number of a line, without the spaces around it; empty cells and {@code NaN} left out. */
    private static int[] numbers(final byte[] line) {
        final int[] cells = new int[2 * (line.length + 1)];
        int count = 0;
        int from = 0;
        while (from <= line.length) {
            int to = from;
            while (to < line.length && line[to] != ',') {
                to++;
            }
            int start = from;
            int stop = to;
            while (start < stop && line[start] == ' ') {
                start++;
            }
            while (stop > start && line[stop - 1] == ' ') {
                stop--;
            }
            if (stop > start && !"NaN".equals(new String(line, start, stop - start, StandardCharsets.US_ASCII))) {
                cells[count++] = start;
                cells[count++] = stop - start;
            }
            from = to + 1;
        }
        return Arrays.copyOf(cells, count);
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
