package io.streamavg.topology;

import io.streamavg.wire.RejectReason;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses one CSV line by DESIGN.md's rules: cells split at the delimiter, RFC 4180 quoting (a
 * quoted cell may hold the delimiter, and {@code ""} is a quote), spaces around a cell ignored, an
 * empty cell or one of the {@link NaValues} missing, numbers as decimal text in
 * {@link Double#parseDouble}'s syntax (exponents allowed; hexadecimal, type suffixes, other NaN
 * spellings and infinities rejected). Not thread-safe: one per task.
 *
 * <p>On the hot path a line is decoded into a reused buffer and its numbers are read in place
 * ({@link DecimalText}): a line allocates its result, and its cells nothing.
 */
final class LineParser {

    private static final char QUOTE = '"';
    /** An exponent past this is far beyond a double either way; the cap keeps the int from overflowing. */
    private static final int EXPONENT_CAP = 100_000;

    private final char delimiter;
    private final int maxColumns;
    private final NaValues naValues;
    // Strict: a replacing decoder would turn invalid bytes into U+FFFD, hiding them from the DLQ.
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    /** The line being parsed, as characters; UTF-8 never decodes to more characters than it has bytes. */
    private CharBuffer line = CharBuffer.allocate(256);
    /** The content of the quoted cell being parsed, each {@code ""} read as one quote. */
    private char[] quoted = new char[64];
    private int quotedLength;
    /** The value of the exponent {@link #readExponent} read last. */
    private int exponentRead;
    /** Never longer than {@link #maxColumns}, so that a full array means a line with too many cells. */
    private double[] values;

    LineParser(final char delimiter, final int maxColumns, final NaValues naValues) {
        this.delimiter = delimiter;
        this.maxColumns = maxColumns;
        this.naValues = naValues;
        this.values = new double[Math.min(16, maxColumns)];
    }

    ParsedLine parse(final byte[] raw) {
        if (raw == null || raw.length == 0) {
            return new ParsedLine.Blank();
        }
        final int plain = parsePlain(raw);
        return plain >= 0 ? plainResult(plain) : parseGeneral(raw);
    }

    /** Any non-empty line, by every rule: what {@link #parse} falls back to when a line is not plain. */
    ParsedLine parseGeneral(final byte[] raw) {
        final String notUtf8 = decode(raw);
        if (notUtf8 != null) {
            return new ParsedLine.Rejected(raw, RejectReason.INVALID_UTF8, "line is not valid UTF-8: " + notUtf8);
        }
        final char[] text = line.array();
        final int end = line.position();
        int columns = 0;
        boolean anyValue = false;
        int pos = 0;
        while (true) {
            if (columns == maxColumns) {
                return new ParsedLine.Rejected(raw, RejectReason.TOO_MANY_COLUMNS,
                        "more than " + maxColumns + " columns");
            }
            pos = skipSpaces(text, pos, end);
            final char[] cell;
            final int from;
            final int to;
            if (pos < end && text[pos] == QUOTE) {
                pos = readQuoted(text, pos + 1, end);
                if (pos < 0) {
                    return new ParsedLine.Rejected(raw, RejectReason.MALFORMED_QUOTING,
                            "column " + columns + ": quote opened and never closed");
                }
                pos = skipSpaces(text, pos, end);
                if (pos < end && text[pos] != delimiter) {
                    return new ParsedLine.Rejected(raw, RejectReason.MALFORMED_QUOTING,
                            "column " + columns + ": text after the closing quote");
                }
                cell = quoted;
                from = 0;
                to = quotedLength;
            } else {
                from = pos;
                while (pos < end && text[pos] != delimiter) {
                    pos++;
                }
                cell = text;
                to = pos;
            }
            final String failure = readCell(cell, from, to, columns);
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

    /**
     * Reads a plain line straight from its bytes, in one pass: ASCII, no quotes, every cell empty,
     * one of the {@link NaValues}, or decimal text ({@link DecimalText}'s syntax) — what devices,
     * scripts and the load generator write. Returns the number of cells, their values in {@link
     * #values} (NaN when missing), or -1 when anything is not plain, for the general path to read
     * the line from the start, and to reject it if it must. Decoding to characters first, then
     * finding each cell's end, then reading its number, went over every byte three times.
     *
     * <p>Most cells are {@code [-]digits[.digits][e[+-]digits]} up to the delimiter: they are read
     * here, a digit one multiply-add, the exponent from where the point was; with at most {@link
     * DecimalText#EXACT_DIGITS} digits and no exponent written, the value is one division of exact
     * operands; with up to 19, {@link DecimalText#fast}. Any other cell (spaces, a plus sign, a
     * missing value, a longer number, one Eisel–Lemire leaves undecided) is read again from its
     * start by {@link #plainCell}. The JFR profile of the JMH parser benchmark had put about a
     * third of a short cell's time in the checks for those, made on every cell.
     */
    private int parsePlain(final byte[] raw) {
        final int end = raw.length;
        double[] values = this.values;
        int pos = 0;
        int columns = 0;
        while (true) {
            if (columns == values.length) {
                if (columns == maxColumns) {
                    return -1;
                }
                values = Arrays.copyOf(values, Math.min(maxColumns, 2 * values.length));
                this.values = values;
            }
            final int cellStart = pos;
            final boolean negative = pos < end && raw[pos] == '-';
            if (negative) {
                pos++;
            }
            final int integerStart = pos;
            long mantissa = 0;
            int digit;
            while (pos < end && (digit = raw[pos] - '0') >= 0 && digit <= 9) {
                mantissa = mantissa * 10 + digit;
                pos++;
            }
            int digits = pos - integerStart;
            int fractionDigits = 0;
            if (pos < end && raw[pos] == '.') {
                final int fractionStart = ++pos;
                while (pos < end && (digit = raw[pos] - '0') >= 0 && digit <= 9) {
                    mantissa = mantissa * 10 + digit;
                    pos++;
                }
                fractionDigits = pos - fractionStart;
                digits += fractionDigits;
            }
            int exponent = -fractionDigits;
            if (digits > 0 && pos < end && (raw[pos] == 'e' || raw[pos] == 'E')) {
                final int after = readExponent(raw, pos + 1, end);
                if (after >= 0) {
                    exponent += exponentRead;
                    pos = after;
                }
            }
            double magnitude = Double.NaN;
            if (digits > 0 && (pos == end || raw[pos] == delimiter)) {
                if (digits <= DecimalText.EXACT_DIGITS && exponent == -fractionDigits) {
                    magnitude = DecimalText.exact(mantissa, fractionDigits);
                } else if (digits <= DecimalText.MAX_TRACKED_DIGITS) {
                    magnitude = DecimalText.fast(mantissa, exponent);
                }
            }
            if (!Double.isNaN(magnitude)) {
                values[columns] = negative ? -magnitude : magnitude;
            } else {
                pos = plainCell(raw, cellStart, end, columns);
                if (pos < 0) {
                    return -1;
                }
            }
            columns++;
            if (pos == end) {
                return columns;
            }
            pos++; // the delimiter
        }
    }

    /**
     * Reads any plain cell from {@code raw[pos]} into {@code values[column]}: spaces around it, a
     * sign, an exponent, numbers of any length, missing values. Returns the position of the
     * delimiter after it (or the end), or -1 when the cell is not plain.
     */
    private int plainCell(final byte[] raw, int pos, final int end, final int column) {
        pos = skipSpaces(raw, pos, end);
        final int cellStart = pos;
        boolean negative = false;
        final boolean signed = pos < end && (raw[pos] == '-' || raw[pos] == '+');
        if (signed) {
            negative = raw[pos] == '-';
            pos++;
        }
        long mantissa = 0;
        int digits = 0;
        int exponent = 0;
        int digit;
        while (pos < end && (digit = raw[pos] - '0') >= 0 && digit <= 9) {
            mantissa = mantissa * 10 + digit;
            digits++;
            pos++;
        }
        final boolean point = pos < end && raw[pos] == '.';
        if (point) {
            pos++;
            while (pos < end && (digit = raw[pos] - '0') >= 0 && digit <= 9) {
                mantissa = mantissa * 10 + digit;
                digits++;
                exponent--;
                pos++;
            }
        }
        final double value;
        if (digits == 0) {
            if (signed || point || pos < end && raw[pos] == QUOTE) {
                return -1;
            }
            final int tokenStart = pos;
            while (pos < end && raw[pos] != delimiter) {
                pos++;
            }
            int tokenEnd = pos;
            while (tokenEnd > tokenStart && isSpace((char) raw[tokenEnd - 1])) {
                tokenEnd--;
            }
            if (tokenEnd > tokenStart && !naValues.matches(raw, tokenStart, tokenEnd)) {
                return -1;
            }
            value = Double.NaN;
        } else {
            if (pos < end && (raw[pos] == 'e' || raw[pos] == 'E')) {
                pos = readExponent(raw, pos + 1, end);
                if (pos < 0) {
                    return -1;
                }
                exponent += exponentRead;
            }
            // The digits wrap a long past 19 significant ones; leading zeros add nothing to it.
            final double magnitude = digits <= DecimalText.MAX_TRACKED_DIGITS
                    || significantDigits(raw, cellStart, pos) <= DecimalText.MAX_TRACKED_DIGITS
                    ? DecimalText.fast(mantissa, exponent) : Double.NaN;
            if (!Double.isNaN(magnitude)) {
                value = negative ? -magnitude : magnitude;
            } else {
                value = Double.parseDouble(new String(raw, cellStart, pos - cellStart, StandardCharsets.ISO_8859_1));
                if (Double.isInfinite(value)) {
                    return -1;
                }
            }
        }
        pos = skipSpaces(raw, pos, end);
        if (pos < end && raw[pos] != delimiter) {
            return -1;
        }
        values[column] = value;
        return pos;
    }

    /**
     * Reads an exponent's {@code [+-]digits} from {@code raw[pos]}, just after its {@code e}, into
     * {@link #exponentRead}; returns the position after its digits, or -1 when it has none.
     */
    private int readExponent(final byte[] raw, int pos, final int end) {
        final boolean negative = pos < end && raw[pos] == '-';
        if (negative || pos < end && raw[pos] == '+') {
            pos++;
        }
        final int digitsStart = pos;
        int written = 0;
        int digit;
        while (pos < end && (digit = raw[pos] - '0') >= 0 && digit <= 9) {
            written = Math.min(EXPONENT_CAP, written * 10 + digit);
            pos++;
        }
        exponentRead = negative ? -written : written;
        return pos > digitsStart ? pos : -1;
    }

    /** The digits of the number in {@code raw[from, to)} from its first non-zero one, before any exponent. */
    private static int significantDigits(final byte[] raw, final int from, final int to) {
        int significant = 0;
        for (int i = from; i < to && raw[i] != 'e' && raw[i] != 'E'; i++) {
            if (raw[i] >= '0' && raw[i] <= '9' && (significant > 0 || raw[i] != '0')) {
                significant++;
            }
        }
        return significant;
    }

    private ParsedLine plainResult(final int columns) {
        for (int column = 0; column < columns; column++) {
            if (!Double.isNaN(values[column])) {
                return new ParsedLine.Cells(Arrays.copyOf(values, columns));
            }
        }
        return new ParsedLine.Blank();
    }

    private int skipSpaces(final byte[] text, int pos, final int end) {
        while (pos < end && isSpace((char) text[pos])) {
            pos++;
        }
        return pos;
    }

    /**
     * The cells of a header line ({@code LineHeaders.COLUMNS}) as texts, split by the same rules as
     * a data line: the delimiter, RFC 4180 quoting, the spaces around a cell dropped.
     */
    ColumnNames names(final byte[] raw) {
        final String notUtf8 = decode(raw);
        if (notUtf8 != null) {
            return ColumnNames.rejected(RejectReason.INVALID_UTF8, "the column names are not valid UTF-8: " + notUtf8);
        }
        final char[] text = line.array();
        final int end = line.position();
        final List<String> names = new ArrayList<>();
        int pos = 0;
        while (true) {
            if (names.size() == maxColumns) {
                return ColumnNames.rejected(RejectReason.TOO_MANY_COLUMNS, "the column names are more than " + maxColumns);
            }
            pos = skipSpaces(text, pos, end);
            if (pos < end && text[pos] == QUOTE) {
                pos = readQuoted(text, pos + 1, end);
                if (pos < 0) {
                    return ColumnNames.rejected(RejectReason.MALFORMED_QUOTING,
                            "the column names: name " + names.size() + ": quote opened and never closed");
                }
                pos = skipSpaces(text, pos, end);
                if (pos < end && text[pos] != delimiter) {
                    return ColumnNames.rejected(RejectReason.MALFORMED_QUOTING,
                            "the column names: name " + names.size() + ": text after the closing quote");
                }
                names.add(new String(quoted, 0, quotedLength));
            } else {
                final int from = pos;
                while (pos < end && text[pos] != delimiter) {
                    pos++;
                }
                int to = pos;
                while (to > from && isSpace(text[to - 1])) {
                    to--;
                }
                names.add(new String(text, from, to - from));
            }
            if (pos >= end) {
                break;
            }
            pos++; // the delimiter
        }
        return ColumnNames.of(names);
    }

    /** Decodes {@code raw} into {@link #line}; returns what is wrong with it, or null. */
    private String decode(final byte[] raw) {
        if (line.capacity() < raw.length) {
            line = CharBuffer.allocate(Math.max(raw.length, 2 * line.capacity()));
        }
        line.clear();
        // ASCII, nearly every line: each byte is its character. The decoder's set-up, buffer
        // wrapping and checks cost more than a line's parsing (measured, see docs/BENCHMARKS.md).
        final char[] chars = line.array();
        int ascii = 0;
        while (ascii < raw.length && raw[ascii] >= 0) {
            chars[ascii] = (char) raw[ascii];
            ascii++;
        }
        if (ascii == raw.length) {
            line.position(ascii);
            return null;
        }
        final ByteBuffer in = ByteBuffer.wrap(raw);
        CoderResult result = utf8.reset().decode(in, line, true);
        if (!result.isError()) {
            result = utf8.flush(line);
        }
        return result.isError() ? (result.isMalformed() ? "malformed" : "unmappable") + " input at byte " + in.position() : null;
    }

    /** Reads a quoted cell's content into {@link #quoted}; returns the position after the closing quote, or -1. */
    private int readQuoted(final char[] text, int pos, final int end) {
        quotedLength = 0;
        while (pos < end) {
            final char c = text[pos++];
            if (c == QUOTE) {
                if (pos < end && text[pos] == QUOTE) {
                    pos++;
                } else {
                    return pos;
                }
            }
            if (quotedLength == quoted.length) {
                quoted = Arrays.copyOf(quoted, 2 * quoted.length);
            }
            quoted[quotedLength++] = c;
        }
        return -1;
    }

    private int skipSpaces(final char[] text, int pos, final int end) {
        while (pos < end && isSpace(text[pos])) {
            pos++;
        }
        return pos;
    }

    private boolean isSpace(final char c) {
        return (c == ' ' || c == '\t') && c != delimiter;
    }

    /**
     * Stores the value of {@code cell[from, to)}, NaN when missing, at {@code column}; returns why it
     * is not a number, or null. NA tokens are looked up only for what is not a number.
     */
    private String readCell(final char[] cell, int from, int to, final int column) {
        while (from < to && isSpace(cell[from])) {
            from++;
        }
        while (to > from && isSpace(cell[to - 1])) {
            to--;
        }
        if (column == values.length) {
            values = Arrays.copyOf(values, Math.min(maxColumns, values.length * 2));
        }
        if (from == to) {
            values[column] = Double.NaN;
            return null;
        }
        final double value = DecimalText.parse(cell, from, to);
        if (Double.isInfinite(value)) {
            return "not finite: '" + abbreviate(new String(cell, from, to - from)) + "' overflows a double";
        }
        if (!Double.isNaN(value)) {
            values[column] = value;
            return null;
        }
        if (naValues.matches(cell, from, to)) {
            values[column] = Double.NaN;
            return null;
        }
        final String text = new String(cell, from, to - from);
        return isSpelledNonFinite(text) ? "not finite: '" + text + "'" : "not a number: '" + abbreviate(text) + "'";
    }

    private static boolean isSpelledNonFinite(final String s) {
        final String unsigned = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
        return unsigned.equalsIgnoreCase("nan") || unsigned.equalsIgnoreCase("infinity") || unsigned.equalsIgnoreCase("inf");
    }

    private static String abbreviate(final String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
