package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.HttpEndpoints;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.testkit.DataSet;
import io.streamavg.testkit.Eventually;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two topology instances of one application on a real broker, each serving its own HTTP the way
 * the runner does: either one answers for every column, its own and the other's, with pandas'
 * statistics, and says 503 rather than answer in part when the other cannot be reached.
 */
@Timeout(300)
class LiveQueriesIT {

    private static final Duration DEADLINE = Duration.ofSeconds(40);
    private static final double RELATIVE = 1e-9;
    private static final int PARTITIONS = 4;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    /** One instance with its own routes on its own HTTP server on a free port, started before the service, as the runner does. */
    private static final class Instance implements AutoCloseable {

        final TopologyService service;
        final HttpEndpoints http;
        final AtomicReference<Throwable> fatal = new AtomicReference<>();

        Instance(final String bootstrapServers, final Path stateDir) throws Exception {
            final HttpRoutes routes = new HttpRoutes();
            service = new TopologyService(new StatsTopologyConfig(Map.of(
                    KafkaClientSettings.BOOTSTRAP_SERVERS, bootstrapServers,
                    StatsTopologyConfig.APPLICATION_ID, "live-queries",
                    StatsTopologyConfig.PARTITIONS, String.valueOf(PARTITIONS),
                    // Stores on both instances, so that each has to ask the other.
                    StatsTopologyConfig.MERGE_PARTITIONS, String.valueOf(PARTITIONS),
                    StatsTopologyConfig.STATE_DIR, stateDir.toString())), new ServiceContext(new SimpleMeterRegistry(), routes));
            http = HttpEndpoints.start(HttpEndpoints.LOOPBACK, 0, routes);
            service.start(fatal::set);
        }

        HostInfo address() {
            return service.applicationServer();
        }

        /** The answer to {@code GET path}, asked again while it is a 503, as its Retry-After invites. */
        HttpResponse<String> answer(final String path) {
            return Eventually.awaitValue(DEADLINE, "an answer other than 503 to " + path, () -> {
                final HttpResponse<String> answer = get(path);
                return answer.statusCode() == 503 ? null : answer;
            });
        }

        HttpResponse<String> get(final String path) {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new AssertionError("GET " + path + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        @Override
        public void close() {
            service.close();
            http.close();
            assertThat(fatal.get()).as("a stream thread failure").isNull();
        }
    }

    @Test
    void shouldAnswerEveryColumnFromEitherInstanceAndRefuseAPartialAnswer() throws Exception {
        final DataSet iris = DataSet.iris();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0);
             Instance first = new Instance(broker.bootstrapServers(), work.resolve("first"));
             Instance second = new Instance(broker.bootstrapServers(), work.resolve("second"))) {

            // Both running, and each holding some of iris' columns: then each instance must ask the other.
            Eventually.assertWithin(DEADLINE, () -> {
                assertThat(first.service.readiness().ok()).as("first ready").isTrue();
                assertThat(second.service.readiness().ok()).as("second ready").isTrue();
                assertThat(owners(first, iris.columns().keySet())).containsOnlyKeys(first.address(), second.address());
            });
            produce(broker.bootstrapServers(), iris.lines());

            Eventually.assertWithin(DEADLINE, () -> assertMatches(averages(first.get("/averages")), iris));
            for (final Instance instance : List.of(first, second)) {
                final List<ColumnStats> all = averages(instance.answer("/averages"));
                assertMatches(all, iris);
                for (final ColumnStats expected : all) {
                    final HttpResponse<String> one = instance.answer("/averages/" + expected.column());
                    assertThat(one.statusCode()).isEqualTo(200);
                    assertThat(JSON.readValue(one.body(), ColumnStats.class)).isEqualTo(expected);
                }
                final HttpResponse<String> unknown = instance.answer("/averages/x");
                assertThat(unknown.statusCode()).isEqualTo(404);
                assertThat(unknown.body()).isEqualTo("{\"error\":\"no statistics for column 'x'\",\"column\":\"x\"}");
                // Every line was sent within the last hour, the default span of /windows: the column's
                // windows hold its every line between them.
                for (final ColumnStats expected : all) {
                    Eventually.assertWithin(DEADLINE, () -> {
                        final HttpResponse<String> windows = instance.answer("/windows/" + expected.column());
                        assertThat(windows.statusCode()).as("GET /windows/%s: %s", expected.column(), windows.body()).isEqualTo(200);
                        long count = 0;
                        for (final JsonNode window : tree(windows.body())) {
                            assertThat(window.get("column").textValue()).isEqualTo(expected.column());
                            count += window.get("count").longValue();
                        }
                        assertThat(count).as("lines in the windows of %s", expected.column()).isEqualTo(expected.count());
                    });
                }
                final HttpResponse<String> noWindows = instance.answer("/windows/x");
                assertThat(noWindows.statusCode()).isEqualTo(404);
                assertThat(noWindows.body()).isEqualTo("{\"error\":\"no windows for column 'x'\",\"column\":\"x\"}");
            }

            // The second's stream threads run on, but nobody reaches its HTTP: its columns cannot be
            // answered, and neither can the whole table.
            second.http.close();
            final Map<HostInfo, Set<String>> owners = owners(first, iris.columns().keySet());
            final String theirs = owners.get(second.address()).iterator().next();
            for (final String path : List.of("/averages", "/averages/" + theirs, "/windows/" + theirs)) {
                final HttpResponse<String> refused = first.get(path);
                assertThat(refused.statusCode()).as(path).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).as(path).hasValue(AveragesRoutes.RETRY_AFTER_SECONDS);
                assertThat(refused.body()).as(path).contains("did not answer", PeerClient.endpoint(second.address()));
            }
            final String own = owners.get(first.address()).iterator().next();
            assertThat(first.answer("/averages/" + own).statusCode()).isEqualTo(200);
        }
    }

    /** Which instance holds which columns, as {@code instance} sees the assignment. */
    private static Map<HostInfo, Set<String>> owners(final Instance instance, final Set<String> columns) {
        return columns.stream().collect(Collectors.groupingBy(column -> instance.service.streams()
                .queryMetadataForKey(StatsTopology.COLUMN_STATS_STORE, column, new StringSerializer()).activeHost(), Collectors.toSet()));
    }

    /** Every line, spread over the partitions so that every task of the first stage has some. */
    private static void produce(final String bootstrapServers, final List<String> lines) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new ByteArraySerializer(), new ByteArraySerializer())) {
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                sent.add(producer.send(new ProducerRecord<>(Topics.RAW_LINES, i % PARTITIONS, null, lines.get(i).getBytes(StandardCharsets.UTF_8))));
            }
            for (final Future<RecordMetadata> send : sent) {
                send.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static JsonNode tree(final String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static List<ColumnStats> averages(final HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as("GET /averages: %s", answer.body()).isEqualTo(200);
        try {
            return List.of(JSON.readValue(answer.body(), ColumnStats[].class));
        } catch (IOException e) {
            throw new AssertionError("not a JSON array of column statistics: " + answer.body(), e);
        }
    }

    /** Every column of the data set, in column order, with pandas' count exactly and its mean, min and max within 1e-9. */
    private static void assertMatches(final List<ColumnStats> answer, final DataSet data) {
        assertThat(answer).extracting(ColumnStats::column)
                .containsExactlyElementsOf(data.columns().keySet().stream().sorted(Comparator.comparingInt(Integer::parseInt)).toList());
        for (final ColumnStats stats : answer) {
            final DataSet.Expected expected = data.columns().get(stats.column());
            assertThat(stats.count()).as("count of %s", stats.column()).isEqualTo(expected.count());
            assertThat(stats.mean()).as("mean of %s", stats.column()).isCloseTo(expected.mean(), within(Math.abs(expected.mean()) * RELATIVE));
            assertThat(stats.min()).as("min of %s", stats.column()).isCloseTo(expected.min(), within(Math.abs(expected.min()) * RELATIVE));
            assertThat(stats.max()).as("max of %s", stats.column()).isCloseTo(expected.max(), within(Math.abs(expected.max()) * RELATIVE));
        }
    }
}
