package io.streamavg.topology;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
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

/**
 * One cell's number, four ways, to choose how the parser converts long decimals (docs/BENCHMARKS.md):
 * {@link DecimalText} (Clinger, then Eisel–Lemire, from the characters), FastDoubleParser 2.0.1 from
 * characters and from bytes, and {@code Double.parseDouble} on a new String (what the parser did for
 * more than 15 digits before). One operation is one cell. Cells: {@code printed}, Java's shortest
 * text of a random double in [0, 1000) (16–17 significant digits); {@code short}, the load
 * generator's {@code -123.456}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecimalCellBenchmark {

    private static final int CELLS = 4096;

    @Param({"printed", "short"})
    public String kind;

    private char[][] chars;
    private byte[][] bytes;

    @Setup(Level.Trial)
    public void makeCells() {
        final SplittableRandom random = new SplittableRandom(1);
        chars = new char[CELLS][];
        bytes = new byte[CELLS][];
        for (int i = 0; i < CELLS; i++) {
            final String text = "printed".equals(kind) ? Double.toString(random.nextDouble(0, 1000))
                    : String.format(Locale.ROOT, "%.3f", random.nextInt(-1_000_000, 1_000_000) / 1000.0);
            chars[i] = text.toCharArray();
            bytes[i] = text.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    @Benchmark
    @OperationsPerInvocation(CELLS)
    public double decimalText() {
        double sum = 0;
        for (final char[] cell : chars) {
            sum += DecimalText.parse(cell, 0, cell.length);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(CELLS)
    public double fastDoubleParserChars() {
        double sum = 0;
        for (final char[] cell : chars) {
            sum += JavaDoubleParser.parseDouble(cell, 0, cell.length);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(CELLS)
    public double fastDoubleParserBytes() {
        double sum = 0;
        for (final byte[] cell : bytes) {
            sum += JavaDoubleParser.parseDouble(cell, 0, cell.length);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(CELLS)
    public double parseDoubleOnString() {
        double sum = 0;
        for (final byte[] cell : bytes) {
            sum += Double.parseDouble(new String(cell, 0, cell.length, StandardCharsets.ISO_8859_1));
        }
        return sum;
    }
}
