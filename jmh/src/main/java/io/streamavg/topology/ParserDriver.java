package io.streamavg.topology;

import java.util.function.ToLongFunction;

/**
 * Parses lines with the {@link LineParser} of the class loader that loaded it, for
 * {@link ParserCpuComparison}, which loads one per build of the topology: the interface is the
 * JDK's, so the two builds' classes never meet. Returns a checksum of what it read, so that the
 * work cannot be left out.
 */
public final class ParserDriver implements ToLongFunction<byte[][]> {

    private final LineParser parser = new LineParser(',', 1024, NaValues.of(NaValues.PANDAS_DEFAULT));

    @Override
    public long applyAsLong(final byte[][] lines) {
        long checksum = 0;
        for (final byte[] line : lines) {
            if (parser.parse(line) instanceof ParsedLine.Cells cells) {
                for (final double value : cells.values()) {
                    checksum = 31 * checksum + Double.doubleToRawLongBits(value);
                }
            }
        }
        return checksum;
    }
}
