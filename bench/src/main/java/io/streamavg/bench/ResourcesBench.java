package io.streamavg.bench;

import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.CommandLine;
import io.streamavg.runtime.ServiceRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamavg bench resources}: what {@code ./streamavg local} costs a machine while it waits
 * and after it has counted a load. It starts the launcher itself ({@code ./streamavg local}, with its
 * JVM defaults), on fresh folders and free ports, and reads the process from outside through
 * {@code /proc}: its CPU time over an idle window (in % of one core) before and after the load, its
 * resident memory once SQLite counts every line, and which threads spent the idle CPU. Then it
 * times single lines sent to the idle stack, so that a saving bought with latency shows.
 */
final class ResourcesBench {

    private static final Logger LOG = LoggerFactory.getLogger(ResourcesBench.class);
    private static final Duration SQLITE_POLL = Duration.ofMillis(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
    private static final int BUSIEST_THREADS = 12;

    private final ResourcesConfig config;
    private final String command;
    private final PrintStream out;
    private final Path work;
    private final Path launcher;

    /** One measured stretch of the run. */
    record Phase(String name, String window, long cpuNanos, Duration duration, long rssBytes, long peakRssBytes, double loadAverage) {

        double cpuPercentOfOneCore() {
            return 100.0 * cpuNanos / Math.max(1, duration.toNanos());
        }
    }

    /** What the run measured. */
    record Results(String command, String machine, String startedAt, List<Phase> phases, List<ThreadCpu.Group> idleThreads,
                   Duration idleThreadsWindow, List<Duration> probes) {
    }

    /**
     * @param launcher the {@code streamavg} script to run {@code local} with
     * @param work     a folder for local's data, database and log; deleted after a successful run
     */
    ResourcesBench(final ResourcesConfig config, final String command, final PrintStream out, final Path work, final Path launcher) {
        this.config = config;
        this.command = command;
        this.out = out;
        this.work = work;
        this.launcher = launcher;
    }

    static final String USAGE = "streamavg bench resources [options]";
    static final String SUMMARY = """
            Starts ./streamavg local (the launcher, with its JVM defaults) on fresh folders and free ports and reads it \
            from outside through /proc: its CPU time over --idle seconds while idle, in % of one core, before and after \
            sending --lines lines; its resident memory (VmRSS, VmHWM) once SQLite counts every line; the threads that \
            spent the idle CPU; then the time single lines take to reach SQLite on the idle stack. Prints Markdown \
            tables on standard output (progress goes to standard error).""";

    /** {@code streamavg bench resources OPTIONS}, from {@link Bench}. */
    static int run(final List<String> options, final Map<String, String> env, final PrintStream out, final PrintStream err) {
        if (CommandLine.wantsHelp(options)) {
            out.print(CommandLine.help(USAGE, SUMMARY, ResourcesConfig.DEFINITION));
            return 0;
        }
        final ResourcesConfig config;
        try {
            config = new ResourcesConfig(CommandLine.parse(ResourcesConfig.DEFINITION, options, Bench.ownVariables(ResourcesConfig.DEFINITION, env)));
        } catch (ConfigException e) {
            err.println("streamavg bench: " + CommandLine.explain(e, options, env));
            err.println("Run 'streamavg bench resources --help' for the options.");
            return ServiceRunner.EXIT_BAD_OPTIONS;
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("streamavg-bench-");
            new ResourcesBench(config, String.join(" ", "streamavg bench resources", String.join(" ", options)).strip(), out, work,
                    repositoryLauncher()).run();
            TopologyBench.delete(work);
            return 0;
        } catch (Exception e) {
            LOG.debug("The bench failed", e);
            err.println("streamavg bench: " + e.getMessage() + (work == null ? "" : "\n(logs and state kept in " + work + ")"));
            return ServiceRunner.EXIT_FAILED;
        }
    }

    /**
     * The repository's launcher, beside the module this class was loaded from ({@code bench/target/…}),
     * which is where {@code ./streamavg bench} runs it from.
     */
    static Path repositoryLauncher() {
        try {
            final Path code = Path.of(ResourcesBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            final Path launcher = code.toAbsolutePath().getParent().getParent().getParent().resolve("streamavg");
            if (!Files.isExecutable(launcher)) {
                throw new IllegalStateException("no executable launcher at " + launcher + ": run the bench from a clone, as ./streamavg bench resources");
            }
            return launcher;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot tell where the bench was loaded from", e);
        }
    }

    void run() throws Exception {
        final String machine = TopologyBench.machine();
        final String startedAt = Instant.now().atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).toString();
        final Instant deadline = Instant.now().plus(config.timeout());
        final int ingestPort = EmbeddedKafkaBroker.freePort();
        final int httpPort = EmbeddedKafkaBroker.freePort();
        final int kafkaPort = EmbeddedKafkaBroker.freePort();
        final Path database = work.resolve("processed_data.db");
        final List<String> local = new ArrayList<>(List.of(launcher.toString(), "local", "--data-dir", work.resolve("data").toString(),
                "--db", database.toString(), "--port", Integer.toString(ingestPort), "--http-port", Integer.toString(httpPort),
                "--kafka-port", Integer.toString(kafkaPort)));
        local.addAll(config.localOptions());
        final List<Phase> phases = new ArrayList<>();
        final List<Duration> probes = new ArrayList<>();
        final List<ThreadCpu.Group> idleThreads;
        LOG.info("Starting {}", String.join(" ", local));
        try (ChildJvm stack = ChildJvm.exec("local", local, environment(System.getenv(), config.javaOpts()), work)) {
            stack.awaitHttpReady(httpPort, deadline);
            LOG.info("local is ready (pid {}); idle for {} s, then measuring {} s", stack.pid(), config.settle().toSeconds(), config.idle().toSeconds());
            pause(stack, config.settle());
            phases.add(idle(stack, "idle, before the load", "after /health/ready").phase());

            LOG.info("Sending {} lines over {} connections", config.lines(), config.connections());
            final ProcessSample beforeLoad = stack.sample();
            final long loadStart = System.nanoTime();
            final Loadgen.Outcome outcome = new Loadgen(new LoadgenConfig(Map.of(LoadgenConfig.HOST, "127.0.0.1",
                    LoadgenConfig.PORT, Integer.toString(ingestPort), LoadgenConfig.CONNECTIONS, Integer.toString(config.connections()),
                    LoadgenConfig.LINES, Long.toString(config.lines()), LoadgenConfig.COLUMNS, Integer.toString(config.columns()))),
                    new PrintStream(OutputStream.nullOutputStream()), System.err).runLoad();
            if (!outcome.ok() || outcome.sent() != config.lines()) {
                throw new IllegalStateException("the load generator sent " + outcome.sent() + " of " + config.lines() + " lines; see the log above");
            }
            try (SqliteCounts sqlite = new SqliteCounts(database)) {
                awaitCount(stack, sqlite, config.columns(), config.lines(), deadline);
                final ProcessSample loaded = stack.sample();
                phases.add(new Phase(String.format(Locale.ROOT, "the load: %,d lines of %d columns over %d connections", config.lines(),
                        config.columns(), config.connections()), "from the first line sent until SQLite counted every one",
                        loaded.since(beforeLoad).cpuNanos(), Duration.ofNanos(System.nanoTime() - loadStart), loaded.rssBytes(),
                        loaded.peakRssBytes(), loadAverage()));

                pause(stack, config.settle());
                final Idle after = idle(stack, "idle, after the load", "after SQLite counted every line");
                phases.add(after.phase());
                idleThreads = after.threads();

                final Random random = new Random(1);
                for (int probe = 1; probe <= config.probes(); probe++) {
                    // At a different moment of the services' poll and commit loops each time.
                    pause(stack, Duration.ofMillis(500 + random.nextInt(1000)));
                    probes.add(probe(stack, sqlite, ingestPort, config.lines() + probe));
                }
            }
            stack.stop();
        }
        out.print(markdown(new Results(command, machine, startedAt, phases, idleThreads, config.idle(), probes)));
        out.flush();
    }

    /** The environment of the local under test: no streamavg setting of the caller's, and the JAVA_OPTS asked for. */
    static Map<String, String> environment(final Map<String, String> callers, final String javaOpts) {
        final Map<String, String> environment = new HashMap<>(callers);
        environment.keySet().removeIf(name -> name.startsWith("STREAMAVG_") || name.equals("JAVA_OPTS") || name.equals("JDK_JAVA_OPTIONS"));
        if (!javaOpts.isEmpty()) {
            environment.put("JAVA_OPTS", javaOpts);
        }
        return environment;
    }

    private record Idle(Phase phase, List<ThreadCpu.Group> threads) {
    }

    private Idle idle(final ChildJvm stack, final String name, final String after) throws Exception {
        final ProcessSample start = stack.sample();
        final ThreadCpu threadsAtStart = ThreadCpu.of(stack.pid());
        final long startNanos = System.nanoTime();
        pause(stack, config.idle());
        final ProcessSample end = stack.sample();
        final List<ThreadCpu.Group> threads = ThreadCpu.of(stack.pid()).since(threadsAtStart);
        final Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        final Phase phase = new Phase(name, String.format(Locale.ROOT, "%d s, from %d s %s", took.toSeconds(), config.settle().toSeconds(), after),
                end.since(start).cpuNanos(), took, end.rssBytes(), end.peakRssBytes(), loadAverage());
        LOG.info("{}: {} % of one core", name, String.format(Locale.ROOT, "%.2f", phase.cpuPercentOfOneCore()));
        return new Idle(phase, threads);
    }

    private static void awaitCount(final ChildJvm stack, final SqliteCounts sqlite, final int columns, final long lines,
                                   final Instant deadline) throws Exception {
        while (!SqliteCounts.complete(sqlite.counts(), columns, lines)) {
            stack.checkAlive();
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException("SQLite did not count " + lines + " lines by the deadline: " + sqlite.counts());
            }
            Thread.sleep(SQLITE_POLL.toMillis()); // another process's file; nothing here to wait on
        }
    }

    /** Sends one line of ones and times it until column 0 counts {@code expected}. */
    private Duration probe(final ChildJvm stack, final SqliteCounts sqlite, final int ingestPort, final long expected) throws Exception {
        final byte[] line = (String.join(",", Collections.nCopies(config.columns(), "1")) + "\n").getBytes(StandardCharsets.US_ASCII);
        final long sent;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), ingestPort)) {
            socket.setTcpNoDelay(true);
            sent = System.nanoTime();
            socket.getOutputStream().write(line);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            final Instant deadline = Instant.now().plus(PROBE_TIMEOUT);
            while (sqlite.counts().getOrDefault("0", 0L) < expected) {
                stack.checkAlive();
                if (Instant.now().isAfter(deadline)) {
                    throw new TimeoutException("a single line did not reach SQLite within " + PROBE_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(SQLITE_POLL.toMillis()); // another process's file; nothing here to wait on
            }
        }
        return Duration.ofNanos(System.nanoTime() - sent);
    }

    /** Waits, checking that local is still alive. */
    private static void pause(final ChildJvm stack, final Duration duration) throws Exception {
        final long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            stack.checkAlive();
            Thread.sleep(Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static String markdown(final Results results) {
        final StringBuilder text = new StringBuilder();
        text.append("`").append(results.command()).append("`, ").append(results.startedAt()).append("\n\n");
        text.append(results.machine()).append("\n\n");
        text.append("| phase | window | local's CPU, % of one core | VmRSS at the end, MiB | VmHWM (peak RSS), MiB | load average (1 min) at the end |\n");
        text.append("|---|---|--:|--:|--:|--:|\n");
        for (final Phase phase : results.phases()) {
            text.append(String.format(Locale.ROOT, "| %s | %s | %.2f %% | %,d | %,d | %.2f |%n", phase.name(), phase.window(),
                    phase.cpuPercentOfOneCore(), mebibytes(phase.rssBytes()), mebibytes(phase.peakRssBytes()), phase.loadAverage()));
        }
        if (!results.probes().isEmpty()) {
            final long[] millis = results.probes().stream().mapToLong(Duration::toMillis).sorted().toArray();
            text.append(String.format(Locale.ROOT, "%nA single line sent to the idle stack, until SQLite counted it (%d lines, one at a time): "
                            + "median %d ms, max %d ms (each: %s ms).%n", millis.length, millis[millis.length / 2], millis[millis.length - 1],
                    Arrays.stream(millis).mapToObj(Long::toString).collect(Collectors.joining(", "))));
        }
        if (!results.idleThreads().isEmpty()) {
            final long windowNanos = Math.max(1, results.idleThreadsWindow().toNanos());
            text.append(String.format(Locale.ROOT, "%nThe busiest threads while idle after the load (by name as Linux keeps it, its first 15 bytes):%n%n"));
            text.append("| thread name | threads | CPU ms | % of one core |\n|---|--:|--:|--:|\n");
            for (final ThreadCpu.Group group : results.idleThreads().subList(0, Math.min(BUSIEST_THREADS, results.idleThreads().size()))) {
                text.append(String.format(Locale.ROOT, "| `%s` | %d | %,d | %.2f %% |%n", group.name(), group.threads(), group.cpuNanos() / 1_000_000,
                        100.0 * group.cpuNanos() / windowNanos));
            }
            final long rest = results.idleThreads().stream().skip(BUSIEST_THREADS).mapToLong(ThreadCpu.Group::cpuNanos).sum();
            final int restThreads = results.idleThreads().stream().skip(BUSIEST_THREADS).mapToInt(ThreadCpu.Group::threads).sum();
            text.append(String.format(Locale.ROOT, "| the other %d | %d | %,d | %.2f %% |%n", Math.max(0, results.idleThreads().size() - BUSIEST_THREADS),
                    restThreads, rest / 1_000_000, 100.0 * rest / windowNanos));
        }
        return text.toString();
    }

    private static long mebibytes(final long bytes) {
        return Math.round(bytes / (1024.0 * 1024.0));
    }
}
