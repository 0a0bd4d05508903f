package io.streamavg.bridge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Utf8CheckTest {

    private static boolean jdkAccepts(final byte[] bytes) {
        try {
            UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] hex(final String hex) {
        final String[] parts = hex.split(" ");
        final byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }

    @ParameterizedTest(name = "{0}: first invalid byte {1}")
    @CsvSource({
        "31 2C 32, -1",                 // ASCII
        "C3 A9, -1",                    // é
        "E2 82 AC, -1",                 // €
        "F0 9F 98 80, -1",              // an emoji, outside the BMP
        "F4 8F BF BF, -1",              // U+10FFFF, the last code point
        "31 C3, 1",                     // cut short
        "C0 AF, 0",                     // overlong '/'
        "E0 80 AF, 0",                  // overlong, three bytes
        "ED A0 80, 0",                  // a surrogate
        "F4 90 80 80, 0",               // beyond U+10FFFF
        "F5 80 80 80, 0",
        "31 80, 1",                     // a continuation byte alone
        "E2 82 31, 0",                  // a sequence broken by ASCII
        "31 FF 32, 1"
    })
    void shouldFindTheFirstByteThatIsNotWellFormedUtf8(final String bytes, final int expected) {
        assertThat(Utf8Check.firstInvalidByte(hex(bytes))).isEqualTo(expected);
        assertThat(jdkAccepts(hex(bytes))).isEqualTo(expected < 0);
    }

    @Test
    void shouldAgreeWithTheJdkDecoderOnRandomBytes() {
        final Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            final byte[] bytes = new byte[1 + random.nextInt(6)];
            random.nextBytes(bytes);
            if (random.nextBoolean()) {
                // Mostly valid text with one byte changed, so that near misses are common.
                final byte[] text = new String(new int[] {0x41 + random.nextInt(0x10FFFF - 0x41)}, 0, 1).getBytes(UTF_8);
                bytes[0] = text[0];
                System.arraycopy(text, 0, bytes, 0, Math.min(text.length, bytes.length));
            }
            assertThat(Utf8Check.firstInvalidByte(bytes) < 0).as("%s", java.util.HexFormat.ofDelimiter(" ").formatHex(bytes))
                    .isEqualTo(jdkAccepts(bytes));
        }
    }
}
