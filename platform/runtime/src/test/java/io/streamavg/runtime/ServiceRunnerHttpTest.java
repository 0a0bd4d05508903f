package io.streamavg.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.streamavg.testkit.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runner's HTTP side with a stand-in service: health, metrics, the service's own routes, start problems. */
@Timeout(60)
class ServiceRunnerHttpTest {

    private static final ConfigDef OPTIONS = HttpEndpoints.define(new ConfigDef(), HttpEndpoints.LOOPBACK);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A service whose readiness the test sets, with one route and one meter of its own. */
    private static final class StandIn implements Service {
        final AtomicReference<Health> readiness = new AtomicReference<>(Health.down("warming up"));
        final CompletableFuture<Consumer<Throwable>> started = new CompletableFuture<>();
        final Counter greetings;
        final RuntimeException startFailure;
        final HttpRoutes routes;
        volatile Optional<InetSocketAddress> addressAtStart;

        StandIn(final ServiceContext context, final RuntimeException startFailure) {
            this.startFailure = startFailure;
            this.routes = context.routes();
            greetings = Counter.builder("standin.greetings").register(context.meters());
            context.routes().get("/hello", ctx -> {
                greetings.increment();
                ctx.json(Map.of("hello", "world"));
            });
        }

        @Override
        public void start(final Consumer<Throwable> onFatal) {
            if (startFailure != null) {
                throw startFailure;
            }
            addressAtStart = routes.address();
            started.complete(onFatal);
        }

        @Override
        public Health readiness() {
            return readiness.get();
        }

        @Override
        public void close() {
        }
    }

    private static ServiceCommand command(final AtomicReference<StandIn> built, final RuntimeException startFailure) {
        return new ServiceCommand() {
            @Override
            public String name() {
                return "standin";
            }

            @Override
            public String summary() {
                return "Stands in.";
            }

            @Override
            public ConfigDef options() {
                return OPTIONS;
            }

            @Override
            public Service create(final Map<String, String> settings, final ServiceContext context) {
                built.set(new StandIn(context, startFailure));
                return built.get();
            }
        };
    }

    @Test
    void shouldServeLiveReadyHealthMetricsAndTheServicesOwnRoutes() throws Exception {
        final int port = freePort();
        final AtomicReference<StandIn> built = new AtomicReference<>();
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> ServiceRunner.run(command(built, null),
                List.of("--http-port", String.valueOf(port)), Map.of(), quiet(), quiet()));
        final Consumer<Throwable> onFatal = built(built).started.get(30, TimeUnit.SECONDS);

        assertThat(get(port, "/health/live")).satisfies(live -> {
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("{\"status\":\"UP\",\"reason\":\"ok\"}");
        });
        for (final String ready : List.of("/health/ready", "/health")) {
            assertThat(get(port, ready)).satisfies(response -> {
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.body()).isEqualTo("{\"status\":\"DOWN\",\"reason\":\"warming up\"}");
            });
        }
        built.get().readiness.set(Health.up());
        assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);
        assertThat(get(port, "/hello").body()).isEqualTo("{\"hello\":\"world\"}");

        final HttpResponse<String> metrics = get(port, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(metrics.body()).contains("standin_greetings_total 1.0", "jvm_memory_used_bytes", "process_uptime_seconds");

        onFatal.accept(new IllegalStateException("stand-in gave up"));
        assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(ServiceRunner.EXIT_FAILED);
    }

    @Test
    void shouldTellTheServiceAtStartTheAddressItsRoutesAreServedAtWhenThePortIsPickedFree() throws Exception {
        final AtomicReference<StandIn> built = new AtomicReference<>();
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> ServiceRunner.run(command(built, null),
                List.of("--http-port", "0"), Map.of(), quiet(), quiet()));
        final Consumer<Throwable> onFatal = built(built).started.get(30, TimeUnit.SECONDS);

        final InetSocketAddress address = built.get().addressAtStart.orElseThrow();
        assertThat(address.getHostString()).isEqualTo(HttpEndpoints.LOOPBACK);
        assertThat(address.getPort()).isPositive();
        assertThat(get(address.getPort(), "/hello").body()).isEqualTo("{\"hello\":\"world\"}");

        onFatal.accept(new IllegalStateException("stand-in gave up"));
        assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(ServiceRunner.EXIT_FAILED);
    }

    @Test
    void shouldGiveThisMachinesNameAsTheAddressWhenListeningOnEveryInterface() throws Exception {
        final String hostName = InetAddress.getLocalHost().getHostName();
        final HttpRoutes routes = new HttpRoutes();
        assertThat(routes.address()).isEmpty();

        try (HttpEndpoints http = HttpEndpoints.start(HttpEndpoints.ALL_INTERFACES, 0, routes)) {
            assertThat(routes.address()).hasValueSatisfying(address -> {
                assertThat(address.getHostString()).isEqualTo(hostName);
                assertThat(address.getPort()).isEqualTo(http.port());
            });
        }
    }

    @Test
    void shouldWriteAnInstantAsIsoTextAsTheTopicsDo() throws Exception {
        final HttpRoutes routes = new HttpRoutes();
        routes.get("/when", ctx -> ctx.json(Map.of("at", Instant.parse("2026-11-25T12:00:00Z"))));
        try (HttpEndpoints http = HttpEndpoints.start(HttpEndpoints.LOOPBACK, 0, routes)) {
            final HttpResponse<String> answer = get(http.port(), "/when");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"at\":\"2026-11-25T12:00:00Z\"}");
        }
    }

    @Test
    void shouldEndInOneLineNamingTheOptionsWhenTheHttpPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(HttpEndpoints.LOOPBACK))) {
            final ByteArrayOutputStream err = new ByteArrayOutputStream();

            final int code = ServiceRunner.run(command(new AtomicReference<>(), null), List.of("--http-port", String.valueOf(taken.getLocalPort())),
                    Map.of(), quiet(), new PrintStream(err, true, StandardCharsets.UTF_8));

            assertThat(code).isEqualTo(ServiceRunner.EXIT_FAILED);
            final String message = err.toString(StandardCharsets.UTF_8);
            assertThat(message).startsWith("streamavg standin: cannot serve HTTP on 127.0.0.1:" + taken.getLocalPort())
                    .contains("--http-port", "--bind-address").doesNotContain("\tat ");
            assertThat(message.strip().lines()).hasSize(1);
        }
    }

    @Test
    void shouldEndInOneLineWithoutAStackTraceWhenTheServiceCannotStart() {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        final int code = ServiceRunner.run(command(new AtomicReference<>(), new StartupException("--db /x cannot be used: read-only")),
                List.of("--http-port", "0"), Map.of(), quiet(), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(ServiceRunner.EXIT_FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("streamavg standin: --db /x cannot be used: read-only\n");
    }

    @Test
    void shouldRefuseARouteClaimedTwice() {
        final HttpRoutes routes = new HttpRoutes().get("/averages", ctx -> { });

        assertThatThrownBy(() -> routes.get("/averages", ctx -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessage("the HTTP route GET /averages is claimed twice");
    }

    private static StandIn built(final AtomicReference<StandIn> built) {
        return Eventually.awaitValue(Duration.ofSeconds(30), "the stand-in service built", built::get);
    }

    private static HttpResponse<String> get(final int port, final String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HttpEndpoints.LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
