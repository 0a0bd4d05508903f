package io.streamavg.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Prometheus text of a service's {@code /metrics}, as the benches read figures from it. */
record ServiceMetrics(String text) {

    /** One sample: its name, its labels as written (braces included, empty without), its value. */
    record Sample(String name, String labels, double value) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);

    static ServiceMetrics fetch(final int httpPort) throws IOException, InterruptedException {
        final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/metrics on port " + httpPort + " answered " + response.statusCode());
        }
        return new ServiceMetrics(response.body());
    }

    /** The samples whose names {@code names} accepts, in the order written. */
    List<Sample> samples(final Predicate<String> names) {
        final List<Sample> samples = new ArrayList<>();
        final Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            if (names.test(sample.group(1))) {
                samples.add(new Sample(sample.group(1), sample.group(2) == null ? "" : sample.group(2), value(sample.group(3))));
            }
        }
        return samples;
    }

    private static double value(final String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
