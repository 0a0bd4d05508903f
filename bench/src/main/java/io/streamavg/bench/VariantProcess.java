package io.streamavg.bench;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.topology.StatsTopologyConfig;
import io.streamavg.topology.TopologyService;
import io.streamavg.wire.ColumnStatsSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main class of the bench's child JVMs: runs one instance of one variant until its output
 * shows every column at the full count (Kafka's {@code ConsumerPerformance}: until it has read every
 * line), writes a {@link ChildReport}, closes and exits. A JVM of its own per variant, so that the
 * time counts from launch (class loading, JIT warm-up, joining the group) and the CPU time is the
 * variant's alone.
 */
public final class VariantProcess {

    private static final Logger LOG = LoggerFactory.getLogger(VariantProcess.class);
    /** How the child's log line of CPU time by kind of thread starts: the bench copies it to its own log. */
    static final String CPU_BY_THREAD_KIND = "CPU ms by kind of live thread:";
    private static final String CONSUMER_PERFORMANCE = "org.apache.kafka.tools.ConsumerPerformance";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** Kafka Streams names them {@code <application id>-<uuid>-StreamThread-<n>}; their clients' threads add a suffix. */
    private static final Pattern STREAM_THREAD = Pattern.compile(".*-(StreamThread-\\d+)");
    /** {@code "name" #35 daemon prio=5 … nid=0x1b3f runnable}: hexadecimal up to Java 18, decimal after. */
    private static final Pattern THREAD_DUMP_LINE = Pattern.compile("^\"(.*)\" #.* nid=(0x[0-9a-f]+|[0-9]+) ", Pattern.MULTILINE);

    private VariantProcess() {
    }

    public static void main(final String[] args) {
        final ChildSpec spec = ChildSpec.parse(args);
        try {
            switch (spec.kind()) {
                case PROJECT -> runProject(spec);
                case TEXTBOOK -> runTextbook(spec);
                case CONSUMER_PERFORMANCE -> runConsumerPerformance(spec);
            }
        } catch (Exception e) {
            LOG.error("{} {} failed", spec.kind(), spec.applicationId(), e);
            System.exit(1);
        }
        // Exit even if a client library left a non-daemon thread behind: the report is written.
        System.exit(0);
    }

    /** The project's topology exactly as {@code streamavg topology} runs it, through its service class. */
    private static void runProject(final ChildSpec spec) throws Exception {
        final Map<String, String> settings = Map.of(
                KafkaClientSettings.BOOTSTRAP_SERVERS, spec.bootstrapServers(),
                StatsTopologyConfig.APPLICATION_ID, spec.applicationId(),
                StatsTopologyConfig.NUM_STREAM_THREADS, Integer.toString(spec.threads()),
                StatsTopologyConfig.STATE_DIR, spec.stateDir().toString());
        final ColumnStatsSerde json = new ColumnStatsSerde();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TopologyService service = new TopologyService(new StatsTopologyConfig(settings), new ServiceContext(meters, new HttpRoutes()));
             OutputWatcher output = new OutputWatcher(spec.bootstrapServers(), spec.outputTopic(), spec.outputFrom(),
                     value -> json.deserialize(spec.outputTopic(), value).count())) {
            final long start = nowMicros();
            service.start(failure::set);
            output.awaitCounts(spec.columns(), spec.lines(), spec.timeout(), failure::get);
            report(start, service.streams().metrics()).writeTo(spec.report());
        }
    }

    private static void runTextbook(final ChildSpec spec) throws Exception {
        final Properties props = TextbookTopology.properties(spec.applicationId(), spec.bootstrapServers(), spec.threads(), spec.stateDir());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (KafkaStreams streams = new KafkaStreams(TextbookTopology.build(), props);
             OutputWatcher output = new OutputWatcher(spec.bootstrapServers(), spec.outputTopic(), spec.outputFrom(),
                     value -> TextbookTopology.CountSum.SERDE.deserializer().deserialize(spec.outputTopic(), value).count())) {
            streams.setUncaughtExceptionHandler(error -> {
                failure.set(error);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            final long start = nowMicros();
            streams.start();
            output.awaitCounts(spec.columns(), spec.lines(), spec.timeout(), failure::get);
            report(start, streams.metrics()).writeTo(spec.report());
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT));
        }
    }

    /**
     * Kafka's own consumer benchmark, called in this JVM so that its CPU time can be read like the
     * others'. It prints its figures, including the records it read, on standard output, and does
     * not fail when it reads fewer than asked: the copy of its output is checked.
     */
    private static void runConsumerPerformance(final ChildSpec spec) throws Exception {
        final PrintStream original = System.out;
        final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new TeeOutputStream(original, copy), true, StandardCharsets.UTF_8));
        final long start = nowMicros();
        try {
            Class.forName(CONSUMER_PERFORMANCE).getMethod("main", String[].class).invoke(null, (Object) new String[] {
                "--bootstrap-server", spec.bootstrapServers(), "--topic", spec.inputTopic(),
                "--num-records", Long.toString(spec.lines()), "--timeout", "60000"});
        } finally {
            System.setOut(original);
        }
        final ChildReport report = report(start, Map.of());
        final long read = recordsRead(copy.toString(StandardCharsets.UTF_8));
        if (read < spec.lines()) {
            throw new IllegalStateException("ConsumerPerformance read " + read + " records of " + spec.lines());
        }
        report.writeTo(spec.report());
    }

    /** The {@code data.consumed.in.nMsg} figure of ConsumerPerformance's output (a header line, then a line of values). */
    static long recordsRead(final String output) {
        final List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            final List<String> header = List.of(lines.get(i).split(",\\s*"));
            final int column = header.indexOf("data.consumed.in.nMsg");
            if (column >= 0) {
                return Long.parseLong(lines.get(i + 1).split(",\\s*")[column].trim());
            }
        }
        throw new IllegalStateException("no data.consumed.in.nMsg in ConsumerPerformance's output: " + output);
    }

    /** Taken the moment the output is complete, before anything closes. */
    private static ChildReport report(final long processingStartMicros, final Map<MetricName, ? extends Metric> metrics) {
        final long done = nowMicros();
        final long cpu = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        final long gc = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final Map<String, Long> nativeIds = nativeThreadIds();
        final Map<String, Long> streamThreadCpu = new TreeMap<>();
        final Map<String, Long> streamThreadWait = new TreeMap<>();
        for (final ThreadInfo thread : threads.dumpAllThreads(false, false)) {
            final Matcher name = STREAM_THREAD.matcher(thread.getThreadName());
            if (name.matches()) {
                streamThreadCpu.put(name.group(1), threads.getThreadCpuTime(thread.getThreadId()));
                final Long nativeId = nativeIds.get(thread.getThreadName());
                streamThreadWait.put(name.group(1), nativeId == null ? -1 : ProcessSample.threadRunQueueNanos(Path.of("/proc/self/task", nativeId.toString())));
            }
        }
        final Map<String, Long> sent = new TreeMap<>();
        metrics.forEach((name, metric) -> {
            if (name.group().equals("producer-topic-metrics") && name.name().equals("record-send-total")) {
                sent.merge(name.tags().get("topic"), ((Number) metric.metricValue()).longValue(), Long::sum);
            }
        });
        logCpuByThreadKind();
        return new ChildReport(processingStartMicros, done, cpu, gc, ProcessSample.runQueueNanos(Path.of("/proc/self")), streamThreadCpu, streamThreadWait, sent);
    }

    /**
     * Logs the process's CPU time by kind of thread (Linux's thread names, digits dropped: the JIT
     * compilers, the collector, Kafka's network threads…), so that a run shows what besides the
     * stream threads took the cores.
     */
    private static void logCpuByThreadKind() {
        final ThreadCpu threads;
        try {
            threads = ThreadCpu.of(ProcessHandle.current().pid());
        } catch (IOException e) {
            LOG.warn("No CPU time by thread: {}", e.toString());
            return;
        }
        final Map<String, Long> byKind = new TreeMap<>();
        threads.since(new ThreadCpu(Map.of())).forEach(group ->
                byKind.merge(group.name().replaceAll("[0-9]+", "#"), group.cpuNanos(), Long::sum));
        final StringBuilder line = new StringBuilder(CPU_BY_THREAD_KIND);
        byKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                .forEach(entry -> line.append(' ').append(entry.getKey()).append('=').append(entry.getValue() / 1_000_000));
        LOG.info("{}", line);
    }

    /**
     * The operating system's id of each thread, by name, from HotSpot's thread dump: Java 17 has no
     * other way to tell which {@code /proc/self/task/<id>} is which Java thread.
     */
    private static Map<String, Long> nativeThreadIds() {
        final String dump;
        try {
            dump = (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "threadPrint", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            LOG.warn("No thread dump, so no run-queue figures per stream thread: {}", e.toString());
            return Map.of();
        }
        final Map<String, Long> ids = new HashMap<>();
        final Matcher thread = THREAD_DUMP_LINE.matcher(dump);
        while (thread.find()) {
            final String id = thread.group(2);
            ids.put(thread.group(1), id.startsWith("0x") ? Long.parseLong(id.substring(2), 16) : Long.parseLong(id));
        }
        return ids;
    }

    static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
