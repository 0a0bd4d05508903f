package io.streamavg.topology;

/**
 * Reads decimal text, {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}, to the
 * double {@link Double#parseDouble} gives for it; everything else {@code parseDouble} takes
 * (hexadecimal, {@code d}/{@code f} suffixes, {@code NaN}, {@code Infinity}, spaces) is not decimal.
 *
 * <p>Numbers are converted here from the characters, with no allocation: up to 15 significant
 * digits with a decimal exponent within ±22 after the point is taken out (most of what devices and
 * scripts write: {@code 5.1}, {@code -0.25}, {@code 1013.25}, {@code 12e3}) by Clinger's fast path
 * (the digits are an exact integer below 2^53 and the power of ten an exact double, so one IEEE
 * multiplication or division rounds correctly); up to 19 significant digits, such as the 16–17 of a
 * double printed by Java, Python or pandas, by {@link EiselLemire}; more digits by Eisel–Lemire on
 * the first 19 and on them plus one, when both give the same double. What none of these decides (a
 * tie between two doubles, subnormal or infinite results) goes to {@code parseDouble}, which needs
 * a String.
 */
final class DecimalText {

    private static final double[] EXACT_POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    private static final long EXACT_MANTISSA_LIMIT = 1L << 53;
    /** Digits below 2^53 whatever they are (10^15 < 2^53): a double holds them exactly. */
    static final int EXACT_DIGITS = 15;
    /** Digits an unsigned long holds without overflow (10^19 < 2^64); the rest are truncated. */
    static final int MAX_TRACKED_DIGITS = 19;
    /** An exponent past this is far beyond a double either way; the cap keeps the int from overflowing. */
    private static final int EXPONENT_CAP = 100_000;

    private DecimalText() {
    }

    /**
     * The value of {@code text[from, to)}: NaN when it is not decimal text (no decimal text reads as
     * NaN), ±Infinity when it overflows a double.
     */
    static double parse(final char[] text, final int from, final int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (text[i] == '+' || text[i] == '-')) {
            negative = text[i] == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int exponent = 0;
        boolean truncated = false;
        final int integerStart = i;
        for (; i < to && isDigit(text[i]); i++) {
            final int digit = text[i] - '0';
            if (mantissa == 0 && digit == 0) {
                continue; // a leading zero
            }
            if (digits < MAX_TRACKED_DIGITS) {
                mantissa = mantissa * 10 + digit;
                digits++;
            } else {
                truncated |= digit != 0;
                exponent++;
            }
        }
        boolean anyDigit = i > integerStart;
        if (i < to && text[i] == '.') {
            final int fractionStart = ++i;
            for (; i < to && isDigit(text[i]); i++) {
                final int digit = text[i] - '0';
                if (mantissa == 0 && digit == 0) {
                    exponent--;
                } else if (digits < MAX_TRACKED_DIGITS) {
                    mantissa = mantissa * 10 + digit;
                    digits++;
                    exponent--;
                } else {
                    truncated |= digit != 0;
                }
            }
            anyDigit |= i > fractionStart;
        }
        if (!anyDigit) {
            return Double.NaN;
        }
        if (i < to && (text[i] == 'e' || text[i] == 'E')) {
            i++;
            boolean negativeExponent = false;
            if (i < to && (text[i] == '+' || text[i] == '-')) {
                negativeExponent = text[i] == '-';
                i++;
            }
            final int exponentStart = i;
            int written = 0;
            for (; i < to && isDigit(text[i]); i++) {
                written = Math.min(EXPONENT_CAP, written * 10 + (text[i] - '0'));
            }
            if (i == exponentStart) {
                return Double.NaN;
            }
            exponent += negativeExponent ? -written : written;
        }
        if (i != to) {
            return Double.NaN;
        }
        final double magnitude = truncated ? truncated(mantissa, exponent) : fast(mantissa, exponent);
        if (Double.isNaN(magnitude)) {
            return Double.parseDouble(new String(text, from, to - from));
        }
        return negative ? -magnitude : magnitude;
    }

    /**
     * {@code mantissa · 10^exponent}, correctly rounded, for a mantissa of up to 19 digits read as
     * unsigned: by Clinger's fast path (zero, or a mantissa below 2^53 and an exponent within ±22),
     * else by {@link EiselLemire}; NaN when neither decides.
     */
    static double fast(final long mantissa, final int exponent) {
        if (mantissa == 0) {
            return 0;
        }
        if (mantissa > 0 && mantissa < EXACT_MANTISSA_LIMIT && Math.abs(exponent) < EXACT_POWERS_OF_TEN.length) {
            return exponent >= 0 ? mantissa * EXACT_POWERS_OF_TEN[exponent] : mantissa / EXACT_POWERS_OF_TEN[-exponent];
        }
        return EiselLemire.nearest(mantissa, exponent);
    }

    /**
     * {@code digits / 10^fractionDigits}, correctly rounded, for at most {@link #EXACT_DIGITS}
     * digits: Clinger's fast path without its checks, as both operands are exact doubles.
     */
    static double exact(final long digits, final int fractionDigits) {
        return fractionDigits == 0 ? digits : digits / EXACT_POWERS_OF_TEN[fractionDigits];
    }

    /**
     * The value of a number whose first 19 significant digits are {@code mantissa}, followed by
     * more, not all zero: it lies strictly between {@code mantissa · 10^exponent} and {@code
     * (mantissa + 1) · 10^exponent}, so when both round to the same double, so does it. NaN when
     * they do not.
     */
    private static double truncated(final long mantissa, final int exponent) {
        final double below = EiselLemire.nearest(mantissa, exponent);
        return below == EiselLemire.nearest(mantissa + 1, exponent) ? below : Double.NaN;
    }

    private static boolean isDigit(final char c) {
        return c >= '0' && c <= '9';
    }
}
