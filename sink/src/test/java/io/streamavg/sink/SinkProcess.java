package io.streamavg.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.PrometheusText;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM of its own (the sink through {@link SinkChild}, or another main class of these tests),
 * optionally without root's power to write files it has no permission to. Its output reaches its
 * log through a pipe that this JVM copies: a file size limit on the child must not cost its log.
 */
final class SinkProcess implements AutoCloseable {

    private static final Pattern HTTP = Pattern.compile("HTTP on port (\\d+)");
    private static final HttpClient HTTP_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;
    private final Thread copier;

    private SinkProcess(final Process process, final Path log) {
        this.process = process;
        this.log = log;
        this.copier = new Thread(() -> copy(process.getInputStream(), log), "copy " + log.getFileName());
        copier.setDaemon(true);
        copier.start();
    }

    /**
     * Whether this JVM runs as root, whose capability CAP_DAC_OVERRIDE writes files whatever their
     * permissions: children must then run without it for a read-only file to be read-only to them.
     */
    static boolean root() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines().filter(line -> line.startsWith("Uid:"))
                    .anyMatch(line -> line.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code setpriv} of util-linux, which drops those capabilities; needed only as root. */
    static boolean canDropRootsFilePowers() {
        return !root() || onPath("setpriv");
    }

    static boolean onPath(final String program) {
        final String path = System.getenv().getOrDefault("PATH", "");
        for (final String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** {@code streamavg sink} on the test's {@code averages} topic with {@code options}, HTTP on a free port of 127.0.0.1. */
    static SinkProcess sink(final Path log, final String averagesTopic, final String... options) throws IOException {
        final List<String> args = new ArrayList<>(List.of(averagesTopic, "--http-port", "0", "--bind-address", "127.0.0.1"));
        args.addAll(List.of(options));
        return launch(log, SinkChild.class.getName(), args);
    }

    /** {@code mainClass} with this JVM's test classpath, without CAP_DAC_OVERRIDE when this JVM is root. */
    static SinkProcess launch(final Path log, final String mainClass, final List<String> args) throws IOException {
        final List<String> command = new ArrayList<>();
        if (root()) {
            command.addAll(List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all", "--"));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        // Surefire's own class path when it passes the tests' one through a manifest-only jar.
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(mainClass);
        command.addAll(args);
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("STREAMAVG_"));
        return new SinkProcess(builder.start(), log);
    }

    long pid() {
        return process.pid();
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
        return Integer.parseInt(Eventually.awaitValue(Duration.ofSeconds(90), "the HTTP port in " + log, () -> {
            final Matcher matcher = HTTP.matcher(log());
            return matcher.find() ? matcher.group(1) : null;
        }));
    }

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

    HttpResponse<String> ready() {
        return get("/health/ready");
    }

    double writableGauge() {
        final HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).as("GET /metrics").isEqualTo(200);
        return PrometheusText.parse(response.body()).value("streamavg_sink_database_writable");
    }

    /**
     * Sets the soft limit on the size of files it writes (RLIMIT_FSIZE), from outside, with
     * {@code prlimit} of util-linux: beyond it, write(2) fails with EFBIG (the JVM ignores SIGXFSZ),
     * which SQLite reports as it would a full disk.
     */
    void limitFileSize(final String softLimit) throws Exception {
        run("prlimit", "--pid", Long.toString(pid()), "--fsize=" + softLimit + ":");
    }

    /** The soft limit on its file size now, as prlimit prints it ({@code unlimited}, or bytes). */
    String fileSizeLimit() throws Exception {
        return run("prlimit", "--pid", Long.toString(pid()), "--fsize", "--noheadings", "--output=SOFT").strip();
    }

    /** Runs a program to its end; fails with its output unless it exits 0. */
    static String run(final String... command) throws Exception {
        final Process program = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(program.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(program.waitFor(60, TimeUnit.SECONDS)).as("%s ended", String.join(" ", command)).isTrue();
        assertThat(program.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
        return output;
    }

    /** Waits for it to exit by itself; returns the exit code. */
    int awaitExit(final Duration timeout) throws InterruptedException {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("exited; log:\n%s", log()).isTrue();
        return process.exitValue();
    }

    /** SIGTERM, as Ctrl-C or Kubernetes sends; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit(Duration.ofSeconds(60));
    }

    /** SIGKILL: no shutdown hook, no checkpoint, no commit. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        copier.join(TimeUnit.SECONDS.toMillis(10));
    }

    private static void copy(final InputStream from, final Path log) {
        try (InputStream in = from;
             OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            final byte[] buffer = new byte[8192];
            for (int read; (read = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // The child ended, or the log's folder was removed after the test: nothing left to copy.
        }
    }
}
