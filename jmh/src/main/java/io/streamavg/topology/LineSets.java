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

/**
 * The kinds of line the parser benchmarks read (docs/BENCHMARKS.md), the same for a seed:
 * {@code bench}, the load generator's 8 decimals of the form {@code -123.456}; {@code sensor}, 12
 * cells mixing integers, decimals of varied precision (two of them Java's shortest text of a random
 * double, 16–17 significant digits), exponents, an empty cell and pandas' {@code NaN}, with spaces
 * around some numbers; {@code iris} and {@code wine}, the lines of the real data sets in
 * {@code shared/data}, read from the directory in the system property {@code streamavg.data}, by
 * default {@code ../shared/data}, which is right from the repository's root; {@code mixed}, all
 * four kinds shuffled together, a quarter each, so that no kind's branches are learnt by the
 * predictor from the line before.
 */
final class LineSets {

    static final List<String> KINDS = List.of("bench", "sensor", "iris", "wine", "mixed");
    /** Where the real data sets are, relative to the working directory unless absolute. */
    static final String DATA_PROPERTY = "streamavg.data";

    private LineSets() {
    }

    /** {@code count} lines of a kind; the real data sets' lines are repeated in their order to make up the count. */
    static byte[][] lines(final String kind, final int count) {
        final SplittableRandom random = new SplittableRandom(1);
        final Path data = Path.of(System.getProperty(DATA_PROPERTY, "../shared/data"));
        final List<String> iris = "iris".equals(kind) || "mixed".equals(kind) ? realLines(data.resolve("iris.csv")) : List.of();
        final List<String> wine = "wine".equals(kind) || "mixed".equals(kind) ? realLines(data.resolve("wine.csv")) : List.of();
        final byte[][] lines = new byte[count][];
        for (int i = 0; i < count; i++) {
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
        }
        return lines;
    }

    /** The data lines of a real CSV file, without line ends; fails when the file is not there. */
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
