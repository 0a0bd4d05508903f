package io.streamavg.deploy;

import java.io.IOException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service of the service-only distribution as a child JVM, started as the image's entry script
 * starts it ({@code java $JAVA_OPTS -jar streamavg-services.jar COMMAND}) with a given environment.
 */
final class ServiceProcess implements AutoCloseable {

    static final Path JAR = Repository.path("cli/target/streamavg-services.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String command;
    private final Process process;
    private final Path log;

    private ServiceProcess(final String command, final Process process, final Path log) {
        this.command = command;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with exactly {@code env} as its streamavg settings (none inherited) and JAVA_OPTS from it. */
    static ServiceProcess start(final String command, final Map<String, String> env, final Path log) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new AssertionError(JAR + " is missing: the cli module's package phase builds it before these tests");
        }
        final List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final String javaOpts = env.getOrDefault("JAVA_OPTS", "").strip();
        if (!javaOpts.isEmpty()) {
            line.addAll(List.of(javaOpts.split("\\s+")));
        }
        line.addAll(List.of("-jar", JAR.toString(), command));
        final ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("STREAMAVG_") || name.equals("JAVA_OPTS"));
        builder.environment().putAll(env);
        return new ServiceProcess(command, builder.start(), log);
    }

    HttpResponse<String> get(final int port, final String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(command + ": GET " + path + " on port " + port + " failed: " + e + "; " + alive(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** SIGTERM, then the exit code, which must come within {@code grace} (a kill after it would lose the clean stop). */
    int terminate(final Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not stop within " + grace + " of SIGTERM; log " + log);
        }
        return process.exitValue();
    }

    private String alive() {
        return (process.isAlive() ? "the process runs" : "the process exited with " + process.exitValue()) + "; the end of " + log + ":\n" + tail();
    }

    private String tail() {
        try {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
