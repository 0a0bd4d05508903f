package io.streamavg.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The cell texts read as a missing value besides the empty cell (pandas' {@code na_values}),
 * matched exactly, case included, against a cell's characters in place: the parser asks only about
 * cells that are not numbers, and asking allocates nothing.
 */
final class NaValues {

    /** pandas' default {@code na_values} ({@code pandas._libs.parsers.STR_NA_VALUES}), without the empty string. */
    static final List<String> PANDAS_DEFAULT = List.of("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
            "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null");

    /** The tokens by length: {@code byLength[n]} holds those of n characters. */
    private final char[][][] byLength;

    private NaValues(final char[][][] byLength) {
        this.byLength = byLength;
    }

    /** Empty tokens are skipped: an empty cell is missing anyway. */
    static NaValues of(final Collection<String> tokens) {
        final int longest = tokens.stream().mapToInt(String::length).max().orElse(0);
        final List<List<char[]>> grouped = new ArrayList<>();
        for (int length = 0; length <= longest; length++) {
            grouped.add(new ArrayList<>());
        }
        tokens.stream().filter(token -> !token.isEmpty()).distinct().forEach(token -> grouped.get(token.length()).add(token.toCharArray()));
        final char[][][] byLength = new char[longest + 1][][];
        for (int length = 0; length <= longest; length++) {
            byLength[length] = grouped.get(length).toArray(char[][]::new);
        }
        return new NaValues(byLength);
    }

    boolean matches(final char[] text, final int from, final int to) {
        final int length = to - from;
        if (length >= byLength.length) {
            return false;
        }
        for (final char[] token : byLength[length]) {
            if (Arrays.equals(token, 0, length, text, from, to)) {
                return true;
            }
        }
        return false;
    }

    /** The same for a line's bytes, each ASCII byte its character: a token with any other never matches here. */
    boolean matches(final byte[] text, final int from, final int to) {
        final int length = to - from;
        if (length >= byLength.length) {
            return false;
        }
        for (final char[] token : byLength[length]) {
            int i = 0;
            while (i < length && text[from + i] >= 0 && text[from + i] == token[i]) {
                i++;
            }
            if (i == length) {
                return true;
            }
        }
        return false;
    }
}
