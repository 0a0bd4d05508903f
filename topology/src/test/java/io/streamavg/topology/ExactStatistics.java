package io.streamavg.topology;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.function.DoubleConsumer;

/**
 * Sum, mean and population standard deviation of doubles in exact arithmetic: the sums of the
 * values and of their squares are exact, and only the final division and square root are
 * rounded, to 50 digits.
 *
 * <p>Every double is an integer times a power of two, so the sums are kept as integers times
 * 2^{@link #exponent} (4^exponent for the squares), the smallest power seen: BigInteger additions,
 * several times faster than BigDecimal ones over 10^7 values; they become BigDecimals, still
 * exact, only at the end.
 */
final class ExactStatistics implements DoubleConsumer {

    private static final MathContext DIGITS_50 = new MathContext(50);

    private long count;
    private BigInteger sum = BigInteger.ZERO;
    private BigInteger sumOfSquares = BigInteger.ZERO;
    private int exponent = Integer.MAX_VALUE;

    static ExactStatistics of(final double... values) {
        final ExactStatistics exact = new ExactStatistics();
        for (final double value : values) {
            exact.accept(value);
        }
        return exact;
    }

    @Override
    public void accept(final double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not finite: " + value);
        }
        count++;
        if (value == 0) {
            return;
        }
        final long bits = Double.doubleToRawLongBits(value);
        final int biased = (int) (bits >>> 52) & 0x7FF;
        final long fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        // value = ±significand · 2^power exactly (subnormals have no implicit bit).
        final long significand = biased == 0 ? fraction : fraction | 1L << 52;
        final int power = (biased == 0 ? 1 : biased) - 1075;
        if (power < exponent) {
            if (exponent != Integer.MAX_VALUE) {
                sum = sum.shiftLeft(exponent - power);
                sumOfSquares = sumOfSquares.shiftLeft(2 * (exponent - power));
            }
            exponent = power;
        }
        final BigInteger integer = BigInteger.valueOf(value < 0 ? -significand : significand).shiftLeft(power - exponent);
        sum = sum.add(integer);
        sumOfSquares = sumOfSquares.add(integer.multiply(integer));
    }

    BigDecimal sum() {
        return exactly(sum, exponent);
    }

    BigDecimal mean() {
        return sum().divide(BigDecimal.valueOf(count), DIGITS_50);
    }

    /** sqrt((n·Σx² − (Σx)²) / n²): exact up to the division. */
    BigDecimal stddev() {
        final BigDecimal n = BigDecimal.valueOf(count);
        final BigDecimal sum = sum();
        final BigDecimal variance = n.multiply(exactly(sumOfSquares, 2 * exponent)).subtract(sum.multiply(sum))
                .divide(n.multiply(n), DIGITS_50);
        return variance.sqrt(DIGITS_50);
    }

    /** {@code integer · 2^power} as a BigDecimal, exactly: 2^-k is 5^k / 10^k. */
    private static BigDecimal exactly(final BigInteger integer, final int power) {
        if (integer.signum() == 0) {
            return BigDecimal.ZERO;
        }
        return power >= 0 ? new BigDecimal(integer.shiftLeft(power))
                : new BigDecimal(integer.multiply(BigInteger.valueOf(5).pow(-power)), -power);
    }
}
