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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamavg bench bridge}: lines per second from TCP clients into raw-lines. The broker runs
 * in this JVM, the bridge ({@code streamavg bridge}) and the load generator each in a child JVM.
 * Runs, on the same broker, after ProducerPerformance sending half as many lines to warm the
 * broker's JIT up (not reported): the bridge without and with {@code --ack}, each timed from the load
 * generator's first connection until raw-lines holds every line (its end offsets; with --ack the
 * load generator also checks that every line was acknowledged), then Kafka's ProducerPerformance
 * sending as many of the same lines with the bridge's producer settings: the ceiling.
 */
final class BridgeBench {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeBench.class);
    /** Between two reads of raw-lines' end offsets: a run ends up to this late, and the reads cost the broker little. */
    private static final long POLL_MILLIS = 50;

    private final BridgeBenchConfig config;
    private final String command;
    private final PrintStream out;
    private final Path work;

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
            // The broker shares this JVM: whichever run came first would pay for its JIT warming up.
            LOG.info("Warming the broker up with ProducerPerformance (not reported)");
            PipelineBench.producerPerformance(broker.bootstrapServers(), Math.max(config.connections(), config.lines() / 2),
                    config.connections(), config.columns(), config.seed(), config.timeout(), work);
            throughput.add(bridgeRun(admin, broker.bootstrapServers(), false));
            throughput.add(bridgeRun(admin, broker.bootstrapServers(), true));
            throughput.add(PipelineBench.producerPerformance(broker.bootstrapServers(), config.lines(), config.connections(),
                    config.columns(), config.seed(), config.timeout(), work));
        }
        final double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        final PipelineResults results = new PipelineResults(command, machine, startedAt, loadAtEnd, throughput, Optional.empty());
        out.print(PipelineTable.markdown(results));
        config.jfrDir().ifPresent(dir -> out.printf("%nJFR recordings of the bridge: %s%n", dir));
        out.flush();
        if (config.json().isPresent()) {
            try (Writer json = Files.newBufferedWriter(config.json().get(), StandardCharsets.UTF_8)) {
                json.write(PipelineJson.write(results));
            }
        }
    }

    private PipelineResults.Throughput bridgeRun(final Admin admin, final String bootstrap, final boolean ack) throws Exception {
        final String id = ack ? "bridge-ack" : "bridge";
        LOG.info("Throughput into raw-lines through the bridge{}: {} lines over {} connections", ack ? " --ack true" : "",
                config.lines(), config.connections());
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
                return timed(bridge, admin, id, ack, ingestPort, httpPort, from, deadline);
            } finally {
                // SIGTERM, as a user stops it: a JFR recording is written at exit.
                bridge.stop();
            }
        }
    }

    private PipelineResults.Throughput timed(final ChildJvm bridge, final Admin admin, final String id, final boolean ack,
                                             final int ingestPort, final int httpPort, final long from, final Instant deadline)
            throws Exception {
        {
            bridge.awaitHttpReady(httpPort, deadline);
            final Map<String, ProcessSample> before = new LinkedHashMap<>();
            before.put("broker (bench JVM)", ProcessSample.ofSelf());
            before.put("bridge", bridge.sample());
            final Path report = work.resolve("load-" + id + ".report");
            final List<String> load = new ArrayList<>(List.of(report.toString(), "--port", Integer.toString(ingestPort),
                    "--connections", Integer.toString(config.connections()), "--lines", Long.toString(config.lines()),
                    "--columns", Integer.toString(config.columns()), "--seed", Long.toString(config.seed())));
            if (ack) {
                load.addAll(List.of("--ack", "true"));
            }
            try (ChildJvm loadgen = ChildJvm.launch("load-" + id, LoadProcess.class.getName(), load, work)) {
                long polls = 0;
                long arrived;
                while ((arrived = rawLines(admin) - from) < config.lines()) {
                    if (++polls % 100 == 0) {
                        bridge.checkAlive();
                    }
                    if (Instant.now().isAfter(deadline)) {
                        throw new TimeoutException(arrived + " of " + config.lines() + " lines on raw-lines within " + config.timeout());
                    }
                    Thread.sleep(POLL_MILLIS); // polling the broker's end offsets
                }
                final long done = VariantProcess.nowMicros();
                final Map<String, ProcessSample> after = new LinkedHashMap<>();
                after.put("broker (bench JVM)", ProcessSample.ofSelf());
                after.put("bridge", bridge.sample());
                loadgen.awaitExit(deadline);
                if (arrived != config.lines()) {
                    throw new IllegalStateException("raw-lines holds " + arrived + " new records for " + config.lines() + " lines sent");
                }
                final ChildOutcome sent = ChildOutcome.readFrom(report);
                if (sent.records() != config.lines()) {
                    throw new IllegalStateException("the load generator sent " + sent.records() + " lines of " + config.lines());
                }
                final List<PipelineResults.Part> parts = new ArrayList<>();
                after.forEach((name, sample) -> {
                    final ProcessSample spent = sample.since(before.get(name));
                    parts.add(new PipelineResults.Part(name, spent.cpuNanos(), spent.peakRssBytes(), spent.runQueueNanos()));
                });
                parts.add(new PipelineResults.Part("loadgen", sent.process().cpuNanos(), sent.process().peakRssBytes(),
                        sent.process().runQueueNanos()));
                final double seconds = (done - sent.startMicros()) / 1e6;
                LOG.info("{}: {} lines/s ({} s)", id, String.format(Locale.ROOT, "%,.0f", config.lines() / seconds),
                        String.format(Locale.ROOT, "%.1f", seconds));
                return new PipelineResults.Throughput(id, ack ? "streamavg bridge --ack true: loadgen (--ack) → bridge → raw-lines"
                        : "streamavg bridge: loadgen → bridge → raw-lines", config.lines(), seconds, "raw-lines holds every line", parts);
            }
        }
    }

    private static long rawLines(final Admin admin) throws Exception {
        return TopologyBench.endOffsets(admin, Topics.RAW_LINES).values().stream().mapToLong(Long::longValue).sum();
    }
}
