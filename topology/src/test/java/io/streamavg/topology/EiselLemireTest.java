package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EiselLemireTest {

    @Test
    void shouldGiveTheBitsParseDoubleGivesOrNoAnswerForAnySignificandAndExponent() {
        final Random random = new Random(20261206);
        final List<String> wrong = new ArrayList<>();
        int decided = 0;
        final int trials = 400_000;
        for (int i = 0; i < trials; i++) {
            final long significand = switch (i % 4) {
                case 0 -> random.nextLong(); // any 64 bits, read as unsigned: up to 20 digits
                case 1 -> 1 + Math.floorMod(random.nextLong(), 9_999_999_999_999_999L); // up to 19 digits
                case 2 -> (1L << 53) + random.nextInt(1024); // just past Clinger's limit
                default -> 1 + random.nextLong(100_000_000_000_000_000L); // 17 digits and fewer
            };
            final int exponent = random.nextInt(EiselLemire.MAX_EXPONENT - EiselLemire.MIN_EXPONENT + 41) + EiselLemire.MIN_EXPONENT - 20;
            final String text = Long.toUnsignedString(significand) + "e" + exponent;
            final double nearest = EiselLemire.nearest(significand, exponent);
            if (!Double.isNaN(nearest)) {
                decided++;
                if (Double.doubleToRawLongBits(nearest) != Double.doubleToRawLongBits(Double.parseDouble(text))) {
                    wrong.add(text);
                }
            }
        }

        assertThat(wrong).isEmpty();
        // Undecided are only the subnormal and infinite results, outside the table's range, and rare carries or ties.
        assertThat(decided).isGreaterThan(trials * 8 / 10);
    }

    @Test
    void shouldDecideNearlyEveryRealisticNumber() {
        // 16 to 19 digits with the point inside or before them: what printed doubles and sensors write.
        final Random random = new Random(7);
        int decided = 0;
        for (int i = 0; i < 100_000; i++) {
            final long significand = 1_000_000_000_000_000L + random.nextLong(8_999_999_999_999_999_999L);
            final int exponent = -random.nextInt(1, 30);
            if (!Double.isNaN(EiselLemire.nearest(significand, exponent))) {
                decided++;
            }
        }

        // The undecided (0.09% here) are numbers of 54 bits or fewer, such as 4974404947097256.25:
        // the rounded-down power puts the product just below bits that are all zero, and a carry
        // cannot be ruled out. Uniform digits hit them once in a thousand; printed doubles hardly ever.
        assertThat(decided).isGreaterThan(99_800);
    }

    @Test
    void shouldSettleExactTiesOfIntegersByRoundingToEven() {
        final Random random = new Random(11);
        for (int i = 0; i < 10_000; i++) {
            // Between 2^(53+k) and 2^(54+k) the doubles are 2^k apart: halfway is an odd multiple of 2^(k-1).
            final int shift = random.nextInt(1, 11);
            final long tie = ((1L << 53) + random.nextLong(1L << 52) << shift) + (1L << shift - 1);
            final String text = Long.toUnsignedString(tie);

            assertThat(Double.doubleToRawLongBits(EiselLemire.nearest(tie, 0))).as(text)
                    .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "90071992547409930, -1", // 2^53 + 1: halfway between 2^53 and 2^53 + 2, with a power of ten that is not exact
        "5, -324", // half the smallest subnormal, as exact digits could not say
        "22250738585072011, -324",
        "17976931348623159, 292", // past the largest double
        "1, 400",
        "1, -400"})
    void shouldLeaveTiesAndEdgesUndecidedRatherThanGuess(final String significand, final int exponent) {
        final double nearest = EiselLemire.nearest(Long.parseUnsignedLong(significand), exponent);

        assertThat(Double.isNaN(nearest) || nearest == Double.parseDouble(significand + "e" + exponent)).as(significand).isTrue();
        assertThat(nearest).as("a tie, a subnormal, an infinity or out of the table").isNaN();
    }

    @ParameterizedTest
    @CsvSource({"1, 0", "17976931348623157, 292", "22250738585072014, -324", "12345678901234567890, -10", "18446744073709551615, 0",
        "1, -307", "1, 308", "9007199254740993, 0", "9007199254740995, 0", "9007199254740993, 27", "8736785232423456, -16", "30000000000000004, -17"})
    void shouldAgreeWithParseDoubleAtTheEndsOfItsRange(final String significand, final int exponent) {
        assertThat(Double.doubleToRawLongBits(EiselLemire.nearest(Long.parseUnsignedLong(significand), exponent)))
                .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(significand + "e" + exponent)));
    }
}
