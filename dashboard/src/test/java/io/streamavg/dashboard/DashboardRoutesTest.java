package io.streamavg.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.runtime.HttpEndpoints;
import io.streamavg.runtime.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's files as the topology serves them, beside a query route, on a real HTTP server. */
class DashboardRoutesTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    /** Anything the page would fetch from another host at run time. */
    private static final Pattern REMOTE = Pattern.compile("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}", Pattern.CASE_INSENSITIVE);

    private HttpRoutes routes;
    private HttpEndpoints server;

    @BeforeEach
    void serve() {
        routes = new HttpRoutes();
        DashboardRoutes.register(routes);
        routes.get("/averages", ctx -> ctx.json(List.of()));
        server = HttpEndpoints.start(HttpEndpoints.LOOPBACK, 0, routes);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldServeThePageAtTheRootWithItsScriptStyleAndChartLibrary() throws Exception {
        final HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("<title>streamavg dashboard</title>", "id=\"averages\"", "id=\"chart\"");

        for (final String asset : List.of("/dashboard.js", "/dashboard.css", "/vendor/uplot/dist/uPlot.iife.min.js", "/vendor/uplot/dist/uPlot.min.css")) {
            final HttpResponse<String> answer = get(asset);
            assertThat(answer.statusCode()).as("GET %s", asset).isEqualTo(200);
            assertThat(answer.body()).as("GET %s", asset).isNotBlank();
        }
        assertThat(get("/vendor/uplot/dist/uPlot.iife.min.js").body()).contains("uPlot");
    }

    @Test
    void shouldLeaveTheQueriesAndUnknownPathsToTheirRoutes() throws Exception {
        assertThat(get("/averages").body()).isEqualTo("[]");
        assertThat(get("/no-such-file.js").statusCode()).isEqualTo(404);
        assertThat(routes.claimed()).containsExactly("GET /averages", "STATIC /", "STATIC /vendor/uplot");
    }

    @Test
    void shouldLoadNothingFromAnotherHost() throws IOException {
        for (final String file : List.of("index.html", "dashboard.js", "dashboard.css")) {
            try (InputStream in = DashboardRoutes.class.getResourceAsStream(DashboardRoutes.SITE + "/" + file)) {
                assertThat(in).as(file).isNotNull();
                final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(REMOTE.matcher(text).find()).as("%s names another host", file).isFalse();
            }
        }
    }

    private HttpResponse<String> get(final String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
