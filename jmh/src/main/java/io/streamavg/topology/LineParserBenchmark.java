package io.streamavg.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The topology's {@link LineParser} on lines like those users send, one parser as in a task. One
 * operation is one line; the bytes per line are printed at set-up, so MB/s = lines/s × bytes per
 * line (docs/BENCHMARKS.md). The kinds of line: {@code bench}, the load generator's 8 decimals of
 * the form {@code -123.456}; {@code sensor}, 12 cells mixing integers, decimals of varied precision
 * (two of them Java's shortest repr of a random double, 16–17 significant digits), exponents, an
 * empty cell and pandas' {@code NaN}, with spaces around some numbers; {@code iris} and {@code wine},
 * the lines of the real data sets in {@code shared/data} (read at set-up from the directory in the
 * system property {@code streamavg.data}, by default {@code ../shared/data}, which is right from the
 * repository's root); {@code mixed}, all four kinds shuffled together, a quarter each, so that no
 * kind's branches are learnt by the predictor from the line before.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LineParserBenchmark {

    private static final int LINES = 4096;

    /** Where the real data sets are, relative to the working directory unless absolute. */
    public static final String DATA_PROPERTY = "streamavg.data";

    @Param({"bench", "sensor", "iris", "wine", "mixed"})
    public String kind;

    private byte[][] lines;
    private LineParser parser;

    @Setup(Level.Trial)
    public void makeLines() {
        final SplittableRandom random = new SplittableRandom(1);
        final Path data = Path.of(System.getProperty(DATA_PROPERTY, "../shared/data"));
        final List<String> iris = "iris".equals(kind) || "mixed".equals(kind) ? realLines(data.resolve("iris.csv")) : List.of();
        final List<String> wine = "wine".equals(kind) || "mixed".equals(kind) ? realLines(data.resolve("wine.csv")) : List.of();
        lines = new byte[LINES][];
        long bytes = 0;
        for (int i = 0; i < LINES; i++) {
            final String text = switch (kind) {
                case "bench" -> benchLine(random);
                case "sensor" -> sensorLine(random);
                case "iris" -> iris.get(i % iris.size());
                case "wine" -> wine.get(i % wine.size());
                case "mixed" -> switch (random.nextInt(4)) {
                    case 0 -> benchLine(random);
                    case 1 -> sensorLine(random);
                    case 2 -> iris.get(random.nextInt(iris.size()));
                    default -> wine.get(random.nextInt(wine.size()));
                };
                default -> throw new IllegalArgumentException("no such kind of line: " + kind);
            };
            lines[i] = text.getBytes(StandardCharsets.UTF_8);
            bytes += lines[i].length;
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

    /** The data lines of a real CSV file, without line ends; fails the trial when the file is not there. */
    private static List<String> realLines(final Path file) {
        try {
            final List<String> lines = new ArrayList<>();
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            if (lines.isEmpty()) {
                throw new IllegalStateException(file.toAbsolutePath() + " has no lines");
            }
            return lines;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath() + " (set -D" + DATA_PROPERTY
                    + " to the directory of iris.csv and wine.csv, shared/data)", e);
        }
    }

    private static String benchLine(final SplittableRandom random) {
        final StringBuilder line = new StringBuilder();
        for (int column = 0; column < 8; column++) {
            final int thousandths = random.nextInt(-1_000_000, 1_000_000);
            line.append(column == 0 ? "" : ",").append(String.format(Locale.ROOT, "%s%d.%03d",
                    thousandths < 0 ? "-" : "", Math.abs(thousandths) / 1000, Math.abs(thousandths) % 1000));
        }
        return line.toString();
    }

    private static String sensorLine(final SplittableRandom random) {
        final StringBuilder line = new StringBuilder();
        for (int column = 0; column < 12; column++) {
            line.append(column == 0 ? "" : ",");
            switch (column % 6) {
                case 0 -> line.append(random.nextInt(0, 100_000));
                case 1 -> line.append(String.format(Locale.ROOT, "%.2f", random.nextDouble(-50, 50)));
                case 2 -> line.append(random.nextDouble(0, 1));
                case 3 -> line.append(String.format(Locale.ROOT, "%.4e", random.nextDouble(1e-6, 1e6)));
                case 4 -> line.append(random.nextInt(10) == 0 ? "" : random.nextInt(10) == 0 ? "NaN"
                        : String.format(Locale.ROOT, " %.1f ", random.nextDouble(-10, 40)));
                default -> line.append(String.format(Locale.ROOT, "%.3f", random.nextDouble(900, 1100)));
            }
        }
        return line.toString();
    }
}
