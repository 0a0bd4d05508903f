package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.PrometheusText;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable jar ({@code target/streamavg.jar}, built before the integration tests run) as a
 * child JVM, as users run it: its log, its ports, its health, and real signals to stop it.
 */
final class LocalProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "streamavg.jar");
    private static final Pattern INGEST = Pattern.compile("ingest on port (\\d+), Kafka bootstrap (\\S+),");
    private static final Pattern HTTP = Pattern.compile("HTTP on port (\\d+)");
    /** What the bridge logs once it accepts clients, in {@code bridge} and in {@code local}. */
    private static final Pattern BRIDGE = Pattern.compile("Bridge listening on port (\\d+)");
    /** One client for every request of every process: HTTP/1.1, as curl and Prometheus speak it. */
    private static final HttpClient HTTP_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;

    private LocalProcess(final Process process, final Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code streamavg ARGS} in {@code workDir}, logging to {@code log}, with no STREAMAVG_* variables inherited. */
    static LocalProcess start(final Path workDir, final Path log, final String... args) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("STREAMAVG_"));
        return new LocalProcess(builder.start(), log);
    }

    /**
     * Starts one service of the runnable jar, {@code streamavg COMMAND --bootstrap-servers BOOTSTRAP
     * --http-port 0 OPTIONS}, as users run it beside their own Kafka.
     */
    static LocalProcess service(final Path workDir, final Path log, final String command, final String bootstrapServers,
                                final String... options) throws IOException {
        final List<String> args = new ArrayList<>(List.of(command, "--bootstrap-servers", bootstrapServers, "--http-port", "0"));
        args.addAll(List.of(options));
        return start(workDir, log, args.toArray(String[]::new));
    }

    /** Starts {@code streamavg local} on free ports, keeping its data and database in {@code workDir}. */
    static LocalProcess local(final Path workDir, final Path log) throws IOException {
        return start(workDir, log, "local", "--port", "0", "--kafka-port", "0", "--http-port", "0");
    }

    Process process() {
        return process;
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    int httpPort() {
        return Integer.parseInt(Eventually.awaitValue(Duration.ofSeconds(60), "the HTTP port in the log", () -> group(HTTP, 1)));
    }

    int ingestPort() {
        return Integer.parseInt(Eventually.awaitValue(Duration.ofSeconds(90), "the ingest port in the log", () -> group(INGEST, 1)));
    }

    /** The port the bridge accepts clients on (of {@code bridge} or {@code local}), once it is listening. */
    int bridgePort() {
        return Integer.parseInt(Eventually.awaitValue(Duration.ofSeconds(90), "the bridge's port in the log", () -> group(BRIDGE, 1)));
    }

    String bootstrapServers() {
        return Eventually.awaitValue(Duration.ofSeconds(90), "the Kafka bootstrap address in the log", () -> group(INGEST, 2));
    }

    /** GET /health now. */
    HttpResponse<String> health() {
        return get("/health");
    }

    /** {@code GET path} on the HTTP port now; an {@link AssertionError} if the server does not answer. */
    HttpResponse<String> get(final String path) {
        try {
            return HTTP_CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new AssertionError("HTTP not accepting yet", e);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code GET /metrics} now, parsed; an {@link AssertionError} unless it is 200 and well-formed. */
    PrometheusText metrics() {
        final HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).as("GET /metrics").isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).as("GET /metrics content type")
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain").contains("version=0.0.4"));
        return PrometheusText.parse(response.body());
    }

    void awaitReady(final Duration timeout) {
        Eventually.assertWithin(timeout, () -> {
            final HttpResponse<String> health = health();
            // The body says which part is not ready, and why: what a failure here needs.
            assertThat(health.statusCode()).as("GET /health: %s", health.body()).isEqualTo(200);
        });
    }

    /** SIGKILL: no shutdown hook, no flush, no commit. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
    }

    /** SIGTERM, as Ctrl-C or Kubernetes sends; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
        return process.exitValue();
    }

    private String group(final Pattern pattern, final int group) {
        final Matcher matcher = pattern.matcher(log());
        // The latest match: a log appended to by a restarted process names its new ports last.
        String found = null;
        while (matcher.find()) {
            found = matcher.group(group);
        }
        return found;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
