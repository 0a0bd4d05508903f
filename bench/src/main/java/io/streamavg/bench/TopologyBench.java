package io.streamavg.bench;

import com.sun.management.OperatingSystemMXBean;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.wire.Topics;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamavg bench topology}: preloads the lines once, then runs each variant in child JVMs
 * on them, one variant at a time, and prints the tables (and, with {@code --jfr}, the profiles).
 */
final class TopologyBench {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyBench.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REPORT_POLL = Duration.ofMillis(20);

    private final BenchConfig config;
    private final List<String> args;
    private final PrintStream out;
    private final Path work;
    private final String runId;

    /**
     * @param args the options as given, for the record in the output
     * @param work a folder for the broker, state, logs and reports; deleted after a successful run
     */
    TopologyBench(final BenchConfig config, final List<String> args, final PrintStream out, final Path work) {
        this.config = config;
        this.args = args;
        this.out = out;
        this.work = work;
        this.runId = Long.toString(Instant.now().getEpochSecond(), 36);
    }

    void run() throws Exception {
        final String machine = machine();
        LOG.info("{}", machine);
        final EmbeddedKafkaBroker broker = config.bootstrapServers().isPresent() ? null
                : EmbeddedKafkaBroker.start(work.resolve("broker"), 0);
        try {
            final String bootstrap = config.bootstrapServers().orElseGet(() -> broker.bootstrapServers());
            final List<RunResult> results = new ArrayList<>();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                final int partitions = prepareTopics(admin);
                preload(admin, bootstrap, partitions);
                for (final Variant variant : config.variants()) {
                    results.add(runVariant(admin, bootstrap, variant, broker != null));
                }
            }
            print(machine, results);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** Creates the topics the variants need; returns the partitions of raw-lines. */
    private int prepareTopics(final Admin admin) throws Exception {
        final List<NewTopic> topics = new ArrayList<>(Topics.definitions(config.partitions()));
        topics.add(new NewTopic(TextbookTopology.OUTPUT, Optional.of(config.partitions()), Optional.empty()));
        TopicSetup.createMissing(admin, topics, TOPIC_TIMEOUT);
        // Before the first send, as the producer pitfall KAFKA-15591 requires.
        TopicSetup.awaitServed(admin, topics.stream().map(NewTopic::name).toList(), TOPIC_TIMEOUT);
        final long present = endOffsets(admin, Topics.RAW_LINES).values().stream().mapToLong(Long::longValue).sum();
        if (present != 0) {
            throw new IllegalStateException(Topics.RAW_LINES + " already holds " + present
                    + " records: the bench needs it empty (a cluster of its own, or no --bootstrap-servers)");
        }
        final TopicDescription rawLines = admin.describeTopics(List.of(Topics.RAW_LINES)).allTopicNames()
                .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(Topics.RAW_LINES);
        return rawLines.partitions().size();
    }

    private void preload(final Admin admin, final String bootstrap, final int partitions) throws Exception {
        final long lines = config.lines();
        LOG.info("Preloading {} lines of {} columns into {} ({} partitions)", lines, config.columns(), Topics.RAW_LINES, partitions);
        final long start = System.nanoTime();
        new LinePreloader(config.seed(), config.columns()).preload(bootstrap, Topics.RAW_LINES, partitions, lines);
        final double seconds = (System.nanoTime() - start) / 1e9;
        final long written = endOffsets(admin, Topics.RAW_LINES).values().stream().mapToLong(Long::longValue).sum();
        if (written != lines) {
            throw new IllegalStateException(Topics.RAW_LINES + " holds " + written + " records after preloading " + lines);
        }
        LOG.info("Preloaded {} lines in {} s ({} lines/s)", lines, String.format(Locale.ROOT, "%.1f", seconds),
                String.format(Locale.ROOT, "%,.0f", lines / seconds));
    }

    private RunResult runVariant(final Admin admin, final String bootstrap, final Variant variant, final boolean brokerHere)
            throws Exception {
        final String applicationId = "bench-" + runId + "-" + variant.id();
        final String outputTopic = switch (variant.kind()) {
            case PROJECT -> Topics.COLUMN_AVERAGES;
            case TEXTBOOK -> TextbookTopology.OUTPUT;
            case CONSUMER_PERFORMANCE -> "";
        };
        final Map<Integer, Long> from = outputTopic.isEmpty() ? Map.of() : endOffsets(admin, outputTopic);
        final Optional<Path> jfrDir = variant.kind() == Variant.Kind.PROJECT ? config.jfrDir() : Optional.empty();
        final List<Path> reports = new ArrayList<>();
        final List<Path> logs = new ArrayList<>();
        final List<Path> recordings = new ArrayList<>();
        final List<List<String>> commands = new ArrayList<>();
        for (int instance = 1; instance <= variant.instances(); instance++) {
            final String name = variant.id() + (variant.instances() > 1 ? "-" + instance : "");
            reports.add(work.resolve(name + ".report"));
            logs.add(work.resolve(name + ".log"));
            final ChildSpec spec = new ChildSpec(variant.kind(), bootstrap, Topics.RAW_LINES, config.lines(), config.columns(),
                    applicationId, variant.threads(), work.resolve("state-" + name), outputTopic, from,
                    reports.get(reports.size() - 1), config.timeout());
            final Optional<Path> recording = jfrDir.map(dir -> dir.resolve(name + ".jfr"));
            recording.ifPresent(recordings::add);
            commands.add(childCommand(spec, recording));
        }
        if (jfrDir.isPresent()) {
            Files.createDirectories(jfrDir.get());
        }

        LOG.info("Running {}: {}", variant.id(), variant.label());
        final long brokerCpuBefore = ownCpuNanos();
        final long launch = VariantProcess.nowMicros();
        final List<Process> children = new ArrayList<>();
        try {
            for (int i = 0; i < commands.size(); i++) {
                children.add(new ProcessBuilder(commands.get(i)).directory(work.toFile()).redirectErrorStream(true)
                        .redirectOutput(logs.get(i).toFile()).start());
            }
            awaitReports(variant, children, reports, logs);
            final long brokerCpu = ownCpuNanos() - brokerCpuBefore;
            for (int i = 0; i < children.size(); i++) {
                if (!children.get(i).waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || children.get(i).exitValue() != 0) {
                    throw new IllegalStateException(variant.id() + " did not exit cleanly after reporting; see " + logs.get(i));
                }
            }
            for (final Path log : logs) {
                try (var lines = Files.lines(log)) {
                    lines.filter(line -> line.contains(VariantProcess.CPU_BY_THREAD_KIND)).forEach(line ->
                            LOG.info("{}: {}", log.getFileName(), line.substring(line.indexOf(VariantProcess.CPU_BY_THREAD_KIND))));
                }
            }
            final List<ChildReport> childReports = new ArrayList<>();
            for (final Path report : reports) {
                childReports.add(ChildReport.readFrom(report));
            }
            final Map<String, Long> internal = internalTopicEnds(admin, applicationId);
            final RunResult result = new RunResult(variant, applicationId, config.lines(), launch, childReports,
                    brokerHere ? OptionalLong.of(brokerCpu) : OptionalLong.empty(),
                    sumEndingWith(internal, "-repartition"), sumEndingWith(internal, "-changelog"), recordings);
            LOG.info("{}: {} lines/s from launch ({} s)", variant.id(), String.format(Locale.ROOT, "%,.0f", result.linesPerSecond()),
                    String.format(Locale.ROOT, "%.1f", result.seconds()));
            // The next variant should not share the broker with this one's topics.
            if (!internal.isEmpty()) {
                admin.deleteTopics(internal.keySet()).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            return result;
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    /** Waits until every child has written its report; a child that exits without one fails the run, naming its log. */
    private void awaitReports(final Variant variant, final List<Process> children, final List<Path> reports, final List<Path> logs)
            throws Exception {
        final Instant deadline = Instant.now().plus(config.timeout());
        for (int i = 0; i < children.size(); i++) {
            while (!Files.exists(reports.get(i))) {
                if (!children.get(i).isAlive() && !Files.exists(reports.get(i))) {
                    throw new IllegalStateException(variant.id() + " exited with code " + children.get(i).exitValue()
                            + " before counting every line; its log " + logs.get(i) + " ends:\n" + tail(logs.get(i)));
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new TimeoutException(variant.id() + " did not count every line within " + config.timeout()
                            + "; its log " + logs.get(i) + " ends:\n" + tail(logs.get(i)));
                }
                Thread.sleep(REPORT_POLL.toMillis()); // polling a file the child writes; its time is taken by the child
            }
        }
    }

    private List<String> childCommand(final ChildSpec spec, final Optional<Path> recording) {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        recording.ifPresent(file -> {
            // Parks of 1 ms or more, not 10: a commit's waits on the broker are mostly shorter.
            command.add("-XX:StartFlightRecording=filename=" + file + ",settings=profile,locking-threshold=1ms,dumponexit=true");
            // Kafka Streams' forwarding between processors makes deep stacks; JFR's 64 frames would cut
            // off the frames that say which phase of the loop a sample is in.
            command.add("-XX:FlightRecorderOptions=stackdepth=256");
        });
        command.add("-cp");
        command.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator)));
        command.add(VariantProcess.class.getName());
        command.addAll(spec.toArgs());
        return command;
    }

    private void print(final String machine, final List<RunResult> results) throws IOException {
        out.println("### streamavg bench topology, " + Instant.now().atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES));
        out.println();
        out.println("`streamavg bench topology" + (args.isEmpty() ? "" : " " + String.join(" ", args)) + "`: "
                + String.format(Locale.ROOT, "%,d", config.lines()) + " lines of " + config.columns() + " columns, "
                + (config.bootstrapServers().isPresent() ? "Kafka at " + config.bootstrapServers().get() : "in-process broker")
                + ", each variant in its own JVM(s), exactly_once_v2. " + machine);
        out.println();
        out.print(ResultTable.results(results));
        out.println();
        out.print(ResultTable.details(results));
        for (final RunResult result : results) {
            if (!result.recordings().isEmpty()) {
                out.println();
                out.println("#### Profile: " + result.variant().label() + " (" + result.recordings().stream()
                        .map(Path::toString).collect(Collectors.joining(", ")) + ")");
                out.println();
                final long from = result.reports().stream().mapToLong(ChildReport::processingStartMicros).min().orElseThrow();
                final long to = result.reports().stream().mapToLong(ChildReport::doneMicros).max().orElseThrow();
                out.print(ProfileSummary.read(result.recordings(), result.applicationId(), from, to).markdown(result.lines()));
            }
        }
        out.flush();
    }

    /** The topic's end offsets by partition; the pipeline bench reads its topics the same way. */
    static Map<Integer, Long> endOffsets(final Admin admin, final String topic) throws Exception {
        final TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        final Map<TopicPartition, OffsetSpec> request = description.partitions().stream()
                .collect(Collectors.toMap(partition -> new TopicPartition(topic, partition.partition()), partition -> OffsetSpec.latest()));
        final Map<Integer, Long> ends = new TreeMap<>();
        admin.listOffsets(request).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
        return ends;
    }

    /** The end offset sums of the application's internal topics, by topic. */
    private static Map<String, Long> internalTopicEnds(final Admin admin, final String applicationId) throws Exception {
        final List<String> internal = admin.listTopics().names().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                .filter(name -> name.startsWith(applicationId + "-")).sorted().toList();
        final Map<String, Long> ends = new TreeMap<>();
        for (final String topic : internal) {
            ends.put(topic, endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum());
        }
        return ends;
    }

    private static long sumEndingWith(final Map<String, Long> ends, final String suffix) {
        return ends.entrySet().stream().filter(entry -> entry.getKey().endsWith(suffix)).mapToLong(Map.Entry::getValue).sum();
    }

    private static long ownCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String tail(final Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** The machine, for the record: results mean little without it. */
    static String machine() {
        final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        final String cpu = cpuModel().map(model -> model + ", ").orElse("");
        return String.format(Locale.ROOT, "Machine: %s%d cores, %.0f GB, %s %s, %s %s, Kafka %s; load average %.2f at the start.",
                cpu, Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize() / 1e9,
                System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                kafkaVersion(),
                os.getSystemLoadAverage());
    }

    /** The clients' version, from the file their jar carries for the same purpose. */
    private static String kafkaVersion() {
        try (InputStream in = Admin.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            final Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "(unknown version)");
        } catch (IOException e) {
            return "(unknown version)";
        }
    }

    private static Optional<String> cpuModel() {
        final Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Deletes the work folder, deepest first. */
    static void delete(final Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
