package io.streamavg.topology;

import io.streamavg.wire.ColumnStats;

/**
 * Count, sum, mean, min, max and spread of a set of values, mergeable in any grouping: partial
 * statistics of one task's lines merge into the column's total. The sum is compensated (Neumaier)
 * so that a long stream's mean stays exact to the last bits; the spread is the sum of squared
 * deviations {@code m2}, merged with Chan et al.'s pairwise formula, which unlike a sum of squares
 * does not cancel catastrophically when the mean is large against the deviation.
 */
record RunningStats(long count, double sum, double compensation, double mean, double m2, double min, double max) {

    static final RunningStats EMPTY = new RunningStats(0, 0, 0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);

    static RunningStats of(final double value) {
        return new RunningStats(1, value, 0, value, 0, value, value);
    }

    RunningStats add(final double value) {
        return merge(of(value));
    }

    RunningStats merge(final RunningStats other) {
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        final long n = count + other.count;
        final double delta = other.mean - mean;
        final double newMean = mean + delta * other.count / n;
        final double newM2 = m2 + other.m2 + delta * delta * ((double) count * other.count / n);

        // Neumaier: add the other side's sum, keep what the addition rounded away.
        final double t = sum + other.sum;
        final double lost = Math.abs(sum) >= Math.abs(other.sum) ? (sum - t) + other.sum : (other.sum - t) + sum;
        return new RunningStats(n, t, compensation + other.compensation + lost, newMean, newM2,
                Math.min(min, other.min), Math.max(max, other.max));
    }

    double total() {
        return sum + compensation;
    }

    /** Population standard deviation, as pandas' {@code std(ddof=0)}. */
    double stddev() {
        return count == 0 ? 0 : Math.sqrt(Math.max(0, m2) / count);
    }

    ColumnStats toColumnStats(final String column) {
        final double total = total();
        return new ColumnStats(column, count, total, total / count, min, max, stddev());
    }
}
