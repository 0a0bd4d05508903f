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

    private static String randomDigits(final Random random) {
        final StringBuilder digits = new StringBuilder();
        final int length = 1 + random.nextInt(random.nextBoolean() ? 8 : 22);
        for (int i = 0; i < length; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }
}
