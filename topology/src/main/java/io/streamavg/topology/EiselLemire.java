package io.streamavg.topology;

import java.math.BigInteger;

/**
 * The double nearest to {@code w · 10^q} for a 64-bit significand {@code w} (up to 19 decimal
 * digits), by the Eisel–Lemire algorithm (Lemire, "Number Parsing at a Gigabyte per Second",
 * 2021): one or two 64×64-bit multiplications by a 128-bit approximation of the power of ten, no
 * big numbers, no allocation. This is the conservative form, which answers only when the
 * approximation decides the rounding: when the product is too close to a carry, or to a tie between
 * two doubles that only the exact value can settle (it can for 0 ≤ q ≤ 27, where the product is
 * exact), or the result would be subnormal or infinite, it answers NaN and the caller reads the
 * text with {@link Double#parseDouble}. Those cases are rare in data (a tie needs the decimal to be
 * exactly halfway between two doubles), so a correctly rounded answer costs what Clinger's fast
 * path costs, also for the 16–17 digits of a double printed by Java, Python or pandas.
 */
final class EiselLemire {

    static final int MIN_EXPONENT = -342;
    static final int MAX_EXPONENT = 308;
    /** The bits of the 128-bit product below the 54 the result is rounded from (55 when its top bit is clear). */
    private static final long BELOW_54_BITS = 0x1FF;
    private static final int DOUBLE_BIAS = 1023;
    /** The largest q whose 5^q fits in 64 bits, so that the table holds it exactly. */
    private static final int EXACT_POWER_OF_FIVE_LIMIT = 27;
    private static final long MANTISSA_MASK = (1L << 52) - 1;

    /**
     * For each decimal exponent q, from {@link #MIN_EXPONENT}, two longs: 10^q·2^k for the k that
     * puts it in [2^127, 2^128), rounded down to an integer, high 64 bits then low 64 bits. Rounded
     * down, the true product lies between the computed one and it plus one unit of the low word,
     * which is what the checks for an undecided carry rely on.
     */
    private static final long[] POWERS_OF_TEN = powersOfTen();

    private EiselLemire() {
    }

    /**
     * The double nearest to {@code significand · 10^exponent}, ties to even, with {@code
     * significand} read as unsigned and non-zero; NaN when this algorithm cannot decide.
     */
    static double nearest(final long significand, final int exponent) {
        if (exponent < MIN_EXPONENT || exponent > MAX_EXPONENT || significand == 0) {
            return Double.NaN;
        }
        final int leadingZeros = Long.numberOfLeadingZeros(significand);
        final long w = significand << leadingZeros;
        final int index = 2 * (exponent - MIN_EXPONENT);
        final long powerHigh = POWERS_OF_TEN[index];
        long low = w * powerHigh;
        long high = unsignedMultiplyHigh(w, powerHigh);
        if ((high & BELOW_54_BITS) == BELOW_54_BITS && Long.compareUnsigned(low + w, low) < 0) {
            // The low word of the power may carry into the bits kept: take it into account.
            final long carried = low + unsignedMultiplyHigh(w, POWERS_OF_TEN[index + 1]);
            if (Long.compareUnsigned(carried, low) < 0) {
                high++;
            }
            low = carried;
            if ((high & BELOW_54_BITS) == BELOW_54_BITS && low == -1L) {
                return Double.NaN; // one more unit, within the approximation's error, would change the kept bits
            }
        }
        final int topBit = (int) (high >>> 63);
        long mantissa = high >>> (topBit + 9);
        // floor(exponent · log2(10)) as (exponent · 217706) >> 16, exact over the table's range.
        int binaryExponent = ((217_706 * exponent) >> 16) + 63 + topBit - leadingZeros + DOUBLE_BIAS;
        if (low == 0 && high << 55 - topBit == 0 && (mantissa & 3) == 1) {
            // All the bits below the 54 kept are zero: perhaps exactly halfway, and the even neighbour is the lower one. Up to 5^27 the power
            // is exact (it fits the high word), so is the product, and this is a tie: round down.
            // Beyond, the approximation cannot tell a tie from a number just above it.
            if (exponent < 0 || exponent > EXACT_POWER_OF_FIVE_LIMIT) {
                return Double.NaN;
            }
            mantissa &= ~1L;
        }
        mantissa += mantissa & 1;
        mantissa >>>= 1;
        if (mantissa >>> 53 != 0) {
            mantissa >>>= 1;
            binaryExponent++;
        }
        if (binaryExponent < 1 || binaryExponent > 2046) {
            return Double.NaN; // subnormal or infinite: rare, left to parseDouble
        }
        return Double.longBitsToDouble((long) binaryExponent << 52 | mantissa & MANTISSA_MASK);
    }

    /** The high 64 bits of the unsigned 128-bit product (Math.unsignedMultiplyHigh, Java 18). */
    private static long unsignedMultiplyHigh(final long x, final long y) {
        return Math.multiplyHigh(x, y) + (x >> 63 & y) + (y >> 63 & x);
    }

    private static long[] powersOfTen() {
        final long[] table = new long[2 * (MAX_EXPONENT - MIN_EXPONENT + 1)];
        final BigInteger five = BigInteger.valueOf(5);
        final BigInteger low64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        for (int q = MIN_EXPONENT; q <= MAX_EXPONENT; q++) {
            // 10^q = 5^q · 2^q, and the power of two is absorbed by the normalisation.
            final BigInteger normalised;
            if (q >= 0) {
                final BigInteger power = five.pow(q);
                final int shift = 128 - power.bitLength();
                normalised = shift >= 0 ? power.shiftLeft(shift) : power.shiftRight(-shift);
            } else {
                final BigInteger power = five.pow(-q);
                normalised = BigInteger.ONE.shiftLeft(127 + power.bitLength()).divide(power);
            }
            final int index = 2 * (q - MIN_EXPONENT);
            table[index] = normalised.shiftRight(64).longValue();
            table[index + 1] = normalised.and(low64).longValue();
        }
        return table;
    }
}
