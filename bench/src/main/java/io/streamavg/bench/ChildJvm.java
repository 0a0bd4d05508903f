package io.streamavg.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * One part of the pipeline bench in a JVM of its own, launched with the bench's classpath (which
 * holds the services and the {@code streamavg} dispatcher), its output in a log file of the work
 * folder. The bench reads its CPU and memory from outside, by pid, while it runs.
 */
final class ChildJvm implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_POLL = Duration.ofMillis(100);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(final String name, final Process process, final Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Launches {@code mainClass} with {@code args}; its output goes to {@code NAME.log} in {@code work}. */
    static ChildJvm launch(final String name, final String mainClass, final List<String> args, final Path work) throws IOException {
        return launch(name, List.of(), mainClass, args, work);
    }

    /** The same, with options for the JVM itself (a JFR recording). */
    static ChildJvm launch(final String name, final List<String> jvmOptions, final String mainClass, final List<String> args,
                           final Path work) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator)));
        command.add(mainClass);
        command.addAll(args);
        final Path log = work.resolve(name + ".log");
        final Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new ChildJvm(name, process, log);
    }

    /**
     * Runs {@code command} as given, with {@code environment} in place of this process's, its output
     * in {@code NAME.log} in {@code work}: for {@code ./streamavg}, whose launcher execs the JVM in
     * the process it was started as, so that the pid is the JVM's.
     */
    static ChildJvm exec(final String name, final List<String> command, final Map<String, String> environment, final Path work)
            throws IOException {
        final Path log = work.resolve(name + ".log");
        final ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new ChildJvm(name, builder.start(), log);
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Its CPU and memory now; fails, naming its log, when it has died. */
    ProcessSample sample() throws IOException {
        checkAlive();
        try {
            return ProcessSample.of(process.pid());
        } catch (IOException | RuntimeException e) {
            checkAlive();
            throw e;
        }
    }

    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; its log " + log + " ends:\n" + tail());
        }
    }

    /** Waits until its {@code /health/ready} on {@code httpPort} answers 200. */
    void awaitHttpReady(final int httpPort, final Instant deadline) throws Exception {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        awaitReady(() -> {
            try {
                return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false; // not listening yet
            }
        }, deadline);
    }

    /** Waits until {@code file} exists (a child that says it is ready by creating it). */
    void awaitFile(final Path file, final Instant deadline) throws Exception {
        awaitReady(() -> Files.exists(file), deadline);
    }

    private void awaitReady(final Check ready, final Instant deadline) throws Exception {
        while (!ready.holds()) {
            checkAlive();
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException(name + " was not ready by the deadline; its log " + log + " ends:\n" + tail());
            }
            Thread.sleep(READY_POLL.toMillis()); // polling another process's state; nothing here to wait on
        }
    }

    /** Waits for it to exit by itself, with code 0. */
    void awaitExit(final Instant deadline) throws Exception {
        final long millis = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(name + " did not finish by the deadline; its log " + log + " ends:\n" + tail());
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; its log " + log + " ends:\n" + tail());
        }
    }

    /** SIGTERM, as a user stops a service, then waits for it to exit; killed if it does not within a minute. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    String tail() {
        try {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }
}
