package io.streamavg.bench;

import io.streamavg.bridge.BridgeServer;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.cli.Streamavg;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.topology.StatsTopology;
import io.streamavg.wire.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamavg bench pipeline}: the whole pipeline on one machine, as {@code ./streamavg local}
 * runs it but with each part in a process of its own so that each one's CPU and memory can be
 * told apart: the broker in this JVM, the bridge, the topology and the sink each in a child JVM
 * running its {@code streamavg} command, the load generator in another. Runs, in this order:
 * <ol>
 *   <li>{@code pipeline}: the fixed workload, timed from the load generator's first connection until
 *       every column's {@code sample_count} in SQLite equals the lines sent;</li>
 *   <li>{@code latency}: on the same stack, a steady load well below saturation, and marker lines
 *       timed from their send until SQLite shows them;</li>
 *   <li>{@code textbook}: the same workload through a fresh bridge into the textbook topology, timed
 *       until its own output topic shows the counts (the sink cannot read its output);</li>
 *   <li>{@code producer-perf}: Kafka's ProducerPerformance sending as many of the same lines with the
 *       bridge's producer settings to a topic of the same broker: the ceiling.</li>
 * </ol>
 */
final class PipelineBench {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineBench.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);
    /** Where ProducerPerformance writes: a topic like raw-lines that nothing reads. */
    static final String PRODUCER_PERF_TOPIC = "bench-producer-perf";
    /** Distinct lines in ProducerPerformance's payload file; it picks among them at random for each record. */
    static final int PAYLOAD_LINES = 100_000;
    /** One untimed marker run of the latency warm-up, between two looks at the JIT compilers. */
    private static final Duration WARMUP_ROUND = Duration.ofSeconds(10);
    /**
     * The compilers' share of one core under which the warm-up ends. Never zero: the broker's JVM goes
     * on recompiling a little for as long as it runs (docs/BENCHMARKS.md, the latency run).
     */
    private static final double QUIET_COMPILERS = 0.10;

    private final PipelineConfig config;
    private final String command;
    private final PrintStream out;
    private final Path work;
    private final String runId;

    /**
     * @param command the command line as given, for the record
     * @param work    a folder for the broker, the parts' logs, state and database; deleted after a successful run
     */
    PipelineBench(final PipelineConfig config, final String command, final PrintStream out, final Path work) {
        this.config = config;
        this.command = command;
        this.out = out;
        this.work = work;
        this.runId = Long.toString(Instant.now().getEpochSecond(), 36);
    }

    void run() throws Exception {
        final String machine = TopologyBench.machine();
        final String startedAt = Instant.now().atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).toString();
        LOG.info("{}", machine);
        final List<PipelineResults.Throughput> throughput = new ArrayList<>();
        final List<PipelineResults.Latency> latency = new ArrayList<>();
        // The runs take minutes each: one that fails does not stop the others, and the tables show
        // those that were made before the bench reports the failures.
        final List<String> failures = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("broker"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            final String bootstrap = broker.bootstrapServers();
            prepareTopics(admin);
            if (config.runs("pipeline") || config.runs("latency")) {
                final Stack stack = startProject(bootstrap);
                try {
                    if (config.runs("pipeline")) {
                        attempt("pipeline", failures, () -> throughput.add(projectThroughput(stack)));
                    }
                    if (config.runs("latency")) {
                        attempt("latency", failures, () -> latency.add(latency(stack, bootstrap)));
                    }
                } finally {
                    stack.stop();
                }
            }
            if (config.runs("textbook")) {
                attempt("textbook", failures, () -> throughput.add(textbookThroughput(admin, bootstrap)));
            }
            if (config.runs(PipelineResults.PRODUCER_PERF)) {
                attempt(PipelineResults.PRODUCER_PERF, failures, () -> throughput.add(producerPerformance(bootstrap)));
            }
        }
        if (throughput.isEmpty() && latency.isEmpty()) {
            throw new IllegalStateException(String.join("; ", failures));
        }
        final double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        final PipelineResults results = new PipelineResults(command, machine, startedAt, loadAtEnd, throughput,
                latency.stream().findFirst());
        out.print(PipelineTable.markdown(results));
        out.flush();
        if (config.json().isPresent()) {
            try (Writer json = Files.newBufferedWriter(config.json().get(), StandardCharsets.UTF_8)) {
                json.write(PipelineJson.write(results));
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("the tables hold the runs that were made; " + String.join("; ", failures));
        }
    }

    /** Runs one of the bench's runs; a failure is logged and kept, naming the run, and the next run goes on. */
    private static void attempt(final String run, final List<String> failures, final Run body) {
        try {
            body.run();
        } catch (Exception e) {
            LOG.error("The {} run failed", run, e);
            failures.add("the " + run + " run failed: " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Run {
        void run() throws Exception;
    }

    private void prepareTopics(final Admin admin) throws Exception {
        final List<NewTopic> topics = new ArrayList<>(Topics.definitions(config.partitions()));
        topics.add(new NewTopic(TextbookTopology.OUTPUT, Optional.of(config.partitions()), Optional.empty()));
        topics.add(new NewTopic(PRODUCER_PERF_TOPIC, Optional.of(config.partitions()), Optional.empty()));
        TopicSetup.createMissing(admin, topics, TOPIC_TIMEOUT);
        // Before the first send, as the producer pitfall KAFKA-15591 requires.
        TopicSetup.awaitServed(admin, topics.stream().map(NewTopic::name).toList(), TOPIC_TIMEOUT);
    }

    /** The bridge, topology and sink of one stack, by name, and where to reach them. */
    private record Stack(Map<String, ChildJvm> parts, int ingestPort, Path database, int topologyHttpPort) {

        void stop() throws InterruptedException {
            // The bridge first, as a user would: nothing new comes in while the others stop.
            for (final ChildJvm part : parts.values()) {
                part.stop();
            }
        }
    }

    private Stack startProject(final String bootstrap) throws Exception {
        final Path database = work.resolve("processed_data.db");
        final int ingestPort = EmbeddedKafkaBroker.freePort();
        final Map<String, Integer> httpPorts = new LinkedHashMap<>();
        final Map<String, ChildJvm> parts = new LinkedHashMap<>();
        try {
            httpPorts.put("bridge", EmbeddedKafkaBroker.freePort());
            parts.put("bridge", service("bridge", "bridge", List.of("--bootstrap-servers", bootstrap, "--port", Integer.toString(ingestPort),
                    "--http-port", httpPorts.get("bridge").toString(), "--bind-address", "127.0.0.1")));
            httpPorts.put("topology", EmbeddedKafkaBroker.freePort());
            final List<String> topology = new ArrayList<>(List.of("--bootstrap-servers", bootstrap,
                    "--application-id", "bench-" + runId, "--state-dir", work.resolve("topology-state").toString(),
                    "--commit-interval", Integer.toString(config.commitIntervalMillis()),
                    "--partitions", Integer.toString(config.partitions()),
                    "--http-port", httpPorts.get("topology").toString(), "--bind-address", "127.0.0.1"));
            config.streamThreads().ifPresent(threads -> topology.addAll(List.of("--num-stream-threads", Integer.toString(threads))));
            config.mergePartitions().ifPresent(partitions -> topology.addAll(List.of("--merge-partitions", Integer.toString(partitions))));
            parts.put("topology", service("topology", "topology", topology));
            httpPorts.put("sink", EmbeddedKafkaBroker.freePort());
            parts.put("sink", service("sink", "sink", List.of("--bootstrap-servers", bootstrap, "--db", database.toString(),
                    "--group-id", "bench-sink-" + runId,
                    "--http-port", httpPorts.get("sink").toString(), "--bind-address", "127.0.0.1")));
            final Instant deadline = Instant.now().plus(config.timeout());
            for (final Map.Entry<String, ChildJvm> part : parts.entrySet()) {
                part.getValue().awaitHttpReady(httpPorts.get(part.getKey()), deadline);
            }
            LOG.info("Bridge, topology and sink ready");
            return new Stack(parts, ingestPort, database, httpPorts.get("topology"));
        } catch (Exception e) {
            parts.values().forEach(ChildJvm::close);
            throw e;
        }
    }

    /** {@code streamavg COMMAND options} in a child JVM whose log is {@code LOG.log}. */
    private ChildJvm service(final String command, final String log, final List<String> options) throws IOException {
        final List<String> args = new ArrayList<>();
        args.add(command);
        args.addAll(options);
        return ChildJvm.launch(log, Streamavg.class.getName(), args, work);
    }

    private PipelineResults.Throughput projectThroughput(final Stack stack) throws Exception {
        LOG.info("Throughput through bridge, topology and sink: {} lines over {} connections", config.lines(), config.connections());
        final long warmup = config.warmupLines();
        final Path report = work.resolve("load-pipeline.report");
        final Path go = work.resolve("load-pipeline.go");
        try (SqliteCounts sqlite = new SqliteCounts(stack.database());
             ChildJvm load = launchLoad("load-pipeline", report, stack.ingestPort(), config.lines(), 0, 0, config.seed(), warmup, go)) {
            if (warmup > 0) {
                LOG.info("Warm-up: {} lines through the same stack, untimed", warmup);
                awaitSqliteCounts(sqlite, stack, warmup);
            }
            final Map<String, ProcessSample> before = samples(stack.parts());
            if (warmup > 0) {
                Files.createFile(go);
            }
            final Instant deadline = Instant.now().plus(config.timeout());
            awaitSqliteCounts(sqlite, stack, warmup + config.lines());
            final long done = VariantProcess.nowMicros();
            final Map<String, ProcessSample> after = samples(stack.parts());
            load.awaitExit(deadline);
            final ChildOutcome sent = ChildOutcome.readFrom(report);
            return throughput("pipeline", "streamavg: loadgen → bridge → topology → sink", sent, done, "every sample_count in SQLite",
                    before, after);
        }
    }

    /** Until every load column's sample_count in SQLite is {@code lines}, polling the file as any reader would. */
    private void awaitSqliteCounts(final SqliteCounts sqlite, final Stack stack, final long lines) throws Exception {
        final Instant deadline = Instant.now().plus(config.timeout());
        long polls = 0;
        while (!SqliteCounts.complete(sqlite.counts(), config.columns(), lines)) {
            if (++polls % 100 == 0) {
                checkAlive(stack.parts().values());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException("SQLite did not count every line within " + config.timeout() + ": " + sqlite.counts());
            }
            Thread.sleep(config.pollInterval().toMillis()); // polling the file another process writes
        }
    }

    private PipelineResults.Throughput throughput(final String id, final String label, final ChildOutcome sent, final long doneMicros,
                                                  final String until, final Map<String, ProcessSample> before,
                                                  final Map<String, ProcessSample> after) {
        if (sent.records() != config.lines()) {
            throw new IllegalStateException("the load generator sent " + sent.records() + " lines of " + config.lines());
        }
        final List<PipelineResults.Part> parts = new ArrayList<>();
        after.forEach((name, sample) -> {
            final ProcessSample spent = sample.since(before.get(name));
            parts.add(PipelineResults.Part.of(name, spent));
        });
        parts.add(PipelineResults.Part.of("loadgen", sent.process()));
        final double seconds = (doneMicros - sent.startMicros()) / 1e6;
        LOG.info("{}: {} lines/s ({} s)", id, String.format(Locale.ROOT, "%,.0f", config.lines() / seconds),
                String.format(Locale.ROOT, "%.1f", seconds));
        return new PipelineResults.Throughput(id, label, config.lines(), seconds, until, parts);
    }

    /** The broker (this JVM) first, then the children in the order given. */
    private static Map<String, ProcessSample> samples(final Map<String, ChildJvm> parts) throws IOException {
        final Map<String, ProcessSample> samples = new LinkedHashMap<>();
        samples.put("broker (bench JVM)", ProcessSample.ofSelf());
        for (final Map.Entry<String, ChildJvm> part : parts.entrySet()) {
            samples.put(part.getKey(), part.getValue().sample());
        }
        return samples;
    }

    private static void checkAlive(final Iterable<ChildJvm> parts) {
        parts.forEach(ChildJvm::checkAlive);
    }

    /** The load generator in a child JVM; {@code lines} 0 with a duration for a steady load. */
    private ChildJvm launchLoad(final String name, final Path report, final int port, final long lines, final long rate,
                                final long durationSeconds, final long seed) throws IOException {
        return launchLoad(name, report, port, lines, rate, durationSeconds, seed, 0, null);
    }

    /** The same, sending {@code warmupLines} other lines first when not 0, then waiting for {@code go} to exist ({@link LoadProcess}). */
    private ChildJvm launchLoad(final String name, final Path report, final int port, final long lines, final long rate,
                                final long durationSeconds, final long seed, final long warmupLines, final Path go) throws IOException {
        return ChildJvm.launch(name, LoadProcess.class.getName(), LoadProcess.arguments(report, warmupLines, go, List.of(
                "--port", Integer.toString(port), "--connections", Integer.toString(config.connections()),
                "--lines", Long.toString(lines), "--rate", Long.toString(rate), "--duration", Long.toString(durationSeconds),
                "--columns", Integer.toString(config.columns()), "--seed", Long.toString(seed))), work);
    }

    private PipelineResults.Latency latency(final Stack stack, final String bootstrap) throws Exception {
        final long rate = config.latencyRate();
        final Duration window = config.latencyDuration();
        LOG.info("Latency: markers for {} s under a steady {} lines/s", window.toSeconds(), rate);
        final List<String> markerColumns = IntStream.range(0, PipelineConfig.MARKER_COLUMNS)
                .mapToObj(index -> Integer.toString(config.columns() + index)).toList();
        final Path report = work.resolve("load-latency.report");
        final PipelineResults.Latency latency;
        try (SqliteCounts sqlite = new SqliteCounts(stack.database());
             // Sends until stopped below, however long the pipeline takes to show the markers; the
             // duration only bounds it should the bench die.
             ChildJvm load = launchLoad("load-latency", report, stack.ingestPort(), 0, rate,
                     window.plus(config.timeout()).plus(config.latencyWarmup()).plus(WARMUP_ROUND).toSeconds(), config.seed() + 1_000_000)) {
            final Instant deadline = Instant.now().plus(config.timeout());
            // The markers start once the steady load flows end to end, and the JVMs have done compiling.
            final long baseline = sqlite.counts().getOrDefault("0", 0L);
            while (sqlite.counts().getOrDefault("0", 0L) <= baseline) {
                load.checkAlive();
                if (Instant.now().isAfter(deadline)) {
                    throw new TimeoutException("the steady load did not reach SQLite within " + config.timeout());
                }
                Thread.sleep(config.pollInterval().toMillis()); // polling the file another process writes
            }
            final List<Long> pids = new ArrayList<>(List.of(ProcessHandle.current().pid(), load.pid()));
            stack.parts().values().forEach(part -> pids.add(part.pid()));
            final List<StageProbe.Stage> stages = stages();
            try (StageProbe probe = new StageProbe(bootstrap, stages)) {
                final double warmupSeconds = warmUp(sqlite, stack, stages, probe, markerColumns, pids);
                final CompilerCpu.Window compilers = CompilerCpu.Window.from(pids);
                final Markers timed = markers(sqlite, stack, stages, probe, markerColumns, window);
                final double compilerShare = compilers.cores();
                latency = new PipelineResults.Latency(rate, timed.reachedRate(), timed.due(), timed.sent(), timed.late(),
                        timed.latencies(), timed.pollPeriodNanos(), config.commitIntervalMillis(), timed.windowSeconds(),
                        timed.stages(), Optional.of(StreamThreadCommits.read(stack.topologyHttpPort())), warmupSeconds, compilerShare);
            }
            final MarkerLatencies.Summary summary = latency.summary();
            LOG.info("Latency: {} markers, p50 {} ms, p99 {} ms, max {} ms", summary.markers(), summary.p50Nanos() / 1_000_000,
                    summary.p99Nanos() / 1_000_000, summary.maxNanos() / 1_000_000);
            load.checkAlive();
            load.stop();
            return latency;
        }
    }

    /**
     * The topics a marker crosses before SQLite, read as the stage after each reads it: raw-lines as
     * the bridge's producer wrote it, then the two sub-topologies' outputs as their transactions
     * commit them. The window statistics' topics are left out: a marker takes the same path there.
     */
    private List<StageProbe.Stage> stages() {
        return List.of(
                new StageProbe.Stage("raw-lines (the bridge's produce)", Topics.RAW_LINES, false,
                        record -> StageProbe.markerColumnOfLine(record.value(), config.columns())),
                new StageProbe.Stage("the partials' repartition topic (the folding tasks' commit)",
                        StatsTopology.totalsTopic("bench-" + runId), true, StageProbe::columnKey),
                new StageProbe.Stage("column-averages (the merging tasks' commit)", Topics.COLUMN_AVERAGES, true, StageProbe::columnKey));
    }

    /**
     * The warm-up: the marker runs themselves, untimed, so that this JVM's probes and polls are compiled
     * too, until the JIT compilers of every JVM of the run went quiet, or --latency-warmup is spent.
     *
     * @return the seconds it took
     */
    private double warmUp(final SqliteCounts sqlite, final Stack stack, final List<StageProbe.Stage> stages, final StageProbe probe,
                          final List<String> markerColumns, final Collection<Long> pids) throws Exception {
        final long start = System.nanoTime();
        final long end = start + config.latencyWarmup().toNanos();
        while (true) {
            final CompilerCpu.Window round = CompilerCpu.Window.from(pids);
            markers(sqlite, stack, stages, probe, markerColumns, WARMUP_ROUND);
            final double share = round.cores();
            final double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("Latency warm-up: {} s, the JIT compilers used {}% of a core over the last round", String.format(Locale.ROOT, "%.0f", seconds),
                    String.format(Locale.ROOT, "%.1f", share * 100));
            if (share <= QUIET_COMPILERS || System.nanoTime() - end >= 0) {
                return seconds;
            }
        }
    }

    /** The marker results of one window, before the warm-up and the compilers' share around it are known. */
    private record Markers(double reachedRate, int due, int sent, int late, List<Long> latencies, double pollPeriodNanos,
                           double windowSeconds, List<PipelineResults.StageLatency> stages) {
    }

    /** Sends the markers at their rate for {@code window}, timing each until {@code probe}'s stages and SQLite show it. */
    private Markers markers(final SqliteCounts sqlite, final Stack stack, final List<StageProbe.Stage> stages,
                            final StageProbe probe, final List<String> markerColumns, final Duration window)
            throws Exception {
        final Instant deadline = Instant.now().plus(window).plus(config.timeout());
        probe.drain(); // sightings of an earlier run's markers, which the columns' next markers must not take
        final long periodNanos = TimeUnit.SECONDS.toNanos(1) / config.markerRate();
        final long pollNanos = config.pollInterval().toNanos();
        final Map<String, Long> first = sqlite.counts();
        final MarkerLatencies latencies = new MarkerLatencies(markerColumns, first, stages.size());
        int sent = 0;
        int late = 0;
        long polls = 0;
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", stack.ingestPort()), 10_000);
            final OutputStream toBridge = socket.getOutputStream();
            final long start = System.nanoTime();
            final long end = start + window.toNanos();
            final long firstPoll = start;
            long nextMarker = start;
            long nextPoll = start;
            long countAtStart = first.getOrDefault("0", 0L);
            long countAtEnd = countAtStart;
            long endPolled = start;
            while (true) {
                final long now = System.nanoTime();
                final boolean sending = now - end < 0;
                if (!sending && latencies.inFlight() == 0) {
                    break;
                }
                if (sending && now - nextMarker >= 0) {
                    final Optional<String> column = latencies.freeColumn();
                    if (column.isPresent()) {
                        if (now - nextMarker > periodNanos) {
                            late++; // waited for a column; later markers keep their own schedule
                            nextMarker = now;
                        }
                        final byte[] line = markerLine(Integer.parseInt(column.get()));
                        final long sentAt = System.nanoTime();
                        // In flight before its bytes leave: a stage's probe may see it at once.
                        latencies.sent(column.get(), sentAt);
                        toBridge.write(line);
                        toBridge.flush();
                        sent++;
                        nextMarker += periodNanos;
                    }
                }
                if (now - nextPoll >= 0) {
                    // Before SQLite's poll: a stage's sighting belongs to its marker while it is in flight.
                    probe.drain().forEach(latencies::seen);
                    final long polledAt = System.nanoTime();
                    final Map<String, Long> counts = sqlite.counts();
                    latencies.observed(polledAt, counts);
                    polls++;
                    if (sending) {
                        countAtEnd = counts.getOrDefault("0", 0L);
                        endPolled = polledAt;
                    }
                    nextPoll = polledAt + pollNanos;
                    if (polls % 100 == 0) {
                        checkAlive(stack.parts().values());
                        if (Instant.now().isAfter(deadline)) {
                            throw new TimeoutException(latencies.inFlight() + " markers never showed in SQLite");
                        }
                    }
                }
                final long wake = sending ? Math.min(nextMarker, nextPoll) : nextPoll;
                final long wait = wake - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing the markers and polls, not synchronisation
                }
            }
            final double windowSeconds = (endPolled - firstPoll) / 1e9;
            final double pollPeriod = (double) (System.nanoTime() - firstPoll) / polls;
            final int due = (int) (window.toNanos() / periodNanos);
            return new Markers((countAtEnd - countAtStart) / windowSeconds, due, sent, late, latencies.latencies(), pollPeriod,
                    windowSeconds, stageLatencies(stages, latencies));
        }
    }

    private static List<PipelineResults.StageLatency> stageLatencies(final List<StageProbe.Stage> stages, final MarkerLatencies latencies) {
        final List<List<Long>> measured = latencies.stageLatencies();
        return IntStream.range(0, stages.size())
                .mapToObj(index -> new PipelineResults.StageLatency(stages.get(index).name(), measured.get(index))).toList();
    }

    /** A line whose only value, 1, is in {@code column}: every cell before it empty, so missing. */
    static byte[] markerLine(final int column) {
        return (",".repeat(column) + "1\n").getBytes(StandardCharsets.US_ASCII);
    }

    private PipelineResults.Throughput textbookThroughput(final Admin admin, final String bootstrap) throws Exception {
        LOG.info("Throughput through bridge and the textbook topology: {} lines over {} connections", config.lines(), config.connections());
        final String applicationId = "bench-textbook-" + runId;
        // The textbook starts where raw-lines ends now: the earlier runs' lines are not its work.
        admin.alterConsumerGroupOffsets(applicationId, TopologyBench.endOffsets(admin, Topics.RAW_LINES).entrySet().stream()
                .collect(Collectors.toMap(entry -> new TopicPartition(Topics.RAW_LINES, entry.getKey()),
                        entry -> new OffsetAndMetadata(entry.getValue())))).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        final Map<Integer, Long> from = TopologyBench.endOffsets(admin, TextbookTopology.OUTPUT);
        final int ingestPort = EmbeddedKafkaBroker.freePort();
        final int bridgeHttp = EmbeddedKafkaBroker.freePort();
        final Path ready = work.resolve("textbook.ready");
        final Map<String, ChildJvm> parts = new LinkedHashMap<>();
        try {
            parts.put("bridge", service("bridge", "bridge-textbook", List.of("--bootstrap-servers", bootstrap, "--port", Integer.toString(ingestPort),
                    "--http-port", Integer.toString(bridgeHttp), "--bind-address", "127.0.0.1")));
            parts.put("textbook topology", ChildJvm.launch("textbook", TextbookProcess.class.getName(),
                    List.of(bootstrap, applicationId, work.resolve("textbook-state").toString(), ready.toString()), work));
            final Instant deadline = Instant.now().plus(config.timeout());
            parts.get("bridge").awaitHttpReady(bridgeHttp, deadline);
            parts.get("textbook topology").awaitFile(ready, deadline);
            final Supplier<Throwable> failure = () -> {
                try {
                    checkAlive(parts.values());
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            };
            try (OutputWatcher output = new OutputWatcher(bootstrap, TextbookTopology.OUTPUT, from,
                    value -> TextbookTopology.CountSum.SERDE.deserializer().deserialize(TextbookTopology.OUTPUT, value).count())) {
                final long warmup = config.warmupLines();
                final Path report = work.resolve("load-textbook.report");
                final Path go = work.resolve("load-textbook.go");
                try (ChildJvm load = launchLoad("load-textbook", report, ingestPort, config.lines(), 0, 0, config.seed(), warmup, go)) {
                    if (warmup > 0) {
                        LOG.info("Warm-up: {} lines through the textbook's stack, untimed", warmup);
                        output.awaitCounts(config.columns(), warmup, config.timeout(), failure);
                    }
                    final Map<String, ProcessSample> before = samples(parts);
                    if (warmup > 0) {
                        Files.createFile(go);
                    }
                    output.awaitCounts(config.columns(), warmup + config.lines(), config.timeout(), failure);
                    final long done = VariantProcess.nowMicros();
                    final Map<String, ProcessSample> after = samples(parts);
                    load.awaitExit(Instant.now().plus(config.timeout()));
                    return throughput("textbook", "textbook DSL topology: loadgen → bridge → textbook (no sink)",
                            ChildOutcome.readFrom(report), done, "every count on its output topic", before, after);
                }
            }
        } finally {
            for (final ChildJvm part : parts.values()) {
                part.stop();
            }
        }
    }

    private PipelineResults.Throughput producerPerformance(final String bootstrap) throws Exception {
        return producerPerformance(bootstrap, config.warmupLines(), config.lines(), config.connections(), config.columns(), config.seed(),
                config.timeout(), work, false);
    }

    /**
     * Kafka's ProducerPerformance in a child JVM sending {@code lines} of the load generator's lines
     * (as {@code connections} connections with {@code seed} make them) to {@link #PRODUCER_PERF_TOPIC}
     * with the bridge's producer settings: the ceiling of a bench of the bridge.
     */
    static PipelineResults.Throughput producerPerformance(final String bootstrap, final long warmupRecords, final long lines, final int connections,
                                                          final int columns, final long seed, final Duration timeout,
                                                          final Path work, final boolean printMetrics) throws Exception {
        LOG.info("Kafka's ProducerPerformance: {} records of the same lines", lines);
        final Path payload = work.resolve("payload.txt");
        writePayload(payload, lines, connections, columns, seed);
        final Path report = work.resolve("producer-perf.report");
        final List<String> args = new ArrayList<>(List.of(report.toString(), Long.toString(warmupRecords),
                "--topic", PRODUCER_PERF_TOPIC, "--num-records", Long.toString(lines), "--throughput", "-1",
                "--payload-file", payload.toString()));
        if (printMetrics) {
            args.add("--print-metrics");
        }
        args.addAll(List.of("--command-property", "bootstrap.servers=" + bootstrap));
        // The bridge's own producer defaults, so that the ceiling moves with them.
        BridgeServer.producerDefaults().forEach((name, value) -> args.add(name + "=" + value));
        final ProcessSample before = ProcessSample.ofSelf();
        try (ChildJvm perf = ChildJvm.launch("producer-perf", ProducerPerfProcess.class.getName(), args, work)) {
            perf.awaitExit(Instant.now().plus(timeout));
        }
        final ProcessSample broker = ProcessSample.ofSelf().since(before);
        final ChildOutcome outcome = ChildOutcome.readFrom(report);
        final double seconds = outcome.records() / outcome.ratePerSecond();
        LOG.info("producer-perf: {} records/s", String.format(Locale.ROOT, "%,.0f", outcome.ratePerSecond()));
        return new PipelineResults.Throughput(PipelineResults.PRODUCER_PERF,
                "Kafka `ProducerPerformance`, same lines, the bridge's producer settings", outcome.records(), seconds,
                "its own measure: first send to last acknowledgement",
                List.of(PipelineResults.Part.of("broker (bench JVM)", broker),
                        PipelineResults.Part.of("ProducerPerformance", outcome.process())));
    }

    /** The load generator's lines (connection by connection, as its seeds make them), up to {@link #PAYLOAD_LINES}. */
    private static void writePayload(final Path file, final long lines, final int connections, final int columns, final long seed)
            throws IOException {
        final long count = Math.min(lines, PAYLOAD_LINES);
        final List<RandomLines> generators = IntStream.range(0, connections)
                .mapToObj(index -> new RandomLines(seed + index, columns)).toList();
        try (Writer payload = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (long line = 0; line < count; line++) {
                payload.write(generators.get((int) (line % connections)).next());
                payload.write('\n');
            }
        }
    }
}
