package io.streamavg.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference data set of the test kit's {@code testdata/} resources: its CSV lines and the statistics pandas computed for
 * each column ({@code expected.json}).
 */
public record DataSet(String name, List<String> lines, Map<String, Expected> columns) {

    /** pandas' statistics of one column. */
    public record Expected(long count, double mean, double min, double max, double stddev) {
    }

    public static DataSet iris() {
        return load("iris");
    }

    public static DataSet wine() {
        return load("wine");
    }

    public static DataSet load(final String name) {
        try {
            final List<String> lines = new String(resource(name + ".csv"), StandardCharsets.UTF_8).lines().toList();
            final JsonNode root = new ObjectMapper().readTree(resource("expected.json")).get(name);
            final Map<String, Expected> columns = new LinkedHashMap<>();
            root.get("columns").fields().forEachRemaining(column -> columns.put(column.getKey(), new Expected(
                    column.getValue().get("count").asLong(),
                    column.getValue().get("mean").asDouble(),
                    column.getValue().get("min").asDouble(),
                    column.getValue().get("max").asDouble(),
                    column.getValue().get("stddev_population").asDouble())));
            if (root.get("lines").asInt() != lines.size()) {
                throw new IllegalStateException(name + ".csv has " + lines.size() + " lines, expected.json says " + root.get("lines"));
            }
            return new DataSet(name, List.copyOf(lines), Map.copyOf(columns));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read data set " + name, e);
        }
    }

    /** A file of the test kit's {@code testdata/} resources, on every test classpath. */
    private static byte[] resource(final String file) throws IOException {
        try (InputStream in = DataSet.class.getResourceAsStream("/testdata/" + file)) {
            if (in == null) {
                throw new IllegalStateException("testdata/" + file + " is not on the classpath (the test kit's resources)");
            }
            return in.readAllBytes();
        }
    }
}
