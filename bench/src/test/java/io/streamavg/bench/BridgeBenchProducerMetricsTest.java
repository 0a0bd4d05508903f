package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgeBenchProducerMetricsTest {

    @Test
    void shouldReadTheProducerGroupsAveragesFromPrometheusTextAndLeaveThePerTopicOnes() {
        final String text = """
                # HELP kafka_producer_batch_size_avg The average number of bytes sent per partition per-request.
                # TYPE kafka_producer_batch_size_avg gauge
                kafka_producer_batch_size_avg{client_id="producer-1",kafka_version="4.4.0",spring_id=""} 40337.5
                kafka_producer_records_per_request_avg{client_id="producer-1",kafka_version="4.4.0"} 1210.7
                kafka_producer_record_send_total{client_id="producer-1",kafka_version="4.4.0",topic="raw-lines"} 5.0
                kafka_producer_record_send_total{client_id="producer-1",kafka_version="4.4.0"} 2000000.0
                kafka_producer_node_request_latency_avg{client_id="producer-1",node_id="node-1"} 3.0
                """;

        assertThat(BridgeBenchProducerMetrics.parse(text)).containsExactly(
                Map.entry("batch_size_avg", 40337.5), Map.entry("records_per_request_avg", 1210.7),
                Map.entry("record_send_total", 2_000_000.0));
    }

    @Test
    void shouldReadTheSameAveragesFromProducerPerformancesPrintedMetrics() {
        final String output = """
                2000000 records sent, 190349.1 records/sec (12.01 MB/sec), 9.10 ms avg latency, 212.00 ms max latency.
                producer-metrics:batch-size-avg:{client-id=perf-producer-client}                   : 36763.251
                producer-metrics:batch-size-max:{client-id=perf-producer-client}                   : 65536.000
                producer-metrics:record-queue-time-avg:{client-id=perf-producer-client}            : 15.012
                producer-metrics:request-total:{client-id=perf-producer-client}                    : 1679.000
                producer-node-metrics:request-total:{client-id=perf-producer-client, node-id=node-1} : 1679.000
                """;

        assertThat(BridgeBenchProducerMetrics.ofProducerPerformance(output)).containsExactly(
                Map.entry("batch_size_avg", 36763.251), Map.entry("record_queue_time_avg", 15.012), Map.entry("request_total", 1679.0));
    }

    @Test
    void shouldPrintOneRowPerRun() {
        final Map<String, Map<String, Double>> runs = new LinkedHashMap<>();
        runs.put("bridge", Map.of("batch_size_avg", 40337.5, "records_per_request_avg", 1210.7, "record_queue_time_avg", 8.6,
                "compression_rate_avg", 0.766, "request_total", 1658.0, "record_send_total", 2_000_000.0));
        runs.put("producer-perf", Map.of());

        assertThat(BridgeBenchProducerMetrics.markdown(runs)).isEqualTo("""

                | run | batch-size-avg B | records-per-request-avg | record-queue-time-avg ms | compression-rate-avg | requests | records |
                |---|--:|--:|--:|--:|--:|--:|
                | bridge | 40,338 | 1,210.7 | 8.6 | 0.766 | 1,658 | 2,000,000 |
                | producer-perf | NaN | NaN | NaN | NaN | NaN | NaN |
                """);
    }
}
