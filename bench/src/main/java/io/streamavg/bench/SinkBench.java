package io.streamavg.bench;

import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.cli.Streamavg;
import io.streamavg.runtime.CommandLine;
import io.streamavg.runtime.ServiceRunner;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.runtime.Version;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import io.streamavg.wire.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * {@code streamavg bench sink}: preloads {@code column-averages} with statistics updates, then times
 * the sink as {@code streamavg sink} runs it, in a JVM of its own, from its launch until the SQLite
 * file holds the last value of every key; and beside it, on the first updates of the same topic,
 * the naive way ({@link NaiveSinkProcess}).
 */
final class SinkBench {

    static final String USAGE = "streamavg bench sink [options]";
    static final String SUMMARY = """
            Preloads --updates statistics updates over --keys columns into column-averages (the topology's JSON), then \
            times the sink as 'streamavg sink' runs it, in a JVM of its own, from its launch until SQLite holds the last \
            value of every column, and checks every row and the stored offsets; then the naive way (one INSERT OR \
            REPLACE and one commit per update, as the original design wrote) on the first --naive-updates. Prints a \
            Markdown table on standard output (progress goes to standard error).""";

    private static final Logger LOG = LoggerFactory.getLogger(SinkBench.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);
    /** Twenty polls: a shorter writing (all in the first batches) gives no rate from the first write. */
    private static final Duration MIN_WRITING = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final SinkBenchConfig config;
    private final String command;
    private final PrintStream out;
    private final Path work;
    private final String runId = Long.toString(Instant.now().getEpochSecond(), 36);
    /** The sink's recording and the window to summarise, with --jfr. */
    private Profile profile;

    private record Profile(Path recording, long fromMicros, long toMicros) {
    }

    /**
     * One way's figures.
     *
     * @param firstWriteMicros when its first write was seen (the sink's: by the bench's reader)
     * @param cpuNanos         CPU time of its JVM from start to the end of the run
     */
    record Run(String label, long updates, long launchMicros, long firstWriteMicros, long doneMicros, long cpuNanos) {

        double secondsFromLaunch() {
            return (doneMicros - launchMicros) / 1e6;
        }

        double secondsFromFirstWrite() {
            return (doneMicros - firstWriteMicros) / 1e6;
        }

        double rateFromLaunch() {
            return updates / secondsFromLaunch();
        }

        double rateFromFirstWrite() {
            return updates / secondsFromFirstWrite();
        }

        /** Whether the writing took long enough beside the bench's 50 ms polls of the file for a rate to mean something. */
        boolean measurableFromFirstWrite() {
            return secondsFromFirstWrite() >= MIN_WRITING.toMillis() / 1e3;
        }
    }

    private SinkBench(final SinkBenchConfig config, final String command, final PrintStream out, final Path work) {
        this.config = config;
        this.command = command;
        this.out = out;
        this.work = work;
    }

    /** {@code streamavg bench sink OPTIONS}: the exit code, as {@link Bench#run}'s. */
    static int run(final List<String> options, final Map<String, String> env, final PrintStream out, final PrintStream err) {
        if (CommandLine.wantsHelp(options)) {
            out.print(CommandLine.help(USAGE, SUMMARY, SinkBenchConfig.DEFINITION));
            return 0;
        }
        if (options.contains("--version")) {
            out.println("streamavg " + Version.current());
            return 0;
        }
        final SinkBenchConfig config;
        try {
            config = new SinkBenchConfig(CommandLine.parse(SinkBenchConfig.DEFINITION, options,
                    Bench.ownVariables(SinkBenchConfig.DEFINITION, env)));
        } catch (ConfigException e) {
            err.println("streamavg bench: " + CommandLine.explain(e, options, env));
            err.println("Run 'streamavg bench sink --help' for the options.");
            return ServiceRunner.EXIT_BAD_OPTIONS;
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("streamavg-bench-sink-");
            new SinkBench(config, "streamavg bench sink" + (options.isEmpty() ? "" : " " + String.join(" ", options)), out, work)
                    .execute();
            TopologyBench.delete(work);
            return 0;
        } catch (Exception e) {
            LOG.debug("The bench failed", e);
            err.println("streamavg bench: " + e.getMessage() + (work == null ? "" : "\n(logs and files kept in " + work + ")"));
            return ServiceRunner.EXIT_FAILED;
        }
    }

    private void execute() throws Exception {
        final String machine = TopologyBench.machine();
        final String loadBefore = loadAverage();
        LOG.info("{}", machine);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("broker"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicSetup.createMissing(admin, Topics.definitions(config.partitions()), TOPIC_TIMEOUT);
            // Before the first send, as the producer pitfall KAFKA-15591 requires.
            TopicSetup.awaitServed(admin, List.of(Topics.COLUMN_AVERAGES), TOPIC_TIMEOUT);
            final Map<String, ColumnStats> last = preload(broker.bootstrapServers());
            final Map<Integer, Long> ends = TopologyBench.endOffsets(admin, Topics.COLUMN_AVERAGES);
            if (ends.values().stream().mapToLong(Long::longValue).sum() != config.updates()) {
                throw new IllegalStateException(Topics.COLUMN_AVERAGES + " ends at " + ends + " after preloading " + config.updates());
            }
            final List<Run> runs = new ArrayList<>();
            runs.add(runSink(broker.bootstrapServers(), last, ends));
            if (config.naiveUpdates() > 0) {
                runs.add(runNaive(broker.bootstrapServers()));
            }
            print(machine, loadBefore, loadAverage(), runs);
        }
    }

    /**
     * Sends the updates, key {@code i % keys} at the i-th, each the statistics of that column after
     * one more random value, as the topology would publish them; returns each column's last.
     */
    private Map<String, ColumnStats> preload(final String bootstrap) {
        final int keys = config.keys();
        final long[] counts = new long[keys];
        final double[] sums = new double[keys];
        final double[] means = new double[keys];
        final double[] m2 = new double[keys];
        final double[] mins = new double[keys];
        final double[] maxs = new double[keys];
        final Map<String, ColumnStats> last = new HashMap<>();
        final Random random = new Random(config.seed());
        final ColumnStatsSerde serde = new ColumnStatsSerde();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        LOG.info("Preloading {} updates over {} columns into {} ({} partitions)", config.updates(), keys, Topics.COLUMN_AVERAGES,
                config.partitions());
        final long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.CLIENT_ID_CONFIG, "bench-preload"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < config.updates() && failed.get() == 0; i++) {
                final int k = (int) (i % keys);
                final double value = Math.round((random.nextDouble() * 2000 - 1000) * 1000) / 1000.0;
                // Welford's update, as the topology keeps its statistics.
                counts[k]++;
                sums[k] += value;
                final double delta = value - means[k];
                means[k] += delta / counts[k];
                m2[k] += delta * (value - means[k]);
                mins[k] = counts[k] == 1 ? value : Math.min(mins[k], value);
                maxs[k] = counts[k] == 1 ? value : Math.max(maxs[k], value);
                final String column = column(k);
                final ColumnStats stats = new ColumnStats(column, counts[k], sums[k], means[k], mins[k], maxs[k], Math.sqrt(m2[k] / counts[k]));
                last.put(column, stats);
                producer.send(new ProducerRecord<>(Topics.COLUMN_AVERAGES, column.getBytes(StandardCharsets.UTF_8),
                        serde.serialize(Topics.COLUMN_AVERAGES, stats)), (metadata, error) -> {
                            if (error != null && failed.getAndIncrement() == 0) {
                                firstFailure.set(error);
                            }
                        });
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " preloaded updates were not acknowledged; the first: " + firstFailure.get(),
                    firstFailure.get());
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("Preloaded {} updates in {} s", config.updates(), String.format(Locale.ROOT, "%.1f", seconds));
        return last;
    }

    private static String column(final int key) {
        return String.format(Locale.ROOT, "c%05d", key);
    }

    /** The sink as {@code streamavg sink} runs it, timed from its JVM's launch until every column holds its last count. */
    private Run runSink(final String bootstrap, final Map<String, ColumnStats> last, final Map<Integer, Long> ends) throws Exception {
        final Path db = work.resolve("processed_data.db");
        final int httpPort = EmbeddedKafkaBroker.freePort();
        final List<String> jvmOptions = new ArrayList<>();
        final Optional<Path> recording = config.jfrDir().map(dir -> dir.resolve("sink.jfr"));
        if (recording.isPresent()) {
            Files.createDirectories(recording.get().getParent());
            jvmOptions.add("-XX:StartFlightRecording=filename=" + recording.get() + ",settings=profile,dumponexit=true");
        }
        final long perKey = config.updates() / config.keys();
        LOG.info("Running the sink on {} updates", config.updates());
        final long launch = VariantProcess.nowMicros();
        final List<String> args = new ArrayList<>(List.of("sink", "--bootstrap-servers", bootstrap, "--db", db.toString(),
                "--group-id", "bench-sink-" + runId, "--http-port", Integer.toString(httpPort), "--bind-address", "127.0.0.1"));
        config.sinkKafkaConfig().ifPresent(file -> args.addAll(List.of("--kafka-config", file.toString())));
        try (ChildJvm sink = ChildJvm.launch("sink", jvmOptions, Streamavg.class.getName(), args, work)) {
            final Instant deadline = Instant.now().plus(config.timeout());
            long firstWrite = 0;
            long complete = 0;
            while (complete < config.keys()) {
                sink.checkAlive();
                if (Instant.now().isAfter(deadline)) {
                    throw new TimeoutException("the sink did not write every column's last value within " + config.timeout()
                            + " (" + complete + " of " + config.keys() + "); its log " + sink.log() + " ends:\n" + sink.tail());
                }
                Thread.sleep(POLL.toMillis()); // polling a file another process writes
                final long[] rows = rowsAndComplete(db, perKey);
                if (firstWrite == 0 && rows[0] > 0) {
                    firstWrite = VariantProcess.nowMicros();
                }
                complete = rows[1];
            }
            final long done = VariantProcess.nowMicros();
            final ProcessSample sample = sink.sample();
            final double consumed = metric(httpPort, "streamavg_sink_batch_records_sum");
            check(db, last, ends);
            LOG.info("The sink wrote every column's last value {} s after launch, having read {} records",
                    String.format(Locale.ROOT, "%.1f", (done - launch) / 1e6), String.format(Locale.ROOT, "%,.0f", consumed));
            if (consumed != config.updates()) {
                throw new IllegalStateException("the sink read " + consumed + " records, not the " + config.updates() + " preloaded");
            }
            sink.stop();
            if (recording.isPresent()) {
                // Dumped when the JVM exited.
                profile = new Profile(recording.get(), firstWrite, done);
            }
            return new Run("streamavg sink (`SqliteSink`: one transaction per polled batch, upserts)", config.updates(), launch,
                    firstWrite, done, sample.cpuNanos());
        }
    }

    /** Rows in the table, and rows at their last count; zeros while the sink has not made the file or table yet. */
    private static long[] rowsAndComplete(final Path db, final long lastCount) throws SQLException {
        if (!Files.exists(db)) {
            return new long[] {0, 0};
        }
        final SQLiteConfig readOnly = new SQLiteConfig();
        readOnly.setReadOnly(true);
        try (Connection connection = readOnly.createConnection("jdbc:sqlite:" + db.toAbsolutePath());
             PreparedStatement query = connection.prepareStatement(
                     "SELECT count(*), coalesce(sum(sample_count = ?), 0) FROM averages")) {
            query.setLong(1, lastCount);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return new long[] {result.getLong(1), result.getLong(2)};
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && (e.getMessage().contains("no such table") || e.getMessage().contains("no such column"))) {
                return new long[] {0, 0};
            }
            throw e;
        }
    }

    /** Every row equal to its column's last statistics, and the stored offsets equal to the topic's end offsets. */
    private static void check(final Path db, final Map<String, ColumnStats> last, final Map<Integer, Long> ends) throws SQLException {
        final SQLiteConfig readOnly = new SQLiteConfig();
        readOnly.setReadOnly(true);
        try (Connection connection = readOnly.createConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
            int rows = 0;
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT column_name, average_value, sample_count, sum_value, min_value, max_value, stddev_value FROM averages");
                 ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows++;
                    final ColumnStats expected = last.get(result.getString(1));
                    final ColumnStats actual = new ColumnStats(result.getString(1), result.getLong(3), result.getDouble(4),
                            result.getDouble(2), result.getDouble(5), result.getDouble(6), result.getDouble(7));
                    if (!actual.equals(expected)) {
                        throw new IllegalStateException("row " + actual + " is not the last update " + expected);
                    }
                }
            }
            if (rows != last.size()) {
                throw new IllegalStateException("the table holds " + rows + " rows, not " + last.size());
            }
            final Map<Integer, Long> stored = new HashMap<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT partition, next_offset FROM sink_offsets WHERE topic = ?")) {
                query.setString(1, Topics.COLUMN_AVERAGES);
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        stored.put(result.getInt(1), result.getLong(2));
                    }
                }
            }
            if (!stored.equals(ends)) {
                throw new IllegalStateException("the stored offsets " + stored + " are not the end offsets " + ends);
            }
        }
    }

    private static double metric(final int httpPort, final String name) throws IOException, InterruptedException {
        final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body().lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private Run runNaive(final String bootstrap) throws Exception {
        LOG.info("Running the naive way on the first {} updates", config.naiveUpdates());
        final Path report = work.resolve("naive.report");
        final long launch = VariantProcess.nowMicros();
        try (ChildJvm naive = ChildJvm.launch("naive", NaiveSinkProcess.class.getName(), List.of(bootstrap, Topics.COLUMN_AVERAGES,
                work.resolve("naive.db").toString(), Long.toString(config.naiveUpdates()), report.toString(),
                Long.toString(config.timeout().toSeconds())), work)) {
            naive.awaitExit(Instant.now().plus(config.timeout()).plusSeconds(30));
        }
        final ChildOutcome outcome = ChildOutcome.readFrom(report);
        LOG.info("The naive way wrote {} updates in {} s after its first", outcome.records(),
                String.format(Locale.ROOT, "%.1f", (outcome.endMicros() - outcome.startMicros()) / 1e6));
        return new Run("naive: one `INSERT OR REPLACE` into the two-column table and one commit per update", outcome.records(),
                launch, outcome.startMicros(), outcome.endMicros(), outcome.process().cpuNanos());
    }

    private void print(final String machine, final String loadBefore, final String loadAfter, final List<Run> runs) {
        out.println("### streamavg bench sink, " + Instant.now().atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES));
        out.println();
        out.println("`" + command + "`: " + String.format(Locale.ROOT, "%,d", config.updates()) + " updates of "
                + String.format(Locale.ROOT, "%,d", config.keys()) + " columns in " + Topics.COLUMN_AVERAGES + " ("
                + config.partitions() + " partitions), in-process broker; each way in its own JVM. " + machine
                + " Load average (1, 5, 15 min) before: " + loadBefore + "; after: " + loadAfter + ".");
        out.println();
        out.print(table(runs));
        if (profile != null) {
            out.println();
            out.println("#### Profile of the sink (" + profile.recording() + ")");
            out.println();
            try {
                out.print(SinkProfile.read(profile.recording(), profile.fromMicros(), profile.toMicros()).markdown(config.updates()));
            } catch (IOException e) {
                out.println("(cannot read the recording: " + e.getMessage() + ")");
            }
        }
        out.flush();
    }

    static String table(final List<Run> runs) {
        final StringBuilder table = new StringBuilder(
                "| way | updates | s from launch | updates/s from launch | s from first write | updates/s from first write | CPU s | CPU µs / update |\n"
                + "|---|--:|--:|--:|--:|--:|--:|--:|\n");
        for (final Run run : runs) {
            table.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %,.0f | %.1f | %s | %.1f | %.1f |%n", run.label(), run.updates(),
                    run.secondsFromLaunch(), run.rateFromLaunch(), run.secondsFromFirstWrite(),
                    run.measurableFromFirstWrite() ? String.format(Locale.ROOT, "%,.0f", run.rateFromFirstWrite()) : "–",
                    run.cpuNanos() / 1e9, run.cpuNanos() / 1e3 / run.updates()));
        }
        if (runs.size() == 2) {
            final Run sink = runs.get(0);
            final Run naive = runs.get(1);
            table.append(String.format(Locale.ROOT, "%nThe sink ÷ the naive way: %.0f× in updates/s from launch, %s from the first write;"
                            + " %.0f× less CPU per update.%n", sink.rateFromLaunch() / naive.rateFromLaunch(),
                    sink.measurableFromFirstWrite() && naive.measurableFromFirstWrite()
                            ? String.format(Locale.ROOT, "%.0f×", sink.rateFromFirstWrite() / naive.rateFromFirstWrite()) : "–",
                    (naive.cpuNanos() / (double) naive.updates()) / (sink.cpuNanos() / (double) sink.updates())));
        }
        return table.toString();
    }

    /** The 1, 5 and 15 minute load averages, as {@code uptime} shows them. */
    private static String loadAverage() {
        try {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
