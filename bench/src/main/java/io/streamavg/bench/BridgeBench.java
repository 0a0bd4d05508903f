package io.streamavg.bench;

import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.cli.Streamavg;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.wire.Topics;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamavg bench bridge}: lines per second from TCP clients into raw-lines. The broker runs
 * in this JVM, the bridge ({@code streamavg bridge}) and the load generator each in a child JVM.
 * Runs, on the same broker: the bridge without and with {@code --ack}, each a fresh bridge JVM that
 * first takes --warmup-lines untimed, then timed from the load generator's first connection until
 * raw-lines holds every line (its end offsets; with --ack the load generator also checks that every
 * line was acknowledged), then Kafka's ProducerPerformance sending as many of the same lines with
 * the bridge's default producer settings, after as many records untimed: the ceiling. Beside the tables, each producer's own averages (batch size, records per
 * request, time in the accumulator), and in the log each process's CPU by thread kind.
 */
final class BridgeBench {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeBench.class);
    /** Between two reads of raw-lines' end offsets: a run ends up to this late, and the reads cost the broker little. */
    private static final long POLL_MILLIS = 50;

    private final BridgeBenchConfig config;
    private final String command;
    private final PrintStream out;
    private final Path work;
    /** Per bridge run, the producer's own averages, read from the bridge's /metrics at the run's end. */
    private final Map<String, Map<String, Double>> producerMetrics = new LinkedHashMap<>();

    BridgeBench(final BridgeBenchConfig config, final String command, final PrintStream out, final Path work) {
        this.config = config;
        this.command = command;
        this.out = out;
        this.work = work;
    }

    void run() throws Exception {
        final String machine = TopologyBench.machine();
        final String startedAt = Instant.now().atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).toString();
        LOG.info("{}", machine);
        final List<PipelineResults.Throughput> throughput = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("broker"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            final List<NewTopic> topics = new ArrayList<>(Topics.definitions(config.partitions()));
            topics.add(new NewTopic(PipelineBench.PRODUCER_PERF_TOPIC, Optional.of(config.partitions()), Optional.empty()));
            TopicSetup.createMissing(admin, topics, config.timeout());
            // Before the first send, as the producer pitfall KAFKA-15591 requires.
            TopicSetup.awaitServed(admin, topics.stream().map(NewTopic::name).toList(), config.timeout());
            // The broker shares this JVM, and the bridge's rows make it compile more than ProducerPerformance's
            // (its requests' shapes, the polling of raw-lines' end offsets: its C2 compiler thread took 4.0 s of
            // the first bridge row's 9.3 s of broker CPU, against 0.4 s in ProducerPerformance's row). Each run
            // warms up first (--warmup-lines), and the first also warms the broker.
            throughput.add(bridgeRun(admin, broker.bootstrapServers(), false, "bridge", config.lines()));
            throughput.add(bridgeRun(admin, broker.bootstrapServers(), true, "bridge-ack", config.lines()));
            final ThreadCpu brokerThreads = ThreadCpu.of(ProcessHandle.current().pid());
            throughput.add(producerPerformance(broker.bootstrapServers(), config.lines()));
            producerMetrics.put(PipelineResults.PRODUCER_PERF, BridgeBenchProducerMetrics.ofProducerPerformance(
                    Files.readString(work.resolve("producer-perf.log"), StandardCharsets.UTF_8)));
            LOG.info("producer-perf: CPU by thread, broker (bench JVM): {}", busiest(ThreadCpu.of(ProcessHandle.current().pid())
                    .since(brokerThreads)));
        }
        final double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        final PipelineResults results = new PipelineResults(command, machine, startedAt, loadAtEnd, throughput, Optional.empty());
        out.print(PipelineTable.markdown(results));
        out.print(BridgeBenchProducerMetrics.markdown(producerMetrics));
        config.jfrDir().ifPresent(dir -> out.printf("%nJFR recordings of the bridge: %s%n", dir));
        out.flush();
        if (config.json().isPresent()) {
            try (Writer json = Files.newBufferedWriter(config.json().get(), StandardCharsets.UTF_8)) {
                json.write(PipelineJson.write(results));
            }
        }
    }

    private PipelineResults.Throughput bridgeRun(final Admin admin, final String bootstrap, final boolean ack, final String id,
                                                 final long lines) throws Exception {
        LOG.info("Throughput into raw-lines through the bridge{}: {} lines over {} connections", ack ? " --ack true" : "",
                lines, config.connections());
        final int ingestPort = EmbeddedKafkaBroker.freePort();
        final int httpPort = EmbeddedKafkaBroker.freePort();
        final List<String> jvmOptions = new ArrayList<>();
        if (config.jfrDir().isPresent()) {
            Files.createDirectories(config.jfrDir().get());
            jvmOptions.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + config.jfrDir().get().resolve(id + ".jfr"));
        }
        final long from = rawLines(admin);
        final Instant deadline = Instant.now().plus(config.timeout());
        try (ChildJvm bridge = ChildJvm.launch(id, jvmOptions, Streamavg.class.getName(), List.of("bridge",
                "--bootstrap-servers", bootstrap, "--port", Integer.toString(ingestPort), "--http-port", Integer.toString(httpPort),
                "--bind-address", "127.0.0.1", "--ack", Boolean.toString(ack)), work)) {
            try {
                final PipelineResults.Throughput result = timed(bridge, admin, id, ack, lines, ingestPort, httpPort, from, deadline);
                producerMetrics.put(id, BridgeBenchProducerMetrics.scrape(httpPort));
                LOG.info("{}: the bridge's producer: {}", id, producerMetrics.get(id));
                return result;
            } finally {
                // SIGTERM, as a user stops it: a JFR recording is written at exit.
                bridge.stop();
            }
        }
    }

    private PipelineResults.Throughput timed(final ChildJvm bridge, final Admin admin, final String id, final boolean ack, final long lines,
                                             final int ingestPort, final int httpPort, final long from, final Instant deadline)
            throws Exception {
        {
            bridge.awaitHttpReady(httpPort, deadline);
            final long warmup = config.warmupLines();
            final Path report = work.resolve("load-" + id + ".report");
            final Path go = work.resolve("load-" + id + ".go");
            // One load generator for the warm-up and the timed lines, so that those come from a warm client too.
            final List<String> load = LoadProcess.arguments(report, warmup, go, loadArguments(ingestPort, lines, ack));
            try (ChildJvm loadgen = ChildJvm.launch("load-" + id, LoadProcess.class.getName(), load, work)) {
                if (warmup > 0) {
                    LOG.info("{}: warm-up, {} lines untimed", id, warmup);
                    awaitRawLines(bridge, admin, from, warmup, deadline);
                }
                final long timedFrom = from + warmup;
                final Map<String, ProcessSample> before = new LinkedHashMap<>();
                before.put("broker (bench JVM)", ProcessSample.ofSelf());
                before.put("bridge", bridge.sample());
                final ThreadCpu brokerThreads = ThreadCpu.of(ProcessHandle.current().pid());
                final ThreadCpu bridgeThreads = ThreadCpu.of(bridge.pid());
                if (warmup > 0) {
                    Files.createFile(go);
                }
                final long arrived = awaitRawLines(bridge, admin, timedFrom, lines, deadline);
                final long done = VariantProcess.nowMicros();
                final Map<String, ProcessSample> after = new LinkedHashMap<>();
                after.put("broker (bench JVM)", ProcessSample.ofSelf());
                after.put("bridge", bridge.sample());
                LOG.info("{}: CPU by thread, broker (bench JVM): {}", id, busiest(ThreadCpu.of(ProcessHandle.current().pid()).since(brokerThreads)));
                LOG.info("{}: CPU by thread, bridge: {}", id, busiest(ThreadCpu.of(bridge.pid()).since(bridgeThreads)));
                loadgen.awaitExit(deadline);
                if (arrived != lines) {
                    throw new IllegalStateException("raw-lines holds " + arrived + " new records for " + lines + " lines sent");
                }
                final ChildOutcome sent = ChildOutcome.readFrom(report);
                if (sent.records() != lines) {
                    throw new IllegalStateException("the load generator sent " + sent.records() + " lines of " + lines);
                }
                final List<PipelineResults.Part> parts = new ArrayList<>();
                after.forEach((name, sample) -> {
                    final ProcessSample spent = sample.since(before.get(name));
                    parts.add(PipelineResults.Part.of(name, spent));
                });
                parts.add(PipelineResults.Part.of("loadgen", sent.process()));
                final double seconds = (done - sent.startMicros()) / 1e6;
                LOG.info("{}: {} lines/s ({} s)", id, String.format(Locale.ROOT, "%,.0f", lines / seconds),
                        String.format(Locale.ROOT, "%.1f", seconds));
                return new PipelineResults.Throughput(id, ack ? "streamavg bridge --ack true: loadgen (--ack) → bridge → raw-lines"
                        : "streamavg bridge: loadgen → bridge → raw-lines", lines, seconds, "raw-lines holds every line", parts);
            }
        }
    }

    private List<String> loadArguments(final int ingestPort, final long lines, final boolean ack) {
        final List<String> load = new ArrayList<>(List.of("--port", Integer.toString(ingestPort),
                "--connections", Integer.toString(config.connections()), "--lines", Long.toString(lines),
                "--columns", Integer.toString(config.columns()), "--seed", Long.toString(config.seed())));
        if (ack) {
            load.addAll(List.of("--ack", "true"));
        }
        return load;
    }

    /** Until raw-lines holds {@code lines} records past {@code from}; how many it holds then. */
    private long awaitRawLines(final ChildJvm bridge, final Admin admin, final long from, final long lines, final Instant deadline)
            throws Exception {
        long polls = 0;
        long arrived;
        while ((arrived = rawLines(admin) - from) < lines) {
            if (++polls % 100 == 0) {
                bridge.checkAlive();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException(arrived + " of " + lines + " lines on raw-lines within " + config.timeout());
            }
            Thread.sleep(POLL_MILLIS); // polling the broker's end offsets
        }
        return arrived;
    }

    /** Kafka's ProducerPerformance, as the pipeline bench runs it, printing the producer's metrics at its end. */
    private PipelineResults.Throughput producerPerformance(final String bootstrap, final long lines) throws Exception {
        return PipelineBench.producerPerformance(bootstrap, config.warmupLines(), lines, config.connections(), config.columns(), config.seed(),
                config.timeout(), work, true);
    }

    /** The busiest thread kinds, for the log: where a process's CPU went during a run. */
    static String busiest(final List<ThreadCpu.Group> groups) {
        return groups.stream().limit(8).map(group -> String.format(Locale.ROOT, "%s x%d %.2f s", group.name(), group.threads(),
                group.cpuNanos() / 1e9)).collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * The sum of raw-lines' end offsets: one ListOffsets request, its partitions known from the
     * bench's own topic creation (describing the topic on every poll too doubled the broker's work
     * for the polls, which counts as the broker's CPU in the bridge's rows).
     */
    private long rawLines(final Admin admin) throws Exception {
        final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int partition = 0; partition < config.partitions(); partition++) {
            request.put(new TopicPartition(Topics.RAW_LINES, partition), OffsetSpec.latest());
        }
        long sum = 0;
        for (final ListOffsetsResult.ListOffsetsResultInfo end : admin.listOffsets(request).all()
                .get(config.timeout().toMillis(), TimeUnit.MILLISECONDS).values()) {
            sum += end.offset();
        }
        return sum;
    }
}
