package io.streamavg.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge producer's own averages (batch size, records per request, time in the accumulator),
 * read from the bridge's /metrics: they say whether the bridge's batches are as full as
 * ProducerPerformance's, which the broker's CPU per line depends on.
 */
final class BridgeBenchProducerMetrics {

    /** Kafka's producer-metrics group, as Micrometer's KafkaClientMetrics names it on /metrics. */
    static final List<String> NAMES = List.of("kafka_producer_batch_size_avg", "kafka_producer_records_per_request_avg",
            "kafka_producer_record_queue_time_avg", "kafka_producer_compression_rate_avg", "kafka_producer_request_total",
            "kafka_producer_record_send_total", "kafka_producer_bufferpool_wait_time_ns_total");

    private BridgeBenchProducerMetrics() {
    }

    static Map<String, Double> scrape(final int httpPort) throws Exception {
        return parse(ServiceMetrics.fetch(httpPort).text());
    }

    /** The first sample of each of {@link #NAMES}: the producer-metrics group has one sample per name. */
    static Map<String, Double> parse(final String prometheusText) {
        final Map<String, Double> values = new LinkedHashMap<>();
        for (final ServiceMetrics.Sample sample : new ServiceMetrics(prometheusText).samples(NAMES::contains)) {
            if (!sample.labels().contains("topic=")) {
                values.putIfAbsent(sample.name().substring("kafka_producer_".length()), sample.value());
            }
        }
        return values;
    }

    private static final Pattern PERF_SAMPLE = Pattern.compile("^producer-metrics:([a-z0-9-]+):\\{client-id=[^}]*\\}\\s*: ([-+0-9.eENaInf]+)$",
            Pattern.MULTILINE);

    /** The same averages from ProducerPerformance's output with --print-metrics. */
    static Map<String, Double> ofProducerPerformance(final String output) {
        final Map<String, Double> values = new LinkedHashMap<>();
        final Matcher sample = PERF_SAMPLE.matcher(output);
        while (sample.find()) {
            final String name = "kafka_producer_" + sample.group(1).replace('-', '_');
            if (NAMES.contains(name)) {
                values.putIfAbsent(name.substring("kafka_producer_".length()), Double.parseDouble(sample.group(2)));
            }
        }
        return values;
    }

    static String markdown(final Map<String, Map<String, Double>> runs) {
        if (runs.isEmpty()) {
            return "";
        }
        final StringBuilder table = new StringBuilder("\n| run | batch-size-avg B | records-per-request-avg | record-queue-time-avg ms"
                + " | compression-rate-avg | requests | records |\n|---|--:|--:|--:|--:|--:|--:|\n");
        runs.forEach((run, values) -> table.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.1f | %.1f | %.3f | %,.0f | %,.0f |%n",
                run, values.getOrDefault("batch_size_avg", Double.NaN), values.getOrDefault("records_per_request_avg", Double.NaN),
                values.getOrDefault("record_queue_time_avg", Double.NaN), values.getOrDefault("compression_rate_avg", Double.NaN),
                values.getOrDefault("request_total", Double.NaN), values.getOrDefault("record_send_total", Double.NaN))));
        return table.toString();
    }
}
