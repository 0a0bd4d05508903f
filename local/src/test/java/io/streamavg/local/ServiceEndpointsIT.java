package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.testkit.AveragesDatabase;
import io.streamavg.testkit.DataSet;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.LineClients;
import io.streamavg.testkit.PrometheusText;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every command serves on its HTTP port, as users run them: the three services as separate
 * processes beside their own Kafka, each with {@code /health/*} and a {@code /metrics} of its own
 * meters, JVM meters and Kafka client meters; and {@code local}, one port serving all of it.
 */
@Timeout(240)
class ServiceEndpointsIT {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int CLIENTS = 4;
    private static final List<String> PARTS = List.of("bridge", "topology", "sink");

    @TempDir
    static Path work;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldServeHealthAndTheirOwnMetricsFromEachSeparateService() throws Exception {
        final Path dir = Files.createDirectories(work.resolve("services"));
        final Path db = dir.resolve("x.db");
        final DataSet iris = DataSet.iris();
        final String bootstrap = broker.bootstrapServers();
        final List<Integer> exitCodes = new ArrayList<>();
        final long started = System.nanoTime();

        // The README's order: the topology creates the topics the sink and the bridge wait for.
        try (LocalProcess topology = LocalProcess.service(dir, dir.resolve("topology.log"), "topology", bootstrap,
                "--state-dir", dir.resolve("state").toString())) {
            topology.awaitReady(START);
            try (LocalProcess sink = LocalProcess.service(dir, dir.resolve("sink.log"), "sink", bootstrap, "--db", db.toString());
                 LocalProcess bridge = LocalProcess.service(dir, dir.resolve("bridge.log"), "bridge", bootstrap, "--port", "0")) {
                sink.awaitReady(START);
                bridge.awaitReady(START);
                for (final LocalProcess service : List.of(topology, sink, bridge)) {
                    assertHealthUp(service);
                }
                phase(started, "services ready");

                final long bytes = LineClients.send(bridge.bridgePort(), iris.lines(), CLIENTS, 41);
                Eventually.assertWithin(WAIT, () -> assertThat(AveragesDatabase.rows(db)).hasSize(iris.columns().size())
                        .allSatisfy((column, row) -> assertThat(row.count()).as("count of column %s", column)
                                .isEqualTo(iris.columns().get(column).count())));
                phase(started, "iris in the table");

                // The meters lag the table a little: the sink counts a batch after its transaction.
                Eventually.assertWithin(WAIT, () -> {
                    final PrometheusText metrics = bridge.metrics();
                    assertThat(metrics.value("streamavg_bridge_lines_received_total")).isEqualTo(iris.lines().size());
                    assertThat(metrics.value("streamavg_bridge_lines_published_total")).isEqualTo(iris.lines().size());
                    assertThat(metrics.value("streamavg_bridge_bytes_received_total")).isEqualTo(bytes);
                    assertThat(metrics.value("streamavg_bridge_send_failures_total")).isZero();
                    assertThat(metrics.value("streamavg_bridge_lines_rejected_total", Map.of("reason", "line-too-long"))).isZero();
                    assertThat(metrics.value("streamavg_bridge_connections_refused_total")).isZero();
                    assertThat(metrics.value("streamavg_bridge_connections_open")).isZero();
                    assertOnlyOwnProjectMeters(metrics, "bridge");
                    assertJvmAndKafkaClientMeters(metrics, "kafka_producer_");
                });
                Eventually.assertWithin(WAIT, () -> {
                    final PrometheusText metrics = topology.metrics();
                    assertThat(metrics.value("streamavg_topology_lines_parsed_total")).isEqualTo(iris.lines().size());
                    assertThat(metrics.samples("streamavg_topology_lines_rejected_total")).as("a sample per reason")
                            .hasSizeGreaterThanOrEqualTo(6)
                            .allSatisfy(sample -> assertThat(sample.value()).as("rejected %s", sample.labels()).isZero());
                    assertOnlyOwnProjectMeters(metrics, "topology");
                    assertJvmAndKafkaClientMeters(metrics, "kafka_stream_");
                });
                Eventually.assertWithin(WAIT, () -> {
                    final PrometheusText metrics = sink.metrics();
                    assertThat(metrics.value("streamavg_sink_rows_upserted_total")).isGreaterThanOrEqualTo(iris.columns().size());
                    assertThat(metrics.value("streamavg_sink_batches_total")).isGreaterThanOrEqualTo(1);
                    assertThat(metrics.value("streamavg_sink_records_skipped_total")).isZero();
                    assertThat(metrics.value("streamavg_sink_batch_duration_seconds_count"))
                            .isEqualTo(metrics.value("streamavg_sink_batches_total"));
                    assertThat(metrics.value("streamavg_sink_batch_duration_seconds_sum")).isPositive();
                    assertThat(metrics.type("streamavg_sink_batch_duration_seconds")).isEqualTo(PrometheusText.Type.SUMMARY);
                    assertOnlyOwnProjectMeters(metrics, "sink");
                    assertJvmAndKafkaClientMeters(metrics, "kafka_consumer_");
                });

                phase(started, "metrics checked");
                // Upstream first, as an orderly shutdown would.
                exitCodes.add(bridge.terminate());
                exitCodes.add(sink.terminate());
            }
            exitCodes.add(topology.terminate());
        }
        phase(started, "services stopped");
        assertThat(exitCodes).as("exit codes of bridge, sink and topology after SIGTERM").allSatisfy(code -> assertThat(code).isZero());
        assertThat(AveragesDatabase.rows(db)).as("the table after the stop").hasSize(iris.columns().size());
    }

    @Test
    void shouldServeTheUnionOfTheServicesEndpointsOnOnePortInLocal() throws Exception {
        final Path dir = Files.createDirectories(work.resolve("local"));
        final Path db = dir.resolve("processed_data.db");
        final int exitCode;
        final long started = System.nanoTime();
        try (LocalProcess local = LocalProcess.local(dir, dir.resolve("local.log"))) {
            local.awaitReady(START);
            assertHealthUp(local);
            phase(started, "local ready");

            // The README's example, and one line the topology rejects.
            final long bytes = LineClients.send(local.ingestPort(), List.of("1,2,3", "4,5,6", "7,8,9", "x,5,6"), 1, 43);
            Eventually.assertWithin(WAIT, () -> assertThat(AveragesDatabase.readmeQuery(db)).containsExactly("0|4.0", "1|5.0", "2|6.0"));
            assertThat(AveragesDatabase.rows(db)).allSatisfy((column, row) -> assertThat(row.count()).isEqualTo(3));
            phase(started, "lines in the table");

            Eventually.assertWithin(WAIT, () -> {
                final PrometheusText metrics = local.metrics();
                assertThat(metrics.value("streamavg_bridge_lines_received_total")).isEqualTo(4);
                assertThat(metrics.value("streamavg_bridge_lines_published_total")).isEqualTo(4);
                assertThat(metrics.value("streamavg_bridge_bytes_received_total")).isEqualTo(bytes);
                assertThat(metrics.value("streamavg_bridge_send_failures_total")).isZero();
                assertThat(metrics.value("streamavg_topology_lines_parsed_total")).isEqualTo(3);
                assertThat(metrics.value("streamavg_topology_lines_rejected_total", Map.of("reason", "non-numeric"))).isEqualTo(1);
                assertThat(metrics.sum("streamavg_topology_lines_rejected_total")).isEqualTo(1);
                assertThat(metrics.value("streamavg_sink_rows_upserted_total")).isGreaterThanOrEqualTo(3);
                assertThat(metrics.value("streamavg_sink_batches_total")).isGreaterThanOrEqualTo(1);
                assertThat(metrics.value("streamavg_sink_records_skipped_total")).isZero();
                for (final String part : PARTS) {
                    assertThat(metrics.namesStartingWith("streamavg_" + part + "_")).as("%s meters", part).isNotEmpty();
                }
                assertJvmAndKafkaClientMeters(metrics, "kafka_producer_");
                assertThat(metrics.namesStartingWith("kafka_consumer_")).isNotEmpty();
                assertThat(metrics.namesStartingWith("kafka_stream_")).isNotEmpty();
            });
            phase(started, "metrics checked");
            exitCode = local.terminate();
        }
        phase(started, "local stopped");
        assertThat(exitCode).as("exit code after SIGTERM").isZero();
    }

    private static void phase(final long started, final String what) {
        System.out.printf("%s after %d ms%n", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** {@code /health}, {@code /health/ready} and {@code /health/live} all answer 200 UP on the process's one HTTP port. */
    private static void assertHealthUp(final LocalProcess process) {
        for (final String path : List.of("/health", "/health/ready", "/health/live")) {
            final HttpResponse<String> response = process.get(path);
            assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
            assertThat(response.body()).as("GET %s", path).contains("\"status\":\"UP\"", "\"reason\":\"ok\"");
        }
    }

    /** The process's {@code streamavg_*} meters are all {@code part}'s, and include its every meter. */
    private static void assertOnlyOwnProjectMeters(final PrometheusText metrics, final String part) {
        final Set<String> own = metrics.namesStartingWith("streamavg_");
        assertThat(own).as("project meters of the %s process", part).isNotEmpty()
                .allSatisfy(name -> assertThat(name).startsWith("streamavg_" + part + "_"));
        for (final String other : PARTS) {
            if (!other.equals(part)) {
                assertThat(metrics.namesStartingWith("streamavg_" + other + "_")).as("%s meters in the %s process", other, part).isEmpty();
            }
        }
    }

    private static void assertJvmAndKafkaClientMeters(final PrometheusText metrics, final String kafkaPrefix) {
        assertThat(metrics.names()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds");
        assertThat(metrics.namesStartingWith("kafka_")).as("Kafka client meters").isNotEmpty();
        assertThat(metrics.namesStartingWith(kafkaPrefix)).as("Kafka client meters " + kafkaPrefix + "*").isNotEmpty();
    }
}
