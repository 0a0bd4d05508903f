package io.streamavg.wire;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The encoding of the session headers, which the bridge writes and the topology reads. */
class LineHeadersTest {

    private static byte[] ascii(final String text) {
        return text.getBytes(US_ASCII);
    }

    @Test
    void shouldTakeOneToSixtyFourLettersDigitsDotsUnderscoresAndDashesAsASessionId() {
        assertThat(LineHeaders.isSessionId(ascii("a"))).isTrue();
        assertThat(LineHeaders.isSessionId(ascii("sensor-42_b.v2"))).isTrue();
        assertThat(LineHeaders.isSessionId(ascii("x".repeat(64)))).isTrue();
        assertThat(LineHeaders.isSessionId(ascii("x".repeat(65)))).isFalse();
        assertThat(LineHeaders.isSessionId(ascii(""))).isFalse();
        assertThat(LineHeaders.isSessionId(null)).isFalse();
        assertThat(LineHeaders.isSessionId(ascii("a b"))).isFalse();
        assertThat(LineHeaders.isSessionId(ascii("a/b"))).isFalse();
        assertThat(LineHeaders.isSessionId("é".getBytes(UTF_8))).isFalse();
    }

    @Test
    void shouldWriteSequencesAsDecimalAsciiAndReadBackOnlyThat() {
        assertThat(LineHeaders.encodeSequence(1)).isEqualTo(ascii("1"));
        assertThat(LineHeaders.encodeSequence(123_456_789_012L)).isEqualTo(ascii("123456789012"));
        assertThat(LineHeaders.decodeSequence(LineHeaders.encodeSequence(999_999_999_999_999_999L))).isEqualTo(999_999_999_999_999_999L);
        assertThat(LineHeaders.decodeSequence(ascii("7"))).isEqualTo(7);
        assertThat(LineHeaders.decodeSequence(ascii("0"))).isEqualTo(-1);
        assertThat(LineHeaders.decodeSequence(ascii("07"))).isEqualTo(-1);
        assertThat(LineHeaders.decodeSequence(ascii("-7"))).isEqualTo(-1);
        assertThat(LineHeaders.decodeSequence(ascii("+7"))).isEqualTo(-1);
        assertThat(LineHeaders.decodeSequence(ascii("7 "))).isEqualTo(-1);
        assertThat(LineHeaders.decodeSequence(ascii("1".repeat(19)))).isEqualTo(-1);
        assertThat(LineHeaders.decodeSequence(ascii(""))).isEqualTo(-1);
        assertThat(LineHeaders.decodeSequence(null)).isEqualTo(-1);
        assertThat(LineHeaders.decodeSequence(new byte[] {0, 0, 0, 0, 0, 0, 0, 1})).isEqualTo(-1);
        assertThatThrownBy(() -> LineHeaders.encodeSequence(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReadACountOfZeroAsWellForTheSessionLine() {
        assertThat(LineHeaders.decodeCount(ascii("0"))).isZero();
        assertThat(LineHeaders.decodeCount(ascii("42"))).isEqualTo(42);
        assertThat(LineHeaders.decodeCount(ascii("00"))).isEqualTo(-1);
        assertThat(LineHeaders.decodeCount(ascii("x"))).isEqualTo(-1);
    }
}
