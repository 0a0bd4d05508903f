package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.wire.RejectReason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineParserTest {

    private final LineParser parser = new LineParser(',', 8);

    private ParsedLine parse(final String line) {
        return parser.parse(line.getBytes(StandardCharsets.UTF_8));
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
    @ValueSource(strings = {"0", "-1", "+1", "1.", ".5", "1e3", "1E-3", "-1.5e+300", "007"})
    void shouldAcceptDecimalText(final String number) {
        assertThat(LineParser.isDecimal(number)).isTrue();
        assertThat(cells(number)).containsExactly(Double.parseDouble(number));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x1p3", "1d", "1.0f", "1e", "e3", ".", "-", "1 2", "1,5e", "Infinity", "NaN", "١"})
    void shouldRejectWhatIsNotDecimalText(final String number) {
        assertThat(LineParser.isDecimal(number)).isFalse();
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
}
