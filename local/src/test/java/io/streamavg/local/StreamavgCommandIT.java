package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.testkit.Eventually;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as users run it: a child JVM, its exit codes, its log, its HTTP and TCP ports, SIGTERM. */
@Timeout(180)
class StreamavgCommandIT {

    private static final Path JAR = Path.of("target", "streamavg.jar");
    private static final Pattern INGEST = Pattern.compile("ingest on port (\\d+)");
    private static final Pattern HTTP = Pattern.compile("HTTP on port (\\d+)");

    @TempDir
    Path work;

    private Process run(final Path log, final String... args) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("STREAMAVG_"));
        return builder.start();
    }

    @Test
    void shouldPrintEveryOptionOnHelpAndExitZero() throws Exception {
        final Path log = work.resolve("help.log");
        final Process process = run(log, "local", "--help");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(Files.readString(log)).contains("--port", "STREAMAVG_PORT", "--db", "--data-dir", "--kafka-port",
                "--http-port", "--delimiter", "--processing-guarantee", "--max-line-bytes", "--synchronous");
    }

    @Test
    void shouldStopAtStartNamingAnUnknownOptionOrABadValue() throws Exception {
        final Path unknown = work.resolve("unknown.log");
        final Path bad = work.resolve("bad.log");
        final Process first = run(unknown, "local", "--prot", "9999");
        final Process second = run(bad, "bridge", "--bootstrap-servers", "127.0.0.1:1", "--port", "99999");

        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isEqualTo(2);
        assertThat(Files.readString(unknown)).contains("Unknown option --prot");
        assertThat(second.exitValue()).isEqualTo(2);
        assertThat(Files.readString(bad)).contains("port").contains("99999");
    }

    @Test
    void shouldServeHealthCountTheOriginalExampleAndStopCleanlyOnSigterm() throws Exception {
        final Path log = work.resolve("local.log");
        final Process local = run(log, "local", "--port", "0", "--kafka-port", "0", "--http-port", "0");
        try {
            final int httpPort = Integer.parseInt(Eventually.awaitValue(Duration.ofSeconds(60), "the HTTP port in the log",
                    () -> find(log, HTTP)));
            final HttpClient http = HttpClient.newHttpClient();
            final List<Integer> statuses = new ArrayList<>();
            Eventually.assertWithin(Duration.ofSeconds(90), () -> {
                final HttpResponse<String> health = get(http, httpPort);
                statuses.add(health.statusCode());
                if (health.statusCode() == 503) {
                    assertThat(health.body()).contains("\"status\":\"DOWN\"", "\"reason\"");
                }
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("\"status\":\"UP\"");
            });
            assertThat(statuses).as("health while starting, then ready").contains(503).endsWith(200);

            final int ingestPort = Integer.parseInt(find(log, INGEST));
            try (Socket socket = new Socket("127.0.0.1", ingestPort); OutputStream out = socket.getOutputStream()) {
                out.write("1,2,3\n4,5,6\n7,8,9\n".getBytes(StandardCharsets.UTF_8));
            }
            final Path db = work.resolve("processed_data.db");
            Eventually.assertWithin(Duration.ofSeconds(60), () -> assertThat(AveragesDatabase.rows(db)).hasSize(3)
                    .allSatisfy((column, row) -> assertThat(row.count()).isEqualTo(3)));
            assertThat(AveragesDatabase.readmeQuery(db)).containsExactly("0|4.0", "1|5.0", "2|6.0");
        } finally {
            local.destroy(); // SIGTERM, as Ctrl-C or Kubernetes would send
            assertThat(local.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
        }
        assertThat(local.exitValue()).as("exit code after SIGTERM").isIn(0, 143);
        assertThat(Files.readString(log)).contains("streamavg local stopped").doesNotContain("ERROR");
        assertThat(Files.isDirectory(work.resolve("streamavg-data"))).isTrue();
    }

    private static HttpResponse<String> get(final HttpClient http, final int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
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

    private static String find(final Path log, final Pattern pattern) {
        try {
            final Matcher matcher = pattern.matcher(Files.exists(log) ? Files.readString(log) : "");
            return matcher.find() ? matcher.group(1) : null;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
