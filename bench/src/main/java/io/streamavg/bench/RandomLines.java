package io.streamavg.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The benchmarks' lines: {@code columns} numbers per line, each a random decimal in [-1000, 1000)
 * with three decimals ({@code -12.345}), from a seed, so that the same seed always gives the same
 * bytes (about 66 a line for 8 columns). Written straight into a byte array: the load generator
 * must produce lines much faster than the pipeline reads them.
 */
final class RandomLines {

    /** The longest cell: {@code -1000.000}, plus its delimiter. */
    private static final int MAX_CELL_BYTES = 10;

    private final SplittableRandom random;
    private final int columns;

    RandomLines(final long seed, final int columns) {
        this.random = new SplittableRandom(seed);
        this.columns = columns;
    }

    /** Room a line needs in {@link #write}, its line feed included. */
    int maxLineBytes() {
        return columns * MAX_CELL_BYTES + 1;
    }

    /** Writes the next line at {@code at}, without terminator, and returns where it ends. */
    int write(final byte[] buffer, final int at) {
        int end = at;
        for (int column = 0; column < columns; column++) {
            if (column > 0) {
                buffer[end++] = ',';
            }
            final int thousandths = random.nextInt(-1_000_000, 1_000_000);
            if (thousandths < 0) {
                buffer[end++] = '-';
            }
            final int magnitude = Math.abs(thousandths);
            final int whole = magnitude / 1000;
            for (int unit = whole >= 1000 ? 1000 : whole >= 100 ? 100 : whole >= 10 ? 10 : 1; unit > 0; unit /= 10) {
                buffer[end++] = (byte) ('0' + whole / unit % 10);
            }
            buffer[end++] = '.';
            final int fraction = magnitude % 1000;
            buffer[end++] = (byte) ('0' + fraction / 100);
            buffer[end++] = (byte) ('0' + fraction / 10 % 10);
            buffer[end++] = (byte) ('0' + fraction % 10);
        }
        return end;
    }

    /** The next line as text, without terminator. */
    String next() {
        final byte[] line = new byte[maxLineBytes()];
        return new String(line, 0, write(line, 0), StandardCharsets.US_ASCII);
    }
}
