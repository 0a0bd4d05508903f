package io.streamavg.bridge;

import io.streamavg.wire.LineHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The line {@code session ID N} that may open a connection in acknowledged mode: the connection's
 * lines continue session {@code ID}, of which the client knows Kafka acknowledged the first
 * {@code N}. Its next line is line N+1 of the session, and so on; the {@code ok} counts continue from N.
 *
 * @param id           the session's ID (ASCII), which its records carry as key and {@link LineHeaders#SESSION} header
 * @param acknowledged the client's count N: lines of the session already acknowledged, 0 for a new session
 */
record SessionLine(String id, long acknowledged) {

    private static final byte[] WORD = "session".getBytes(StandardCharsets.US_ASCII);

    /** Whether the first word of {@code line} is {@code session}: a session line, well formed or not. */
    static boolean isSessionLine(final byte[] line) {
        return line.length >= WORD.length && Arrays.equals(line, 0, WORD.length, WORD, 0, WORD.length)
                && (line.length == WORD.length || line[WORD.length] == ' ');
    }

    /**
     * The session a {@link #isSessionLine session line} opens.
     *
     * @throws IllegalArgumentException saying what is wrong with it, for the client
     */
    static SessionLine parse(final byte[] line) {
        final String[] words = new String(line, StandardCharsets.UTF_8).split(" ", -1);
        if (words.length != 3) {
            throw new IllegalArgumentException("expected 'session ID N' (three words, one space apart), got " + words.length + " word"
                    + (words.length == 1 ? "" : "s"));
        }
        final byte[] id = words[1].getBytes(StandardCharsets.UTF_8);
        if (!LineHeaders.isSessionId(id)) {
            throw new IllegalArgumentException("the session ID must be 1 to " + LineHeaders.MAX_SESSION_ID_LENGTH
                    + " characters of [A-Za-z0-9._-]");
        }
        final long acknowledged = LineHeaders.decodeCount(words[2].getBytes(StandardCharsets.UTF_8));
        if (acknowledged < 0) {
            throw new IllegalArgumentException("N must be the count of the session's lines already acknowledged (the last 'ok N'; 0 for"
                    + " a new session): 1 to " + LineHeaders.MAX_SEQUENCE_DIGITS + " decimal digits, no sign or leading zero");
        }
        return new SessionLine(words[1], acknowledged);
    }
}
