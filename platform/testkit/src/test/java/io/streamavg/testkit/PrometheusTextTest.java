package io.streamavg.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PrometheusTextTest {

    /** An excerpt of a real scrape of {@code streamavg local}, as Micrometer 1.17 writes it. */
    private static final String MICROMETER = """
            # HELP jvm_buffer_count_buffers An estimate of the number of buffers in the pool
            # TYPE jvm_buffer_count_buffers gauge
            jvm_buffer_count_buffers{id="direct"} 42.0
            jvm_buffer_count_buffers{id="mapped - 'non-volatile memory'"} 0.0
            # HELP jvm_classes_unloaded_classes_total The number of classes unloaded in the Java virtual machine
            # TYPE jvm_classes_unloaded_classes_total counter
            jvm_classes_unloaded_classes_total 0.0
            # HELP jvm_memory_used_bytes The amount of used memory
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 7.9691776E7
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 6.1738281E7
            # HELP kafka_consumer_fetch_manager_fetch_latency_avg The average time taken for a fetch request.
            # TYPE kafka_consumer_fetch_manager_fetch_latency_avg gauge
            kafka_consumer_fetch_manager_fetch_latency_avg{client_id="consumer-streamavg-sink-1",kafka_version="4.4.0"} NaN
            # HELP streamavg_bridge_lines_rejected_total Lines sent to raw-lines-dlq by the bridge, by reason
            # TYPE streamavg_bridge_lines_rejected_total counter
            streamavg_bridge_lines_rejected_total{reason="line-too-long"} 3.0
            # HELP streamavg_sink_batch_duration_seconds Time to write one batch and its offsets, retries included
            # TYPE streamavg_sink_batch_duration_seconds summary
            streamavg_sink_batch_duration_seconds_count 4
            streamavg_sink_batch_duration_seconds_sum 0.012
            # HELP streamavg_sink_batch_duration_seconds_max Time to write one batch and its offsets, retries included
            # TYPE streamavg_sink_batch_duration_seconds_max gauge
            streamavg_sink_batch_duration_seconds_max 0.005
            """;

    @Test
    void shouldReadMicrometersExposition() {
        final PrometheusText text = PrometheusText.parse(MICROMETER);

        assertThat(text.samples()).hasSize(10);
        assertThat(text.value("jvm_buffer_count_buffers", Map.of("id", "direct"))).isEqualTo(42.0);
        assertThat(text.value("jvm_buffer_count_buffers", Map.of("id", "mapped - 'non-volatile memory'"))).isZero();
        assertThat(text.value("jvm_memory_used_bytes", Map.of("area", "heap", "id", "G1 Eden Space"))).isEqualTo(7.9691776E7);
        assertThat(text.sum("jvm_memory_used_bytes")).isEqualTo(7.9691776E7 + 6.1738281E7);
        assertThat(text.value("kafka_consumer_fetch_manager_fetch_latency_avg",
                Map.of("client_id", "consumer-streamavg-sink-1", "kafka_version", "4.4.0"))).isNaN();
        assertThat(text.value("streamavg_bridge_lines_rejected_total", Map.of("reason", "line-too-long"))).isEqualTo(3.0);
        assertThat(text.value("streamavg_sink_batch_duration_seconds_count")).isEqualTo(4.0);
        assertThat(text.value("streamavg_sink_batch_duration_seconds_sum")).isEqualTo(0.012);
        assertThat(text.value("streamavg_sink_batch_duration_seconds_max")).isEqualTo(0.005);
        assertThat(text.samples("streamavg_sink_batch_duration_seconds_count").get(0).family())
                .isEqualTo("streamavg_sink_batch_duration_seconds");
        assertThat(text.type("streamavg_sink_batch_duration_seconds")).isEqualTo(PrometheusText.Type.SUMMARY);
        assertThat(text.type("jvm_classes_unloaded_classes_total")).isEqualTo(PrometheusText.Type.COUNTER);
        assertThat(text.help("jvm_memory_used_bytes")).contains("The amount of used memory");
        assertThat(text.names()).contains("jvm_memory_used_bytes", "streamavg_sink_batch_duration_seconds_count")
                .doesNotContain("streamavg_sink_batch_duration_seconds");
        assertThat(text.namesStartingWith("streamavg_sink_")).containsExactly("streamavg_sink_batch_duration_seconds_count",
                "streamavg_sink_batch_duration_seconds_max", "streamavg_sink_batch_duration_seconds_sum");
        assertThat(text.find("jvm_memory_used_bytes", Map.of("area", "heap"))).as("labels match exactly").isEmpty();
        assertThat(text.find("no_such_metric")).isEmpty();
    }

    @Test
    void shouldReadEscapesSpecialValuesTimestampsAndEveryType() {
        final PrometheusText text = PrometheusText.parse("""
                # A plain comment, ignored.

                # HELP weird A help text with a backslash \\\\ and a\\nline break.
                # TYPE weird gauge
                weird{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",empty=""} +Inf
                weird{path="other",} -Inf 1700000000000
                weird -1.5e-3\t-12
                # TYPE up untyped
                up 1
                # TYPE requests counter
                requests_total{code="200"} 1027
                requests_created{code="200"} 1.7e9
                # TYPE latency histogram
                latency_bucket{le="0.5"} 2
                latency_bucket{le="+Inf"} 3
                latency_count 3
                latency_sum .75
                # TYPE rpc summary
                rpc{quantile="0.99"} 0.2
                rpc_count 10
                rpc_sum 1.5
                # TYPE plain_counter counter
                plain_counter 5
                """);

        assertThat(text.help("weird")).contains("A help text with a backslash \\ and a\nline break.");
        assertThat(text.value("weird", Map.of("path", "C:\\dir", "quote", "say \"hi\"", "nl", "a\nb", "empty", "")))
                .isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(text.value("weird", Map.of("path", "other"))).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(text.samples("weird").get(1).timestamp()).isEqualTo(OptionalLong.of(1_700_000_000_000L));
        assertThat(text.samples("weird").get(0).timestamp()).isEmpty();
        assertThat(text.value("weird")).isEqualTo(-1.5e-3);
        assertThat(text.samples("weird").get(2).timestamp()).isEqualTo(OptionalLong.of(-12));
        assertThat(text.samples("weird").get(2).line()).isEqualTo(7);
        assertThat(text.value("up")).isEqualTo(1.0);
        assertThat(text.value("requests_total", Map.of("code", "200"))).isEqualTo(1027.0);
        assertThat(text.samples("requests_created").get(0).family()).isEqualTo("requests");
        assertThat(text.value("latency_bucket", Map.of("le", "+Inf"))).isEqualTo(3.0);
        assertThat(text.value("latency_sum")).isEqualTo(0.75);
        assertThat(text.value("rpc", Map.of("quantile", "0.99"))).isEqualTo(0.2);
        assertThat(text.value("plain_counter")).isEqualTo(5.0);
        assertThat(text.families()).containsEntry("latency", PrometheusText.Type.HISTOGRAM)
                .containsEntry("rpc", PrometheusText.Type.SUMMARY).containsEntry("up", PrometheusText.Type.UNTYPED);
        assertThat(text.find("weird", Map.of("path", "other"))).isEqualTo(OptionalDouble.of(Double.NEGATIVE_INFINITY));
    }

    @Test
    void shouldAcceptAnEmptyExposition() {
        assertThat(PrometheusText.parse("").samples()).isEmpty();
        assertThat(PrometheusText.parse("# TYPE nothing_yet gauge\n").names()).isEmpty();
    }

    @Test
    void shouldNameWhatIsMissingWhenAValueIsAbsent() {
        final PrometheusText text = PrometheusText.parse(MICROMETER);

        assertThatThrownBy(() -> text.value("jvm_buffer_count_buffers", Map.of("id", "heap")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("jvm_buffer_count_buffers").hasMessageContaining("id=direct");
        assertThatThrownBy(() -> text.value("streamavg_nothing_total")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("streamavg_nothing_total");
        assertThatThrownBy(() -> text.sum("streamavg_nothing_total")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> text.type("streamavg_nothing")).isInstanceOf(AssertionError.class);
    }

    /** A malformed exposition: what is wrong, the text, the line at fault and a word of the message. */
    private record Malformed(String what, String body, int line, String reason) {
    }

    private static Stream<Malformed> malformed() {
        final String type = "# TYPE m gauge\n";
        return Stream.of(
                new Malformed("no TYPE", "m 1\n", 1, "no # TYPE"),
                new Malformed("TYPE of another family", "# TYPE other gauge\nm 1\n", 2, "no # TYPE"),
                new Malformed("suffix of a gauge", type + "m_total 1\n", 2, "no # TYPE"),
                new Malformed("second TYPE", "# TYPE m_total counter\nm_total 1\n# TYPE m_total counter\n", 3,
                        "second # TYPE"),
                new Malformed("TYPE after samples of that name", "# TYPE m counter\nm_total 1\n# TYPE m_total gauge\n", 3,
                        "after samples"),
                new Malformed("unknown type", "# TYPE m gauges\nm 1\n", 1, "unknown type"),
                new Malformed("upper-case type", "# TYPE m GAUGE\n", 1, "lower case"),
                new Malformed("TYPE without type", "# TYPE m\n", 1, "without a type"),
                new Malformed("TYPE with extra text", "# TYPE m gauge extra\n", 1, "after the type"),
                new Malformed("HELP without name", "# HELP\n", 1, "without a metric name"),
                new Malformed("bad name in TYPE", "# TYPE 1m gauge\n", 1, "invalid metric name"),
                new Malformed("second HELP", "# HELP m one\n# HELP m two\n", 2, "second # HELP"),
                new Malformed("bad HELP escape", "# HELP m a \\t tab\n", 1, "invalid escape"),
                new Malformed("no value", type + "m\n", 2, "no value"),
                new Malformed("no value after labels", type + "m{a=\"b\"}\n", 2, "no value"),
                new Malformed("bad value", type + "m 1.0d\n", 2, "invalid value"),
                new Malformed("hex value", type + "m 0x10\n", 2, "invalid value"),
                new Malformed("Java's infinity", type + "m Infinity\n", 2, "invalid value"),
                new Malformed("overflow", type + "m 1e999\n", 2, "overflows"),
                new Malformed("bad timestamp", type + "m 1 1.5\n", 2, "invalid timestamp"),
                new Malformed("text after timestamp", type + "m 1 2 3\n", 2, "after the timestamp"),
                new Malformed("unclosed labels", type + "m{a=\"b\" 1\n", 2, "expected , or }"),
                new Malformed("unclosed label value", type + "m{a=\"b} 1\n", 2, "not closed"),
                new Malformed("unquoted label value", type + "m{a=b} 1\n", 2, "to open the value"),
                new Malformed("bad label escape", type + "m{a=\"\\t\"} 1\n", 2, "invalid escape"),
                new Malformed("bad label name", type + "m{1a=\"b\"} 1\n", 2, "label name"),
                new Malformed("label twice", type + "m{a=\"b\",a=\"c\"} 1\n", 2, "label a twice"),
                new Malformed("space inside labels", type + "m{a=\"b\", c=\"d\"} 1\n", 2, "label name"),
                new Malformed("sample twice", type + "m{a=\"b\"} 1\nm{a=\"b\"} 2\n", 3, "second sample"),
                new Malformed("family split", type + "m 1\n# TYPE n gauge\nn 1\nm{a=\"b\"} 2\n", 5, "not grouped"),
                new Malformed("bucket without le", "# TYPE h histogram\nh_bucket 1\n", 2, "no le label"),
                new Malformed("histogram base sample", "# TYPE h histogram\nh 1\n", 2, "histogram"),
                new Malformed("summary without quantile", "# TYPE s summary\ns 1\n", 2, "no quantile"),
                new Malformed("bad quantile", "# TYPE s summary\ns{quantile=\"x\"} 1\n", 2, "not a number"),
                new Malformed("carriage return", type + "m 1\r\n", 2, "carriage return"),
                new Malformed("no final line feed", type + "m 1", 2, "does not end with a line feed"),
                new Malformed("junk", type + "m 1\n{a=\"b\"} 1\n", 3, "expected a metric name"),
                new Malformed("leading blank", type + " m 1\n", 2, "expected a metric name"));
    }

    @TestFactory
    Stream<DynamicTest> shouldRejectAMalformedLineNamingItsNumber() {
        return malformed().map(bad -> DynamicTest.dynamicTest(bad.what(), () ->
                assertThatThrownBy(() -> PrometheusText.parse(bad.body())).isInstanceOf(AssertionError.class)
                        .hasMessageStartingWith("line " + bad.line() + ": ").hasMessageContaining(bad.reason())));
    }
}
