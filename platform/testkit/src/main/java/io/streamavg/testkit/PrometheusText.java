package io.streamavg.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, as Micrometer's
 * {@code PrometheusMeterRegistry.scrape()} writes it, for tests that read a service's
 * {@code /metrics}:
 *
 * <pre>
 * # HELP name text            (text escapes: \\ and \n)
 * # TYPE name counter|gauge|summary|histogram|untyped
 * name{label="value",...} value [timestamp]
 * </pre>
 *
 * <p>Every line must end with a line feed; empty lines and other {@code #} comments are ignored.
 * A sample belongs to the family of its own name, or, by its suffix, to a typed family
 * ({@code _total}/{@code _created} of a counter, {@code _count}/{@code _sum}/{@code _created} of
 * a summary, {@code _bucket}/{@code _count}/{@code _sum}/{@code _created} of a histogram); the
 * family's {@code # TYPE} must come before its samples, and a family's samples must be grouped
 * together. Label values escape {@code \\}, {@code \"} and {@code \n}; values are decimal numbers,
 * {@code NaN}, {@code +Inf} or {@code -Inf}; the optional timestamp is an integer (milliseconds).
 * Any other line, a sample twice, a label twice or a sample whose family has no {@code # TYPE} is an
 * {@link AssertionError} naming the line number.
 */
public final class PrometheusText {

    /** The metric types of {@code # TYPE}. */
    public enum Type {
        COUNTER, GAUGE, SUMMARY, HISTOGRAM, UNTYPED
    }

    /**
     * One sample line: its metric name (with any suffix, e.g. {@code x_total}, {@code x_count}),
     * its labels (sorted by name), its value, its timestamp if it had one, the family it belongs to
     * and its 1-based line number.
     */
    public record Sample(String name, Map<String, String> labels, double value, OptionalLong timestamp, String family, int line) {
    }

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");

    private final List<Sample> samples;
    private final Map<String, Type> types;
    private final Map<String, String> help;
    private final Map<String, List<Sample>> byName;

    private PrometheusText(final List<Sample> samples, final Map<String, Type> types, final Map<String, String> help) {
        this.samples = List.copyOf(samples);
        this.types = Collections.unmodifiableMap(new TreeMap<>(types));
        this.help = Collections.unmodifiableMap(new TreeMap<>(help));
        final Map<String, List<Sample>> names = new HashMap<>();
        samples.forEach(sample -> names.computeIfAbsent(sample.name(), name -> new ArrayList<>()).add(sample));
        this.byName = names;
    }

    /**
     * Parses a whole exposition ({@code GET /metrics}'s body).
     *
     * @throws AssertionError naming the line number of the first malformed line
     */
    public static PrometheusText parse(final String body) {
        return new Parser(body).parse();
    }

    /** Every sample, in the order of the text. */
    public List<Sample> samples() {
        return samples;
    }

    /** The samples named exactly {@code name} (suffix included), in the order of the text; empty if none. */
    public List<Sample> samples(final String name) {
        return List.copyOf(byName.getOrDefault(name, List.of()));
    }

    /** The names of every sample (suffixes included: {@code x_total}, {@code x_count}), sorted. */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(byName.keySet()));
    }

    /** The sample names that start with {@code prefix}, sorted. */
    public Set<String> namesStartingWith(final String prefix) {
        final Set<String> names = new TreeSet<>();
        byName.keySet().stream().filter(name -> name.startsWith(prefix)).forEach(names::add);
        return names;
    }

    /** Every family declared by {@code # TYPE}, with its type, sorted by name. */
    public Map<String, Type> families() {
        return types;
    }

    /** The {@code # TYPE} of {@code family}. */
    public Type type(final String family) {
        final Type type = types.get(family);
        if (type == null) {
            throw new AssertionError("no # TYPE " + family + " in the exposition");
        }
        return type;
    }

    /** The unescaped {@code # HELP} text of {@code name}, if it has one. */
    public Optional<String> help(final String name) {
        return Optional.ofNullable(help.get(name));
    }

    /** The value of the sample {@code name} without labels. */
    public OptionalDouble find(final String name) {
        return find(name, Map.of());
    }

    /** The value of the sample {@code name} whose labels are exactly {@code labels}. */
    public OptionalDouble find(final String name, final Map<String, String> labels) {
        for (final Sample sample : byName.getOrDefault(name, List.of())) {
            if (sample.labels().equals(labels)) {
                return OptionalDouble.of(sample.value());
            }
        }
        return OptionalDouble.empty();
    }

    /** The value of the sample {@code name} without labels; an {@link AssertionError} if there is none. */
    public double value(final String name) {
        return value(name, Map.of());
    }

    /** The value of the sample {@code name} with exactly {@code labels}; an {@link AssertionError}, listing what there is, if absent. */
    public double value(final String name, final Map<String, String> labels) {
        final OptionalDouble value = find(name, labels);
        if (value.isEmpty()) {
            final List<Map<String, String>> present = byName.getOrDefault(name, List.of()).stream().map(Sample::labels).toList();
            throw new AssertionError("no sample " + name + new TreeMap<>(labels)
                    + (present.isEmpty() ? " (no sample of that name at all)" : "; its samples have labels " + present));
        }
        return value.getAsDouble();
    }

    /** The sum of every sample named {@code name}, whatever its labels; an {@link AssertionError} if there is none. */
    public double sum(final String name) {
        final List<Sample> named = byName.get(name);
        if (named == null) {
            throw new AssertionError("no sample " + name);
        }
        return named.stream().mapToDouble(Sample::value).sum();
    }

    @Override
    public String toString() {
        return "PrometheusText[" + samples.size() + " samples of " + types.size() + " families]";
    }

    /** One pass over the text, line by line. */
    private static final class Parser {

        private final String body;
        private final List<Sample> samples = new ArrayList<>();
        private final Map<String, Type> types = new LinkedHashMap<>();
        private final Map<String, String> help = new LinkedHashMap<>();
        /** The names of the samples so far. */
        private final Set<String> sampleNames = new HashSet<>();
        /** Families whose samples have started, then been followed by another family's. */
        private final Set<String> finished = new HashSet<>();
        /** Name and labels of every sample so far. */
        private final Set<List<Object>> series = new HashSet<>();
        private String currentFamily;
        private int lineNumber;
        private String line;

        Parser(final String body) {
            this.body = body;
        }

        PrometheusText parse() {
            if (body == null) {
                throw new AssertionError("no exposition (null)");
            }
            if (!body.isEmpty() && !body.endsWith("\n")) {
                final int lines = body.split("\n", -1).length;
                throw new AssertionError("line " + lines + ": the last line does not end with a line feed: " + last(body));
            }
            final String[] lines = body.split("\n", -1);
            // The text ends with a line feed: the last element is the empty string after it.
            for (int i = 0; i < lines.length - 1; i++) {
                lineNumber = i + 1;
                line = lines[i];
                parseLine();
            }
            return new PrometheusText(samples, types, help);
        }

        private static String last(final String body) {
            final int start = body.lastIndexOf('\n') + 1;
            return quote(body.substring(start));
        }

        private void parseLine() {
            if (line.indexOf('\r') >= 0) {
                throw fail("a carriage return (lines end with \\n alone)");
            }
            if (line.isEmpty()) {
                return;
            }
            if (line.charAt(0) == '#') {
                parseComment();
                return;
            }
            parseSample();
        }

        private void parseComment() {
            final String[] tokens = line.substring(1).strip().split("[ \t]+", 3);
            if (!line.startsWith("# ") && !line.startsWith("#\t") || !tokens[0].equals("HELP") && !tokens[0].equals("TYPE")) {
                return; // A plain comment.
            }
            if (tokens.length < 2) {
                throw fail("# " + tokens[0] + " without a metric name");
            }
            final String name = tokens[1];
            if (!METRIC_NAME.matcher(name).matches()) {
                throw fail("invalid metric name " + quote(name) + " in # " + tokens[0]);
            }
            if (tokens[0].equals("HELP")) {
                if (help.containsKey(name)) {
                    throw fail("a second # HELP for " + name);
                }
                // The docstring is the rest of the line after one blank, unescaped.
                final int at = line.indexOf(name, line.indexOf("HELP") + 4) + name.length();
                final String text = at < line.length() ? line.substring(at + 1) : "";
                help.put(name, unescapeHelp(text));
                return;
            }
            if (tokens.length < 3) {
                throw fail("# TYPE " + name + " without a type");
            }
            final String typeName = tokens[2].strip();
            if (typeName.contains(" ") || typeName.contains("\t")) {
                throw fail("unexpected text after the type of " + name);
            }
            final Type type;
            try {
                type = Type.valueOf(typeName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw fail("unknown type " + quote(typeName) + " (counter, gauge, summary, histogram or untyped)");
            }
            if (!typeName.equals(typeName.toLowerCase(Locale.ROOT))) {
                throw fail("type " + quote(typeName) + " must be lower case");
            }
            if (types.containsKey(name)) {
                throw fail("a second # TYPE for " + name);
            }
            if (sampleNames.contains(name)) {
                throw fail("# TYPE " + name + " after samples named " + name);
            }
            types.put(name, type);
        }

        private String unescapeHelp(final String text) {
            final StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                final char c = text.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (i + 1 == text.length()) {
                    throw fail("a lone backslash at the end of a # HELP text");
                }
                final char next = text.charAt(++i);
                switch (next) {
                    case '\\' -> out.append('\\');
                    case 'n' -> out.append('\n');
                    default -> throw fail("invalid escape \\" + next + " in a # HELP text (only \\\\ and \\n)");
                }
            }
            return out.toString();
        }

        private void parseSample() {
            int pos = 0;
            final int nameEnd = scanName(pos);
            if (nameEnd == pos) {
                throw fail("expected a metric name, # HELP, # TYPE or a comment");
            }
            final String name = line.substring(pos, nameEnd);
            pos = nameEnd;
            final Map<String, String> labels = new TreeMap<>();
            if (pos < line.length() && line.charAt(pos) == '{') {
                pos = parseLabels(pos + 1, labels);
            }
            final int blanks = skipBlanks(pos);
            if (blanks == pos) {
                throw fail(pos == line.length() ? "sample " + name + " has no value"
                        : "unexpected " + quote(String.valueOf(line.charAt(pos))) + " at column " + (pos + 1));
            }
            pos = blanks;
            final int valueEnd = tokenEnd(pos);
            final double value = parseValue(line.substring(pos, valueEnd));
            pos = skipBlanks(valueEnd);
            OptionalLong timestamp = OptionalLong.empty();
            if (pos < line.length()) {
                final int timestampEnd = tokenEnd(pos);
                final String token = line.substring(pos, timestampEnd);
                if (!INTEGER.matcher(token).matches()) {
                    throw fail("invalid timestamp " + quote(token) + " (an integer of milliseconds)");
                }
                try {
                    timestamp = OptionalLong.of(Long.parseLong(token));
                } catch (NumberFormatException e) {
                    throw fail("timestamp " + quote(token) + " out of range");
                }
                pos = skipBlanks(timestampEnd);
                if (pos < line.length()) {
                    throw fail("unexpected text after the timestamp: " + quote(line.substring(pos)));
                }
            }
            final String family = familyOf(name, labels);
            if (!family.equals(currentFamily)) {
                if (finished.contains(family)) {
                    throw fail("samples of " + family + " are not grouped together");
                }
                if (currentFamily != null) {
                    finished.add(currentFamily);
                }
                currentFamily = family;
            }
            if (!series.add(List.of(name, Map.copyOf(labels)))) {
                throw fail("a second sample " + name + labels);
            }
            sampleNames.add(name);
            samples.add(new Sample(name, Collections.unmodifiableMap(labels), value, timestamp, family, lineNumber));
        }

        /** The typed family a sample belongs to. */
        private String familyOf(final String name, final Map<String, String> labels) {
            final Type own = types.get(name);
            if (own != null) {
                switch (own) {
                    case SUMMARY -> {
                        if (!labels.containsKey("quantile")) {
                            throw fail("sample " + name + " of summary " + name + " has no quantile label");
                        }
                        parseLabelNumber(labels.get("quantile"), "quantile");
                    }
                    case HISTOGRAM -> throw fail("sample " + name + " of histogram " + name
                            + " (a histogram's samples are " + name + "_bucket, _count and _sum)");
                    default -> {
                    }
                }
                return name;
            }
            for (final Map.Entry<String, Type> family : types.entrySet()) {
                final String base = family.getKey();
                if (!name.startsWith(base + "_")) {
                    continue;
                }
                final String suffix = name.substring(base.length());
                final boolean fits = switch (family.getValue()) {
                    case COUNTER -> suffix.equals("_total") || suffix.equals("_created");
                    case SUMMARY -> suffix.equals("_count") || suffix.equals("_sum") || suffix.equals("_created");
                    case HISTOGRAM -> suffix.equals("_bucket") || suffix.equals("_count") || suffix.equals("_sum")
                            || suffix.equals("_created");
                    default -> false;
                };
                if (!fits) {
                    continue;
                }
                if (suffix.equals("_bucket")) {
                    if (!labels.containsKey("le")) {
                        throw fail("sample " + name + " of histogram " + base + " has no le label");
                    }
                    parseLabelNumber(labels.get("le"), "le");
                }
                return base;
            }
            throw fail("sample " + name + " has no # TYPE for its family");
        }

        private void parseLabelNumber(final String value, final String label) {
            try {
                parseValue(value);
            } catch (AssertionError e) {
                throw fail("label " + label + "=" + quote(value) + " is not a number");
            }
        }

        /** Parses labels from just after '{' to just after '}'; returns the position after '}'. */
        private int parseLabels(final int from, final Map<String, String> labels) {
            int pos = from;
            while (true) {
                if (pos >= line.length()) {
                    throw fail("labels not closed by }");
                }
                if (line.charAt(pos) == '}') {
                    return pos + 1;
                }
                final int nameEnd = scanLabelName(pos);
                if (nameEnd == pos) {
                    throw fail("expected a label name at column " + (pos + 1));
                }
                final String label = line.substring(pos, nameEnd);
                pos = nameEnd;
                if (pos >= line.length() || line.charAt(pos) != '=') {
                    throw fail("expected = after label " + label + " at column " + (pos + 1));
                }
                pos++;
                if (pos >= line.length() || line.charAt(pos) != '"') {
                    throw fail("expected \" to open the value of label " + label + " at column " + (pos + 1));
                }
                pos++;
                final StringBuilder value = new StringBuilder();
                while (true) {
                    if (pos >= line.length()) {
                        throw fail("the value of label " + label + " is not closed by \"");
                    }
                    final char c = line.charAt(pos++);
                    if (c == '"') {
                        break;
                    }
                    if (c != '\\') {
                        value.append(c);
                        continue;
                    }
                    if (pos >= line.length()) {
                        throw fail("a lone backslash in the value of label " + label);
                    }
                    final char next = line.charAt(pos++);
                    switch (next) {
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        case 'n' -> value.append('\n');
                        default -> throw fail("invalid escape \\" + next + " in the value of label " + label
                                + " (only \\\\, \\\" and \\n)");
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw fail("label " + label + " twice");
                }
                if (pos >= line.length()) {
                    throw fail("labels not closed by }");
                }
                if (line.charAt(pos) == ',') {
                    pos++;
                } else if (line.charAt(pos) != '}') {
                    throw fail("expected , or } after the value of label " + label + " at column " + (pos + 1));
                }
            }
        }

        private double parseValue(final String token) {
            switch (token) {
                case "NaN" -> {
                    return Double.NaN;
                }
                case "+Inf", "Inf" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Inf" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                }
            }
            if (!DECIMAL.matcher(token).matches()) {
                throw fail("invalid value " + quote(token) + " (a decimal number, NaN, +Inf or -Inf)");
            }
            final double value = Double.parseDouble(token);
            if (Double.isInfinite(value)) {
                throw fail("value " + quote(token) + " overflows a double (write +Inf or -Inf)");
            }
            return value;
        }

        private int scanName(final int from) {
            int pos = from;
            while (pos < line.length()) {
                final char c = line.charAt(pos);
                final boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
                        || pos > from && c >= '0' && c <= '9';
                if (!ok) {
                    break;
                }
                pos++;
            }
            return pos;
        }

        private int scanLabelName(final int from) {
            int pos = from;
            while (pos < line.length()) {
                final char c = line.charAt(pos);
                final boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || pos > from && c >= '0' && c <= '9';
                if (!ok) {
                    break;
                }
                pos++;
            }
            return pos;
        }

        private int skipBlanks(final int from) {
            int pos = from;
            while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
                pos++;
            }
            return pos;
        }

        private int tokenEnd(final int from) {
            int pos = from;
            while (pos < line.length() && line.charAt(pos) != ' ' && line.charAt(pos) != '\t') {
                pos++;
            }
            return pos;
        }

        private AssertionError fail(final String reason) {
            return new AssertionError("line " + lineNumber + ": " + reason + ": " + quote(line));
        }

        private static String quote(final String text) {
            final String shown = text.length() > 200 ? text.substring(0, 200) + "…" : text;
            return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + "\"";
        }
    }
}
