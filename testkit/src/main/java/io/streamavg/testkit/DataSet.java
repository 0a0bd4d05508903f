package io.streamavg.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference data set of {@code testdata/}: its CSV lines and the statistics pandas computed for
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
        final Path dir = folder();
        try {
            final List<String> lines = Files.readAllLines(dir.resolve(name + ".csv"), StandardCharsets.UTF_8);
            final JsonNode root = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get(name);
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
            throw new UncheckedIOException("cannot read data set " + name + " in " + dir, e);
        }
    }

    private static Path folder() {
        final String property = System.getProperty("streamavg.testdata");
        final Path dir = property != null ? Path.of(property) : Path.of("..", "testdata");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("test data folder " + dir.toAbsolutePath() + " not found (system property streamavg.testdata)");
        }
        return dir;
    }
}
