package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecimalTextTest {

    private static double parse(final String text) {
        return DecimalText.parse(text.toCharArray(), 0, text.length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "+0", "-0.0e5", "0e999999", "-1", "+1", "1.", ".5", "1e3", "1E-3", "-1.5e+300", "007",
        "5.1", "0.1", "0.3", "1013.25", "9007199254740991", "9007199254740993", "0.30000000000000004",
        "123456789012345678901234567890", "1.00000000000000000000000000001", "100000000000000000000000000000e-29",
        "2.2250738585072011e-308", "4.9e-324", "2e-324", "1e-400", "1.7976931348623157e308", "1e22", "1e23", "1e-22", "1e-23",
        "0.000000000000000000000000000000000000000001", "1e2147483648", "1e-2147483649"})
    void shouldReadDecimalTextAsParseDoubleDoes(final String text) {
        assertThat(Double.doubleToRawLongBits(parse(text))).as(text).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e309", "1.8e308", "-1e999", "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792"})
    void shouldOverflowToInfinityAsParseDoubleDoes(final String text) {
        assertThat(parse(text)).isInfinite().isEqualTo(Double.parseDouble(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0x1p3", "1d", "1.0f", "1e", "e3", ".", "-", "+", "1 2", " 1", "1 ", "1,5e", "1e+", "1e3.5",
        "Infinity", "NaN", "١", "1..2", "--1", "+-1", ".e1"})
    void shouldGiveNaNForWhatIsNotDecimalText(final String text) {
        assertThat(parse(text)).as(text).isNaN();
    }

    @Test
    void shouldReadAPartOfTheCharactersOnly() {
        assertThat(DecimalText.parse("x12.5,y".toCharArray(), 1, 5)).isEqualTo(12.5);
    }

    @Test
    void shouldAgreeWithParseDoubleOnRandomDecimalTextToTheLastBit() {
        final Random random = new Random(20261125);
        final List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            final String text = switch (i % 3) {
                case 0 -> Double.toString(Double.longBitsToDouble(random.nextLong())).replace("Infinity", "1").replace("NaN", "2");
                case 1 -> randomDigits(random) + "e" + (random.nextInt(80) - 40);
                default -> {
                    final String digits = randomDigits(random);
                    final int point = random.nextInt(digits.length() + 1);
                    yield (random.nextBoolean() ? "-" : "") + digits.substring(0, point) + "." + digits.substring(point);
                }
            };
            if (Double.doubleToRawLongBits(parse(text)) != Double.doubleToRawLongBits(Double.parseDouble(text))) {
                mismatches.add(text);
            }
        }

        assertThat(mismatches).isEmpty();
    }

    @Test
    void shouldAgreeWithParseDoubleOnLongDecimalsToTheLastBit() {
        final Random random = new Random(20261206);
        final List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < 300_000; i++) {
            final String text = LongDecimals.next(random);
            if (Double.doubleToRawLongBits(parse(text)) != Double.doubleToRawLongBits(Double.parseDouble(text))) {
                mismatches.add(text);
            }
        }

        assertThat(mismatches).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"9007199254740993", "9007199254740993.0000000000000000001", "9007199254740992.9999999999999999999",
        "9007199254740995", "90071992547409930e-1", "4.9406564584124654e-324", "2.4703282292062327e-324",
        "2.4703282292062328e-324", "2.47032822920623272088e-324", "2.2250738585072011e-308", "2.2250738585072012e-308",
        "2.2250738585072014e-308", "2.225073858507201136057409796709131975934819546351645648e-308", "1.7976931348623157e308",
        "1.7976931348623158e308", "0.1000000000000000055511151231257827", "0.10000000000000000555111512312578270211815834045410156250",
        "0.30000000000000004", "0.8736785232423456", "-0.8736785232423456", "12345678901234567890", "18446744073709551615",
        "18446744073709551616", "99999999999999999999e-20", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203126"})
    void shouldReadTiesAndEdgesAsParseDoubleDoes(final String text) {
        assertThat(Double.doubleToRawLongBits(parse(text))).as(text).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }

    private static String randomDigits(final Random random) {
        final StringBuilder digits = new StringBuilder();
        final int length = 1 + random.nextInt(random.nextBoolean() ? 8 : 22);
        for (int i = 0; i < length; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }
}
