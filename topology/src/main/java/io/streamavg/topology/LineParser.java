package io.streamavg.topology;

import io.streamavg.wire.RejectReason;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses one CSV line by DESIGN.md's rules: cells split at the delimiter, RFC 4180 quoting (a
 * quoted cell may hold the delimiter, and {@code ""} is a quote), spaces around a number ignored,
 * an empty cell missing, numbers as decimal text in {@link Double#parseDouble}'s syntax (exponents
 * allowed; hexadecimal, type suffixes, NaN and infinities rejected). Not thread-safe: one per task.
 */
final class LineParser {

    private static final char QUOTE = '"';

    private final char delimiter;
    private final int maxColumns;
    // Strict: a replacing decoder would turn invalid bytes into U+FFFD, hiding them from the DLQ.
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final StringBuilder cell = new StringBuilder();
    private double[] values = new double[16];

    LineParser(final char delimiter, final int maxColumns) {
        this.delimiter = delimiter;
        this.maxColumns = maxColumns;
    }

    ParsedLine parse(final byte[] raw) {
        if (raw == null || raw.length == 0) {
            return new ParsedLine.Blank();
        }
        final CharBuffer text;
        try {
            text = utf8.reset().decode(ByteBuffer.wrap(raw));
        } catch (CharacterCodingException e) {
            return new ParsedLine.Rejected(raw, RejectReason.INVALID_UTF8, "line is not valid UTF-8: " + e.getMessage());
        }
        int columns = 0;
        boolean anyValue = false;
        int pos = 0;
        final int end = text.length();
        while (true) {
            if (columns == maxColumns) {
                return new ParsedLine.Rejected(raw, RejectReason.TOO_MANY_COLUMNS,
                        "more than " + maxColumns + " columns");
            }
            cell.setLength(0);
            pos = skipSpaces(text, pos, end);
            if (pos < end && text.charAt(pos) == QUOTE) {
                pos = readQuoted(text, pos + 1, end);
                if (pos < 0) {
                    return new ParsedLine.Rejected(raw, RejectReason.MALFORMED_QUOTING,
                            "column " + columns + ": quote opened and never closed");
                }
                pos = skipSpaces(text, pos, end);
                if (pos < end && text.charAt(pos) != delimiter) {
                    return new ParsedLine.Rejected(raw, RejectReason.MALFORMED_QUOTING,
                            "column " + columns + ": text after the closing quote");
                }
            } else {
                while (pos < end && text.charAt(pos) != delimiter) {
                    cell.append(text.charAt(pos++));
                }
            }
            final String failure = parseCell(columns);
            if (failure != null) {
                final RejectReason reason = failure.startsWith("not finite") ? RejectReason.NOT_FINITE : RejectReason.NON_NUMERIC;
                return new ParsedLine.Rejected(raw, reason, "column " + columns + ": " + failure);
            }
            anyValue |= !Double.isNaN(values[columns]);
            columns++;
            if (pos >= end) {
                break;
            }
            pos++; // the delimiter
        }
        return anyValue ? new ParsedLine.Cells(Arrays.copyOf(values, columns)) : new ParsedLine.Blank();
    }

    /** Reads a quoted cell's content into {@link #cell}; returns the position after the closing quote, or -1. */
    private int readQuoted(final CharSequence text, int pos, final int end) {
        while (pos < end) {
            final char c = text.charAt(pos++);
            if (c != QUOTE) {
                cell.append(c);
            } else if (pos < end && text.charAt(pos) == QUOTE) {
                cell.append(QUOTE);
                pos++;
            } else {
                return pos;
            }
        }
        return -1;
    }

    private int skipSpaces(final CharSequence text, int pos, final int end) {
        while (pos < end && isSpace(text.charAt(pos))) {
            pos++;
        }
        return pos;
    }

    private boolean isSpace(final char c) {
        return (c == ' ' || c == '\t') && c != delimiter;
    }

    /** Stores the number in {@link #cell} (or NaN when empty) at {@code column}; returns why it is not a number, or null. */
    private String parseCell(final int column) {
        int from = 0;
        int to = cell.length();
        while (from < to && isSpace(cell.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(cell.charAt(to - 1))) {
            to--;
        }
        if (column == values.length) {
            values = Arrays.copyOf(values, Math.min(maxColumns, values.length * 2));
        }
        if (from == to) {
            values[column] = Double.NaN;
            return null;
        }
        final String number = cell.substring(from, to);
        if (!isDecimal(number)) {
            return isSpelledNonFinite(number) ? "not finite: '" + number + "'" : "not a number: '" + abbreviate(number) + "'";
        }
        final double value = Double.parseDouble(number);
        if (Double.isInfinite(value)) {
            return "not finite: '" + abbreviate(number) + "' overflows a double";
        }
        values[column] = value;
        return null;
    }

    /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}: decimal text only. */
    static boolean isDecimal(final String s) {
        int i = 0;
        final int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        final int intStart = i;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        boolean digits = i > intStart;
        if (i < n && s.charAt(i) == '.') {
            i++;
            final int fracStart = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            digits |= i > fracStart;
        }
        if (!digits) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            final int expStart = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == expStart) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(final char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpelledNonFinite(final String s) {
        final String unsigned = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
        return unsigned.equalsIgnoreCase("nan") || unsigned.equalsIgnoreCase("infinity") || unsigned.equalsIgnoreCase("inf");
    }

    private static String abbreviate(final String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
