package io.streamavg.bridge;

/**
 * Whether bytes are well-formed UTF-8 as the JDK's decoder reads them (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), without decoding them. Lines are mostly ASCII,
 * which takes one comparison per byte.
 */
final class Utf8Check {

    private Utf8Check() {
    }

    /** The index of the first byte that does not begin or continue a well-formed sequence, or -1 when all are well-formed. */
    static int firstInvalidByte(final byte[] bytes) {
        int i = 0;
        final int n = bytes.length;
        while (i < n) {
            final int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            final int lead = b & 0xFF;
            final int length;
            int min = 0x80;
            int max = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                length = 2;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                length = 3;
                if (lead == 0xE0) {
                    min = 0xA0; // below is an overlong form
                } else if (lead == 0xED) {
                    max = 0x9F; // above encodes a surrogate
                }
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                length = 4;
                if (lead == 0xF0) {
                    min = 0x90;
                } else if (lead == 0xF4) {
                    max = 0x8F; // above is beyond U+10FFFF
                }
            } else {
                return i;
            }
            if (i + 1 >= n) {
                return i;
            }
            final int second = bytes[i + 1] & 0xFF;
            if (second < min || second > max) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                if (i + k >= n || (bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }
}
