package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.wire.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class LineParserTest {

    /** pandas' default na_values, written out here rather than taken from the code under test. */
    static final List<String> PANDAS_NA_VALUES = List.of("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
            "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null");

    private final LineParser parser = new LineParser(',', 8, NaValues.of(NaValues.PANDAS_DEFAULT));

    private ParsedLine parse(final String line) {
        return parser.parse(bytes(line));
    }

    private static byte[] bytes(final String line) {
        return line.getBytes(StandardCharsets.UTF_8);
    }

    private double[] cells(final String line) {
        final ParsedLine parsed = parse(line);
        assertThat(parsed).isInstanceOf(ParsedLine.Cells.class);
        return ((ParsedLine.Cells) parsed).values();
    }

    @Test
    void shouldReadCellsByPositionWithEmptyCellsMissing() {
        assertThat(cells("1,,3,")).containsExactly(1.0, Double.NaN, 3.0, Double.NaN);
    }

    @Test
    void shouldReadQuotedCellsWithDelimitersAndEscapedQuotesInside() {
        assertThat(cells("\"1\",\" 2.5 \" , \"\"")).containsExactly(1.0, 2.5, Double.NaN);
        assertThat(parse("\"1,5\",2")).isInstanceOf(ParsedLine.Rejected.class);
        assertThat(((ParsedLine.Rejected) parse("\"a\"\"b\",2")).detail()).contains("a\"b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",", " , ,", "\"\""})
    void shouldTreatLinesWithoutAnyValueAsBlank(final String line) {
        assertThat(parse(line)).isInstanceOf(ParsedLine.Blank.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "+1", "1.", ".5", "1e3", "1E-3", "-1.5e+300", "007", " 4 ", "\"-2.5e1\""})
    void shouldAcceptDecimalText(final String number) {
        final String unquoted = number.replace("\"", "").strip();
        assertThat(cells(number)).containsExactly(Double.parseDouble(unquoted));
    }

    @Test
    void shouldDefaultToPandasNaValues() {
        assertThat(NaValues.PANDAS_DEFAULT).containsExactlyInAnyOrderElementsOf(PANDAS_NA_VALUES);
    }

    @ParameterizedTest
    @FieldSource("PANDAS_NA_VALUES")
    void shouldReadEachPandasNaValueAsMissingAndCountTheRestOfTheLine(final String token) {
        assertThat(cells("1," + token + ",3")).containsExactly(1.0, Double.NaN, 3.0);
        assertThat(cells(token + ",2")).containsExactly(Double.NaN, 2.0);
        assertThat(cells("1," + token)).containsExactly(1.0, Double.NaN);
    }

    @ParameterizedTest
    @FieldSource("PANDAS_NA_VALUES")
    void shouldReadAQuotedNaValueAsMissing(final String token) {
        assertThat(cells("\"" + token + "\",2")).containsExactly(Double.NaN, 2.0);
    }

    @Test
    void shouldCompareNaValuesWithoutTheSpacesAroundTheCell() {
        assertThat(cells("  NA ,\tnull\t, \" N/A \" ,4")).containsExactly(Double.NaN, Double.NaN, Double.NaN, 4.0);
    }

    @Test
    void shouldTreatALineOfOnlyMissingValuesAsBlank() {
        assertThat(parse("NA,,null,\"NaN\"")).isInstanceOf(ParsedLine.Blank.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"na", "Na", "NONE", "nil", "N A", "NA NA", "#N/", "NaN1", "-NA", "\"NA\"\"\""})
    void shouldRejectTextsThatOnlyResembleANaValue(final String cell) {
        assertThat(((ParsedLine.Rejected) parse("1," + cell)).reason()).isEqualTo(RejectReason.NON_NUMERIC);
    }

    @ParameterizedTest
    @ValueSource(strings = {"inf", "-inf", "Infinity", "-Infinity", "+Infinity", "INF", "NAN", "+nan", "+NaN", "1e999", "-1e999", "\"Infinity\""})
    void shouldStillRejectInfinitiesAndOtherNanSpellingsAsNotFinite(final String cell) {
        final ParsedLine.Rejected rejected = (ParsedLine.Rejected) parse("1," + cell + ",3");

        assertThat(rejected.reason()).isEqualTo(RejectReason.NOT_FINITE);
        assertThat(rejected.detail()).startsWith("column 1: not finite: '");
    }

    @Test
    void shouldReadOnlyTheConfiguredNaValuesWhenGivenAList() {
        final LineParser custom = new LineParser(';', 8, NaValues.of(List.of("missing", "?", "#N/A N/A", "")));

        assertThat(((ParsedLine.Cells) custom.parse(bytes("missing;2;?;#N/A N/A;\"?\""))).values())
                .containsExactly(Double.NaN, 2.0, Double.NaN, Double.NaN, Double.NaN);
        assertThat(((ParsedLine.Rejected) custom.parse(bytes("1;NA"))).reason()).isEqualTo(RejectReason.NON_NUMERIC);
        assertThat(((ParsedLine.Rejected) custom.parse(bytes("1;NaN"))).reason()).isEqualTo(RejectReason.NOT_FINITE);
        assertThat(((ParsedLine.Cells) custom.parse(bytes("1;;3"))).values()).containsExactly(1.0, Double.NaN, 3.0);
    }

    @Test
    void shouldReadOnlyEmptyCellsAsMissingWhenNaValuesAreTurnedOff() {
        final LineParser none = new LineParser(',', 8, NaValues.of(List.of()));

        assertThat(((ParsedLine.Rejected) none.parse(bytes("1,NA"))).reason()).isEqualTo(RejectReason.NON_NUMERIC);
        assertThat(((ParsedLine.Rejected) none.parse(bytes("1,NaN"))).reason()).isEqualTo(RejectReason.NOT_FINITE);
        assertThat(((ParsedLine.Cells) none.parse(bytes("1,,3"))).values()).containsExactly(1.0, Double.NaN, 3.0);
    }

    @Test
    void shouldReuseItsBuffersAcrossLinesOfAnyLength() {
        assertThat(cells(" ".repeat(1_000) + "7, 8")).containsExactly(7.0, 8.0);
        assertThat(cells("1,2")).containsExactly(1.0, 2.0);
        assertThat(cells("\"" + " ".repeat(200) + "5" + " ".repeat(200) + "\",6")).containsExactly(5.0, 6.0);
        assertThat(cells("\"3\"")).containsExactly(3.0);
        assertThat(((ParsedLine.Rejected) parse("1,\"é😀\"")).detail()).isEqualTo("column 1: not a number: 'é😀'");
        assertThat(((ParsedLine.Rejected) parse("1," + "x".repeat(300))).detail()).isEqualTo("column 1: not a number: '" + "x".repeat(40) + "…'");
    }

    @Test
    void shouldGiveEachRejectionItsReason() {
        assertThat(((ParsedLine.Rejected) parse("1,abc")).reason()).isEqualTo(RejectReason.NON_NUMERIC);
        assertThat(((ParsedLine.Rejected) parse("1,-inf")).reason()).isEqualTo(RejectReason.NOT_FINITE);
        assertThat(((ParsedLine.Rejected) parse("1,2e308")).reason()).isEqualTo(RejectReason.NOT_FINITE);
        assertThat(((ParsedLine.Rejected) parse("1,\"2")).reason()).isEqualTo(RejectReason.MALFORMED_QUOTING);
        assertThat(((ParsedLine.Rejected) parse("1,2,3,4,5,6,7,8,9")).reason()).isEqualTo(RejectReason.TOO_MANY_COLUMNS);
        assertThat(((ParsedLine.Rejected) parser.parse(new byte[] {'1', (byte) 0xFF})).reason()).isEqualTo(RejectReason.INVALID_UTF8);
    }

    @Test
    void shouldAcceptExactlyTheColumnLimit() {
        assertThat(cells("1,2,3,4,5,6,7,8")).hasSize(8);
    }

    @Test
    void shouldKeepTheRawBytesOfARejectedLine() {
        final byte[] raw = "1,x".getBytes(StandardCharsets.UTF_8);

        assertThat(((ParsedLine.Rejected) parser.parse(raw)).raw()).isEqualTo(raw);
    }

    @Test
    void shouldReadEveryLineOnTheFastPathExactlyAsTheGeneralPathDoes() {
        final String[] cells = {"", " ", "1", "-2.5", "+3.", ".5", "-.25", "007", "-0", "0.0", "1e5", "1E-3", "-4.2e+22", "1e23",
            "123456789012345678", "1234567890123456789", "9007199254740993", "0.1234567890123456789", "12e1234", "1e", "1.2.3",
            "-", "+", ".", "e5", "NaN", "NA", "n/a", "inf", "-Infinity", "0x1p3", "1d", "\"4\"", "\"x\"", "a", "é", "\t7\t", " 8 ",
            "1.7976931348623157e308", "4.9e-324", "1_000", "0.8736785232423456", "3.1416e+05", " NaN ", "nan", "NULL", "#N/A N/A",
            "-1.#IND", "1.#QNAN", "1e99999", "-1e-99999", "00000000000000000000001.5", "0.000000000000000000001234567890123456789",
            "18446744073709551615", "18446744073709551616", "9999999999999999999.5", "2.4703282292062327e-324", "1.7976931348623159e308"};
        final Random random = new Random(20261125);
        // A column limit below the parser's first buffer, and a delimiter that is also a space, each take their own turns.
        final List<LineParser> parsers = List.of(new LineParser(',', 32, NaValues.of(NaValues.PANDAS_DEFAULT)),
                new LineParser(',', 3, NaValues.of(NaValues.PANDAS_DEFAULT)), new LineParser('\t', 32, NaValues.of(NaValues.PANDAS_DEFAULT)));
        final char[] delimiters = {',', ',', '\t'};
        for (int line = 0; line < 60_000; line++) {
            final int turn = line % parsers.size();
            final LineParser parser = parsers.get(turn);
            final StringBuilder text = new StringBuilder();
            final int count = 1 + random.nextInt(random.nextInt(10) == 0 ? 40 : 8);
            for (int cell = 0; cell < count; cell++) {
                if (cell > 0) {
                    text.append(delimiters[turn]);
                }
                text.append(switch (random.nextInt(8)) {
                    case 0, 1 -> cells[random.nextInt(cells.length)];
                    case 2 -> LongDecimals.next(random);
                    default -> String.valueOf(random.nextInt(2_000_000) / 1000.0 - 1000);
                });
            }
            final byte[] raw = text.toString().getBytes(StandardCharsets.UTF_8);
            final ParsedLine fast = parser.parse(raw);
            final ParsedLine general = parser.parseGeneral(raw);
            if (fast instanceof ParsedLine.Cells fastCells) {
                assertThat(general).as(text.toString()).isInstanceOfSatisfying(ParsedLine.Cells.class, generalCells ->
                        assertThat(Arrays.stream(fastCells.values()).mapToLong(Double::doubleToRawLongBits).toArray()).as(text.toString())
                                .isEqualTo(Arrays.stream(generalCells.values()).mapToLong(Double::doubleToRawLongBits).toArray()));
            } else if (fast instanceof ParsedLine.Rejected rejected) {
                assertThat(general).as(text.toString()).isInstanceOfSatisfying(ParsedLine.Rejected.class, expected ->
                        assertThat(rejected.detail()).isEqualTo(expected.detail()));
            } else {
                assertThat(general).as(text.toString()).isEqualTo(fast);
            }
        }
    }

    @Test
    void shouldReadLongDecimalsOnBothPathsToTheBitsParseDoubleGives() {
        final Random random = new Random(20261206);
        final LineParser parser = new LineParser(',', 32, NaValues.of(NaValues.PANDAS_DEFAULT));
        for (int line = 0; line < 20_000; line++) {
            final String[] texts = new String[1 + random.nextInt(12)];
            final long[] expected = new long[texts.length];
            for (int cell = 0; cell < texts.length; cell++) {
                do {
                    texts[cell] = LongDecimals.next(random);
                    expected[cell] = Double.doubleToRawLongBits(Double.parseDouble(texts[cell]));
                } while (Double.isInfinite(Double.longBitsToDouble(expected[cell])));
            }
            final String text = String.join(",", texts);
            for (final ParsedLine parsed : List.of(parser.parse(bytes(text)), parser.parseGeneral(bytes(text)))) {
                assertThat(parsed).as(text).isInstanceOfSatisfying(ParsedLine.Cells.class, cells ->
                        assertThat(Arrays.stream(cells.values()).mapToLong(Double::doubleToRawLongBits).toArray()).as(text)
                                .isEqualTo(expected));
            }
        }
    }
}
