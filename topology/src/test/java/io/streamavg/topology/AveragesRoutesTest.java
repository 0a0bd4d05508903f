package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.runtime.HttpEndpoints;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.wire.ColumnStats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The live queries' answers that need no broker: a topology instance that is not running answers
 * 503 with Retry-After, never an empty 200; a malformed request is a 400 whatever the state.
 */
@Timeout(60)
class AveragesRoutesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path stateDir;
    private TopologyService service;
    private HttpEndpoints http;

    @BeforeEach
    void serveAnInstanceThatIsNotStarted() {
        final HttpRoutes routes = new HttpRoutes();
        service = new TopologyService(new StatsTopologyConfig(Map.of(
                KafkaClientSettings.BOOTSTRAP_SERVERS, "never-contacted:9092",
                StatsTopologyConfig.STATE_DIR, stateDir.toString())), new ServiceContext(new SimpleMeterRegistry(), routes));
        http = HttpEndpoints.start(HttpEndpoints.LOOPBACK, 0, routes);
    }

    @AfterEach
    void stop() {
        service.close();
        http.close();
    }

    @ParameterizedTest
    @CsvSource({"/averages", "/averages/0", "/windows/0", "/windows/0?from=2026-11-25T12:00:00Z&to=2026-11-25T13:00:00Z"})
    void shouldAnswer503WithRetryAfterWhileTheInstanceIsNotRunning(final String path) throws Exception {
        final HttpResponse<String> answer = get(path);

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue(AveragesRoutes.RETRY_AFTER_SECONDS);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(answer.body()).isEqualTo("{\"error\":\"this instance is not running: waiting for the topics\"}");
    }

    @Test
    void shouldAnswer503OnceTheInstanceIsClosed() throws Exception {
        service.close();

        final HttpResponse<String> answer = get("/averages");

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(answer.body()).isEqualTo("{\"error\":\"this instance is not running: closed\"}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/averages?partitions=x        | a partition is a number from 0, not 'x'",
            "/averages?partitions=1,,2     | a partition is a number from 0, not ''",
            "/averages?partitions=-1       | a partition is a number from 0, not '-1'",
            "/averages?partition=1         | unknown query parameter 'partition'",
            "/averages/0?partition=x       | a partition is a number from 0, not 'x'",
            "/averages/0?partition=1&partition=2 | query parameter 'partition' given 2 times",
            "/averages/0?pretty=true       | unknown query parameter 'pretty'",
            "/windows/0?from=yesterday     | query parameter 'from' is not an ISO-8601 instant such as 2026-11-25T12:00:00Z: 'yesterday'",
            "/windows/0?to=2026-13-01T00:00:00Z | query parameter 'to' is not an ISO-8601 instant such as 2026-11-25T12:00:00Z: '2026-13-01T00:00:00Z'",
            "/windows/0?from=2026-11-25T12:00:00Z&to=2026-11-25T11:00:00Z | query parameter 'from' (2026-11-25T12:00:00Z) is after 'to' (2026-11-25T11:00:00Z)",
            "/windows/0?since=x            | unknown query parameter 'since'"})
    void shouldAnswer400NamingTheMistakeInAMalformedRequest(final String path, final String error) throws Exception {
        final HttpResponse<String> answer = get(path);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).isEqualTo("{\"error\":\"" + error + "\"}");
    }

    @Test
    void shouldOrderColumnsByPositionThenNamesAlphabetically() {
        final List<ColumnStats> columns = List.of(stats("b"), stats("10"), stats("2"), stats("a"), stats("0"), stats("1"));

        assertThat(columns.stream().sorted(AveragesRoutes.COLUMN_ORDER).map(ColumnStats::column))
                .containsExactly("0", "1", "2", "10", "a", "b");
    }

    private static ColumnStats stats(final String column) {
        return new ColumnStats(column, 1, 1, 1, 1, 1, 0);
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
