package io.streamavg.topology;

import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.WindowStats;
import java.time.Instant;

/**
 * Count, sum, mean, min, max and spread of a set of values, mergeable in any grouping: partial
 * statistics of one task's lines merge into the column's total.
 *
 * <p>The sum is kept as an unevaluated pair {@code sumHigh + sumLow} (double-double, about 106
 * bits: each addition's rounding error is carried in the low part), and the mean is that sum
 * divided by the count. A running mean in one double, as the first version kept, is not enough:
 * at 1e15 it is rounded by up to 0.06, and Chan's merge turns a mean off by ε into a spread off by
 * about n·ε² (up to 1.6e-5 relative for 1e15 ± 1e3 over 10^7 values; from the pair, the
 * correctly rounded value). The spread is the sum of squared deviations {@code m2High + m2Low},
 * merged with Chan et al.'s pairwise formula, whose terms are never negative: no cancellation,
 * whatever the mean.
 *
 * <p>No statistic may overflow or underflow on finite input, so both are kept scaled by a power of
 * two that follows from the largest magnitude seen (and so needs no field): the sum divided by
 * 2^{@link #sumScale}, which brings that magnitude just below 2^960, where a sum of 2^63 values
 * still fits, and {@code m2} divided by 4^{@link #spreadScale}, which brings it below 2^470, where
 * squared deviations times a count fit, and deviations of values near {@link Double#MIN_VALUE}
 * do not square to zero. Scaling by a power of two is exact, except for bits of values so much
 * smaller than the largest one that none of the statistics can show them. The reported sum is
 * ±Infinity only when the true sum is beyond a double; the mean, which lies between min and max,
 * and the standard deviation, at most half their distance, are always finite.
 */
record RunningStats(long count, double sumHigh, double sumLow, double m2High, double m2Low, double min, double max) {

    static final RunningStats EMPTY = new RunningStats(0, 0, 0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);

    /** Scaled values are below 2^960, so that a sum of up to 2^63 of them stays below 2^1023. */
    static final int SUM_EXPONENT = 959;
    /**
     * Scaled values are below 2^470: deviations below 2^471, their squares below 2^942, and a
     * square times a count (up to 2^63) below 2^1005, so {@code m2} cannot overflow either.
     */
    static final int SPREAD_EXPONENT = 469;
    /** 2^27 + 1: Dekker's splitting constant, cuts a double into two halves of 26 bits. */
    private static final double SPLITTER = 134_217_729.0;

    static RunningStats of(final double value) {
        return new RunningStats(1, Math.scalb(value, -sumScale(Math.abs(value))), 0, 0, 0, value, value);
    }

    /**
     * {@code merge(of(value))}, without the one-value side's division: its mean is the value
     * itself. The arithmetic is {@link StatsAccumulator}'s, which folds lines without allocating.
     */
    RunningStats add(final double value) {
        final StatsAccumulator accumulator = StatsAccumulator.of(this);
        accumulator.add(value);
        return accumulator.toStats();
    }

    RunningStats merge(final RunningStats other) {
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        final long n = count + other.count;
        final double newMin = Math.min(min, other.min);
        final double newMax = Math.max(max, other.max);
        final double magnitude = magnitude(newMin, newMax);
        final int sumScale = sumScale(magnitude);
        final int spreadScale = spreadScale(magnitude);

        final Wide sumA = scaledSum(sumScale);
        final Wide sumB = other.scaledSum(sumScale);
        // Chan et al.: M2 = M2a + M2b + δ²·na·nb/n, δ the difference of the means, taken from the
        // double-double sums so that δ is right to a double's precision however large the means are.
        final double delta = Math.scalb(sumB.dividedBy(other.count).minus(sumA.dividedBy(count)).value(),
                sumScale - spreadScale);
        // Multiplied before dividing: small counts and deviations then give exact results (1, 4, 7: M2 = 18).
        final double between = delta * delta * count / n * other.count;
        final Wide m2 = scaledM2(spreadScale).plus(other.scaledM2(spreadScale)).plus(between);
        final Wide sum = sumA.plus(sumB);
        return new RunningStats(n, sum.high, sum.low, m2.high, m2.low, newMin, newMax);
    }

    /** The sum; ±Infinity when it is beyond a double. */
    double total() {
        return count == 0 ? 0 : Math.scalb(sumHigh + sumLow, sumScale(magnitude(min, max)));
    }

    double mean() {
        if (count == 0) {
            return Double.NaN;
        }
        final double mean = Math.scalb(new Wide(sumHigh, sumLow).dividedBy(count).value(), sumScale(magnitude(min, max)));
        // A mean rounded a hair outside [min, max] (all values equal, say) would look like a bug.
        return Math.min(max, Math.max(min, mean));
    }

    /** Population standard deviation, as pandas' {@code std(ddof=0)}. */
    double stddev() {
        if (count == 0) {
            return 0;
        }
        return Math.scalb(Math.sqrt(Math.max(0, m2High + m2Low) / count), spreadScale(magnitude(min, max)));
    }

    ColumnStats toColumnStats(final String column) {
        return new ColumnStats(column, count, total(), mean(), min, max, stddev());
    }

    WindowStats toWindowStats(final String column, final Instant windowStart, final Instant windowEnd) {
        return new WindowStats(column, windowStart, windowEnd, count, total(), mean(), min, max, stddev());
    }

    /**
     * The statistics as the first version of the state stores kept them: an unscaled Neumaier sum
     * and its compensation, a running mean, and an unscaled {@code m2}. Where that version had
     * overflowed, the sum is taken back from its mean (which overflowed later, if at all); what
     * was lost there to infinity or NaN stays lost.
     */
    static RunningStats fromFirstVersion(final long count, final double sum, final double compensation, final double mean,
                                         final double m2, final double min, final double max) {
        if (count == 0) {
            return EMPTY;
        }
        final double magnitude = magnitude(min, max);
        final int sumScale = sumScale(magnitude);
        final int spreadScale = spreadScale(magnitude);
        final Wide scaledSum;
        if (Double.isFinite(sum) && Double.isFinite(compensation)) {
            scaledSum = Wide.sum(Math.scalb(sum, -sumScale), Math.scalb(compensation, -sumScale));
        } else {
            scaledSum = Wide.product(Math.scalb(mean, -sumScale), count);
        }
        return new RunningStats(count, scaledSum.high, scaledSum.low, Math.scalb(m2, -2 * spreadScale), 0, min, max);
    }

    private Wide scaledSum(final int scale) {
        final int shift = sumScale(magnitude(min, max)) - scale;
        return shift == 0 ? new Wide(sumHigh, sumLow) : new Wide(Math.scalb(sumHigh, shift), Math.scalb(sumLow, shift));
    }

    private Wide scaledM2(final int scale) {
        final int shift = 2 * (spreadScale(magnitude(min, max)) - scale);
        return shift == 0 ? new Wide(m2High, m2Low) : new Wide(Math.scalb(m2High, shift), Math.scalb(m2Low, shift));
    }

    static double magnitude(final double min, final double max) {
        return Math.max(Math.abs(min), Math.abs(max));
    }

    /** Negative for all but huge magnitudes: scaling up is as exact as scaling down, and keeps tiny values' bits. */
    static int sumScale(final double magnitude) {
        return Math.getExponent(magnitude) - SUM_EXPONENT;
    }

    private static int spreadScale(final double magnitude) {
        return Math.getExponent(magnitude) - SPREAD_EXPONENT;
    }

    /**
     * A double-double {@code high + low} with {@code |low| <= ulp(high) / 2}. The error-free
     * transformations are Knuth's two-sum and Dekker's product; {@link Math#fma} would be shorter
     * but falls back to BigDecimal arithmetic on processors without FMA, on the hot path.
     */
    private record Wide(double high, double low) {

        static Wide sum(final double a, final double b) {
            final double s = a + b;
            final double bb = s - a;
            return new Wide(s, (a - (s - bb)) + (b - bb));
        }

        /** {@code a · n} exactly, for a count {@code n} up to 2^53 (beyond, n itself is rounded). */
        static Wide product(final double a, final long n) {
            final double b = n;
            final double p = a * b;
            final double aSplit = SPLITTER * a;
            final double aHigh = aSplit - (aSplit - a);
            final double aLow = a - aHigh;
            final double bSplit = SPLITTER * b;
            final double bHigh = bSplit - (bSplit - b);
            final double bLow = b - bHigh;
            final double error = ((aHigh * bHigh - p) + aHigh * bLow + aLow * bHigh) + aLow * bLow;
            return new Wide(p, error);
        }

        Wide plus(final Wide other) {
            final Wide high = sum(this.high, other.high);
            return normalized(high.high, high.low + low + other.low);
        }

        Wide plus(final double other) {
            final Wide high = sum(this.high, other);
            return normalized(high.high, high.low + low);
        }

        Wide minus(final Wide other) {
            return plus(new Wide(-other.high, -other.low));
        }

        /** The quotient by a count, to about 106 bits: the first quotient's remainder is exact. */
        Wide dividedBy(final long n) {
            final double first = high / n;
            final Wide taken = product(first, n);
            final double remainder = ((high - taken.high) - taken.low) + low;
            return normalized(first, remainder / n);
        }

        double value() {
            return high + low;
        }

        private static Wide normalized(final double high, final double low) {
            final double s = high + low;
            return new Wide(s, low - (s - high));
        }
    }
}
