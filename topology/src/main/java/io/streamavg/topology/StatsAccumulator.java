package io.streamavg.topology;

/**
 * One column's partial statistics while a task folds lines into them: {@link RunningStats}'
 * arithmetic, done in place. {@link RunningStats#add} is this class, so that the two cannot drift
 * apart; the record stays the value that is merged, serialised and repartitioned.
 *
 * <p>Why a mutable twin: adding one value to the immutable record allocated the record and, for
 * the double-double steps, several intermediate pairs: about a third of the bytes a line allocated
 * in a profile of the topology bench (docs/BENCHMARKS.md). Here a value costs no allocation, and
 * the scaling of the stored sum and spread (a power of two that follows from the largest magnitude
 * seen) is recomputed only when the minimum or maximum changes, and the value itself is scaled by
 * a multiplication, which gives exactly {@link Math#scalb}'s result whenever the factor is a
 * normal double.
 */
final class StatsAccumulator {

    /**
     * 2^(spread scale - sum scale), a constant: {@code Math.scalb(x, n)} for |n| below 512 is one
     * multiplication by 2^n, so multiplying by this gives its bits, at a fraction of its cost
     * (5.6% of the stream thread in a profile).
     */
    private static final double SUM_TO_SPREAD = Math.scalb(1.0, RunningStats.SPREAD_EXPONENT - RunningStats.SUM_EXPONENT);
    /** 2^27 + 1: Dekker's splitting constant, cuts a double into two halves of 26 bits. */
    private static final double SPLITTER = 134_217_729.0;

    private long count;
    private double sumHigh;
    private double sumLow;
    private double m2High;
    private double m2Low;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    /** The scales that follow from the magnitude of {@link #min} and {@link #max}, as RunningStats derives them. */
    private int sumScale;
    private int spreadScale;
    /** 2^-{@link #sumScale} when that is a normal double, else 0: then values are scaled by {@link Math#scalb}. */
    private double toSumScale;

    static StatsAccumulator of(final RunningStats stats) {
        final StatsAccumulator accumulator = new StatsAccumulator();
        if (stats.count() > 0) {
            accumulator.count = stats.count();
            accumulator.sumHigh = stats.sumHigh();
            accumulator.sumLow = stats.sumLow();
            accumulator.m2High = stats.m2High();
            accumulator.m2Low = stats.m2Low();
            accumulator.min = stats.min();
            accumulator.max = stats.max();
            accumulator.rescaled(RunningStats.sumScale(RunningStats.magnitude(stats.min(), stats.max())));
        }
        return accumulator;
    }

    long count() {
        return count;
    }

    RunningStats toStats() {
        return count == 0 ? RunningStats.EMPTY : new RunningStats(count, sumHigh, sumLow, m2High, m2Low, min, max);
    }

    /** Adds a finite value. */
    void add(final double value) {
        if (count == 0) {
            min = value;
            max = value;
            rescaled(RunningStats.sumScale(Math.abs(value)));
            sumHigh = scaledToSum(value);
            count = 1;
            return;
        }
        if (value < min || value > max) {
            final int previousSumScale = sumScale;
            final int previousSpreadScale = spreadScale;
            min = Math.min(min, value);
            max = Math.max(max, value);
            rescaled(RunningStats.sumScale(RunningStats.magnitude(min, max)));
            if (sumScale != previousSumScale) {
                final int shift = previousSumScale - sumScale;
                sumHigh = Math.scalb(sumHigh, shift);
                sumLow = Math.scalb(sumLow, shift);
            }
            if (spreadScale != previousSpreadScale) {
                final int shift = 2 * (previousSpreadScale - spreadScale);
                m2High = Math.scalb(m2High, shift);
                m2Low = Math.scalb(m2Low, shift);
            }
        }
        final long n = count + 1;
        final double scaled = scaledToSum(value);

        // The mean, sum / count, to about 106 bits (RunningStats.Wide.dividedBy): the first
        // quotient's remainder is exact.
        final double first = sumHigh / count;
        final double countAsDouble = count;
        final double product = first * countAsDouble;
        final double firstSplit = SPLITTER * first;
        final double firstHigh = firstSplit - (firstSplit - first);
        final double firstLow = first - firstHigh;
        final double countSplit = SPLITTER * countAsDouble;
        final double countHigh = countSplit - (countSplit - countAsDouble);
        final double countLow = countAsDouble - countHigh;
        final double productError = ((firstHigh * countHigh - product) + firstHigh * countLow + firstLow * countHigh) + firstLow * countLow;
        final double remainder = ((sumHigh - product) - productError) + sumLow;
        final double meanLowRaw = remainder / count;
        final double meanHigh = first + meanLowRaw;
        final double meanLow = meanLowRaw - (meanHigh - first);

        // scaled - mean, exact before the last rounding: Knuth's two-sum, then the low parts.
        final double difference = scaled + -meanHigh;
        final double differenceB = difference - scaled;
        final double differenceError = (scaled - (difference - differenceB)) + (-meanHigh - differenceB);
        final double delta = (difference + (differenceError - meanLow)) * SUM_TO_SPREAD;

        // m2 + delta² · count / n and sum + scaled, each a two-sum then a renormalisation
        // (RunningStats.Wide.plus).
        final double term = delta * delta * count / n;
        final double m2Sum = m2High + term;
        final double m2B = m2Sum - m2High;
        final double m2Error = (m2High - (m2Sum - m2B)) + (term - m2B) + m2Low;
        m2High = m2Sum + m2Error;
        m2Low = m2Error - (m2High - m2Sum);

        final double sum = sumHigh + scaled;
        final double sumB = sum - sumHigh;
        final double sumError = (sumHigh - (sum - sumB)) + (scaled - sumB) + sumLow;
        sumHigh = sum + sumError;
        sumLow = sumError - (sumHigh - sum);

        count = n;
    }

    private void rescaled(final int newSumScale) {
        sumScale = newSumScale;
        spreadScale = newSumScale + RunningStats.SUM_EXPONENT - RunningStats.SPREAD_EXPONENT;
        toSumScale = -newSumScale >= Double.MIN_EXPONENT && -newSumScale <= Double.MAX_EXPONENT ? Math.scalb(1.0, -newSumScale) : 0;
    }

    private double scaledToSum(final double value) {
        return toSumScale != 0 ? value * toSumScale : Math.scalb(value, -sumScale);
    }
}
