package io.streamavg.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long the topology's stream threads took per commit, and how often they committed, as Kafka
 * Streams itself measures it ({@code commit-latency-avg}, {@code commit-latency-max},
 * {@code commit-rate}: each over its last two 30-second samples), read from the service's
 * {@code /metrics}. Under exactly-once a line's statistics wait for two commits (its folding task's,
 * then its merging task's), so this is a part of the latency the stage table can be read against.
 *
 * @param avgMillis the mean over the threads of their mean commit time
 * @param maxMillis the longest commit of any thread
 * @param perSecond commits a second, all threads together
 */
record StreamThreadCommits(double avgMillis, double maxMillis, double perSecond) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SAMPLE = Pattern.compile(
            "^kafka_stream_thread_commit_(latency_avg|latency_max|rate)\\{[^}]*} ([0-9.eE+-]+|NaN)$", Pattern.MULTILINE);

    static StreamThreadCommits read(final int httpPort) throws IOException, InterruptedException {
        final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the topology's /metrics answered " + response.statusCode());
        }
        return parse(response.body());
    }

    /** From the Prometheus text of a topology's /metrics; a thread that has not committed (NaN) counts for nothing. */
    static StreamThreadCommits parse(final String metrics) {
        double avgSum = 0;
        int avgThreads = 0;
        double max = 0;
        double rate = 0;
        final Matcher sample = SAMPLE.matcher(metrics);
        while (sample.find()) {
            final double value = Double.parseDouble(sample.group(2));
            if (Double.isNaN(value)) {
                continue;
            }
            switch (sample.group(1)) {
                case "latency_avg" -> {
                    avgSum += value;
                    avgThreads++;
                }
                case "latency_max" -> max = Math.max(max, value);
                default -> rate += value;
            }
        }
        if (avgThreads == 0) {
            throw new IllegalStateException("the topology's /metrics has no stream thread's commit latency");
        }
        return new StreamThreadCommits(avgSum / avgThreads, max, rate);
    }
}
