package io.streamavg.topology;

import java.math.BigDecimal;
import java.util.Random;

/**
 * Decimal texts that take the parser off Clinger's fast path, for comparing bits with
 * {@link Double#parseDouble}: 16 to 25 significant digits, with exponents over the whole range of a
 * double and past it, and the texts nearest to the ties between two doubles.
 */
final class LongDecimals {

    private LongDecimals() {
    }

    /** One random text of the kinds above, with the point and the exponent in any of the places a CSV has them. */
    static String next(final Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> Double.toString(randomDouble(random));
            case 1 -> digits(random, 16 + random.nextInt(4)) + "e" + (random.nextInt(700) - 360);
            case 2 -> withPoint(random, digits(random, 17 + random.nextInt(9))) + "e" + (random.nextInt(660) - 330);
            case 3 -> withPoint(random, digits(random, 16 + random.nextInt(4)));
            case 4 -> nearTie(random);
            default -> subnormalOrHuge(random);
        };
    }

    /** Any finite double, its bits uniform (so every binary exponent is as likely), printed by Java. */
    static double randomDouble(final Random random) {
        double value;
        do {
            value = Double.longBitsToDouble(random.nextLong());
        } while (!Double.isFinite(value));
        return value;
    }

    /**
     * The exact decimal halfway between a double and the next, or that plus or minus a unit in its
     * 19th to 25th significant digit: where the rounding is decided by the last digit.
     */
    static String nearTie(final Random random) {
        final double low = Math.abs(random.nextInt(3) == 0 ? randomDouble(random)
                : Math.scalb(1 + random.nextDouble(), random.nextInt(130) - 30));
        final double high = Math.nextUp(low);
        if (!Double.isFinite(high)) {
            return "1.7976931348623158e308";
        }
        BigDecimal tie = new BigDecimal(low).add(new BigDecimal(high)).divide(BigDecimal.valueOf(2));
        final int nudge = random.nextInt(3) - 1;
        if (nudge != 0) {
            final int digit = tie.precision() - tie.scale() - 19 - random.nextInt(7);
            tie = tie.add(BigDecimal.ONE.scaleByPowerOfTen(digit).multiply(BigDecimal.valueOf(nudge)));
        }
        return random.nextBoolean() ? tie.toString() : tie.toPlainString().length() < 60 ? tie.toPlainString() : tie.toString();
    }

    /** Around the smallest subnormal, the largest subnormal, the smallest normal and the largest double. */
    static String subnormalOrHuge(final Random random) {
        final String[] edges = {"4.9406564584124654", "2.4703282292062327", "2.4703282292062328", "2.2250738585072011",
            "2.2250738585072014", "2.2250738585072009", "1.7976931348623157", "1.7976931348623158", "1.7976931348623159"};
        final int[] exponents = {-324, -324, -324, -308, -308, -308, 308, 308, 308};
        final int edge = random.nextInt(edges.length);
        return edges[edge] + digits(random, random.nextInt(5)) + "e" + exponents[edge];
    }

    private static String digits(final Random random, final int count) {
        final StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + (i == 0 ? 1 + random.nextInt(9) : random.nextInt(10))));
        }
        return digits.toString();
    }

    private static String withPoint(final Random random, final String digits) {
        final int point = random.nextInt(digits.length() + 1);
        return (random.nextBoolean() ? "-" : "") + digits.substring(0, point) + "." + digits.substring(point);
    }
}
