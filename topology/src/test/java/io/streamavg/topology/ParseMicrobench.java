package io.streamavg.topology;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Not a test: times reading the bench's numbers ({@code -123.456}, 8 to a line, as
 * {@code ./streamavg bench topology} writes them) with {@link DecimalText} and with FastDoubleParser,
 * and whole lines with {@link LineParser}, in ns per cell. A plain loop with warm-up rounds, not JMH:
 * good for a factor, not for a few percent. Run (after {@code ./mvnw -o test-compile -pl topology -am}):
 * <pre>
 * java -cp "topology/target/test-classes:topology/target/classes:$(cat /tmp/topology.cp)" io.streamavg.topology.ParseMicrobench
 * </pre>
 * with {@code /tmp/topology.cp} from {@code ./mvnw -o -q dependency:build-classpath -pl topology -Dmdep.outputFile=/tmp/topology.cp}.
 */
public final class ParseMicrobench {

    private static final int LINES = 200_000;
    private static final int COLUMNS = 8;

    private ParseMicrobench() {
    }

    public static void main(final String[] args) {
        final SplittableRandom random = new SplittableRandom(1);
        final byte[][] lines = new byte[LINES][];
        final char[][] cells = new char[LINES * COLUMNS][];
        for (int i = 0; i < LINES; i++) {
            final StringBuilder line = new StringBuilder();
            for (int c = 0; c < COLUMNS; c++) {
                final int thousandths = random.nextInt(-1_000_000, 1_000_000);
                final String cell = String.format("%s%d.%03d", thousandths < 0 ? "-" : "", Math.abs(thousandths) / 1000, Math.abs(thousandths) % 1000);
                cells[i * COLUMNS + c] = cell.toCharArray();
                line.append(c == 0 ? "" : ",").append(cell);
            }
            lines[i] = line.toString().getBytes(StandardCharsets.UTF_8);
        }
        final LineParser parser = new LineParser(',', 1024, NaValues.of(List.of()));
        for (int round = 0; round < 12; round++) {
            long start = System.nanoTime();
            double sum = 0;
            for (final char[] cell : cells) {
                sum += DecimalText.parse(cell, 0, cell.length);
            }
            final double decimalText = (System.nanoTime() - start) / (double) cells.length;
            start = System.nanoTime();
            for (final char[] cell : cells) {
                sum += JavaDoubleParser.parseDouble(cell, 0, cell.length);
            }
            final double fast = (System.nanoTime() - start) / (double) cells.length;
            start = System.nanoTime();
            for (final byte[] line : lines) {
                sum += ((ParsedLine.Cells) parser.parse(line)).values()[0];
            }
            final double whole = (System.nanoTime() - start) / (double) cells.length;
            System.out.printf("round %2d: DecimalText %.1f ns/cell, FastDoubleParser %.1f ns/cell, LineParser whole lines %.1f ns/cell (%s)%n",
                    round, decimalText, fast, whole, sum == 0 ? "0" : "ok");
        }
    }
}
