package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamavg.broker.EmbeddedKafkaBroker;
import io.streamavg.runtime.TopicSetup;
import io.streamavg.testkit.DataSet;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.TopicContents;
import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import io.streamavg.wire.Topics;
import io.streamavg.wire.WindowStats;
import io.streamavg.wire.WindowStatsSerde;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale-out through a crash, as users run it: two instances of one topology application, each a
 * JVM of its own ({@code streamavg topology}), share the 4 partitions of a real broker. While they
 * count, one is killed with SIGKILL (no shutdown hook, no commit, its transaction left open) and
 * started again on the same state folder and HTTP port, while more lines arrive. At the end every
 * column's statistics equal an exact reference computed here, count exactly, and either instance
 * answers for every column over HTTP, the other's included.
 *
 * <p>The run happens once, in {@link #runTwoInstancesThroughAKill()}; each test checks one outcome of it.
 */
@Timeout(600)
class TopologyScaleOutIT {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyScaleOutIT.class);

    private static final int PARTITIONS = 4;
    private static final String APPLICATION_ID = "scale-out";
    /**
     * 450 times each wine line (80,100 lines), evenly, so that the reference of the wine columns can
     * be checked against pandas. The kill lands mid-run by construction (most lines are produced
     * after it), so more lines would only cost time on a busy machine.
     */
    private static final int REPEATS = 450;
    /** Lines in Kafka before the kill; the rest arrive while the killed instance starts again. */
    private static final int BEFORE_KILL = 32_000;
    private static final double RELATIVE = 1e-9;
    /** For a statistic whose exact value is 0, where a relative tolerance would demand bit-exactness. */
    private static final double ABSOLUTE_FLOOR = 1e-12;
    private static final MathContext EXACT_ENOUGH = new MathContext(40);
    /**
     * The topology's default window (1 minute) and grace (10 s). The lines' timestamps span less
     * than the grace around one window boundary: two windows, and however far one partition runs
     * ahead of another (the killed instance's fall behind), no line can ever be late. Placed ten
     * minutes ahead of the clock (the broker accepts up to an hour), so that a window is not closed
     * by wall-clock time during the run either.
     */
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration SPREAD = Duration.ofSeconds(8);

    /**
     * Generous: with six sessions on two cores (load average 46) a child JVM has taken three minutes
     * from launch to RUNNING, and the instances counted a few hundred lines a second.
     */
    private static final Duration START = Duration.ofSeconds(300);
    private static final Duration DEADLINE = Duration.ofSeconds(300);
    /** Where each child JVM's output stays after the run, for diagnosis (the state folders go with the temporary folder). */
    private static final Path LOGS = Path.of("target", "TopologyScaleOutIT");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static EmbeddedKafkaBroker broker;
    private static final List<Instance> INSTANCES = new CopyOnWriteArrayList<>();
    /** Should the test JVM itself be stopped (Ctrl-C, a fork timeout), its children must not outlive it. */
    private static final Thread KILL_INSTANCES = new Thread(() -> INSTANCES.forEach(Instance::destroyForcibly));
    private static ColumnAveragesTail tail;
    private static List<String> lines;
    private static Instant boundary;
    private static Map<String, Exact> reference;
    private static Map<String, Map<Instant, Exact>> windowReference;

    @BeforeAll
    @Timeout(1200)
    static void runTwoInstancesThroughAKill() throws Exception {
        final long began = System.nanoTime();
        Runtime.getRuntime().addShutdownHook(KILL_INSTANCES);
        Files.createDirectories(LOGS);
        try (var old = Files.list(LOGS)) {
            for (final Path log : old.toList()) {
                Files.delete(log);
            }
        }
        final DataSet wine = DataSet.wine();
        lines = IntStream.range(0, wine.lines().size() * REPEATS)
                .mapToObj(i -> wine.lines().get(i % wine.lines().size()) + "," + i).toList();
        boundary = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(10));
        reference = ExactColumns.of(lines).stats();
        windowReference = windowReference(lines);
        assertReferenceAgreesWithPandas(wine);

        broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0);
        final String bootstrap = broker.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            final List<NewTopic> topics = Topics.definitions(PARTITIONS);
            TopicSetup.createMissing(admin, topics, START);
            // Before the first send: producing right after creating the topics can lose batches (KAFKA-15591).
            TopicSetup.awaitServed(admin, topics.stream().map(NewTopic::name).toList(), START);
        }
        // A killed member stays in the group until its session times out, and the rebalance that
        // lets the restarted instance in waits for it: 45 s by default. Not the broker's minimum of
        // 6 s: on overloaded cores members then missed heartbeats and rebalanced for nothing.
        final Path clientSettings = Files.writeString(work.resolve("kafka-client.properties"),
                "session.timeout.ms=10000\nheartbeat.interval.ms=2000\n");
        final Instance first = new Instance("a", bootstrap, clientSettings);
        final Instance second = new Instance("b", bootstrap, clientSettings);
        INSTANCES.addAll(List.of(first, second));
        LOG.info("The instances log to {}", LOGS.toAbsolutePath());
        first.start();
        second.start();
        first.awaitReady();
        second.awaitReady();
        final long ready = System.nanoTime();

        tail = new ColumnAveragesTail(bootstrap);
        final long killed;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            produce(producer, 0, BEFORE_KILL);
            // Mid-run: the instances are counting, and most of the lines are still to come.
            final long seen = Eventually.awaitValue(DEADLINE, "column 0 counted in part", () -> {
                final ColumnStats stats = tail.latest().get("0");
                return stats != null && stats.count() > 0 && stats.count() < lines.size() ? stats.count() : null;
            });
            killed = System.nanoTime();
            first.kill();
            LOG.info("Killed instance a with column 0 at {} of the {} lines produced so far ({} in all)", seen, BEFORE_KILL, lines.size());
            // At once, on the same state folder and port, as a supervisor would; the other instance
            // may take its tasks over meanwhile.
            first.start();
            produce(producer, BEFORE_KILL, lines.size());
        }
        final long produced = System.nanoTime();
        first.awaitReady();
        final long restarted = System.nanoTime();

        final Map<String, Long> counts = reference.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, column -> column.getValue().count()));
        Eventually.assertWithin(DEADLINE, () -> assertThat(tail.latest().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, column -> column.getValue().count())))
                .as("counts on column-averages").isEqualTo(counts));
        final long counted = System.nanoTime();
        LOG.info("Scale-out run: {} ms to both instances ready, {} ms more to the kill, {} ms more to every line produced, "
                        + "{} ms more to the restarted instance ready, {} ms more until every column counted every line; {} ms in all",
                millis(ready - began), millis(killed - ready), millis(produced - killed), millis(restarted - produced),
                millis(counted - restarted), millis(counted - began));
    }

    @AfterAll
    static void stop() throws Exception {
        // The child JVMs first, whatever happened: nothing else stops them.
        for (final Instance instance : INSTANCES) {
            instance.close();
        }
        Runtime.getRuntime().removeShutdownHook(KILL_INSTANCES);
        if (tail != null) {
            tail.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldCountEveryLineExactlyOnceThroughTheKill() {
        final Map<String, ColumnStats> published = tail.latest();
        assertThat(published).containsOnlyKeys(reference.keySet());
        reference.forEach((column, exact) -> assertMatches("column-averages, column " + column, published.get(column), exact));
    }

    @Test
    void shouldHoldEveryLineOnceAndDeadLetterNone() {
        final String bootstrap = broker.bootstrapServers();
        // Each line in raw-lines once (the idempotent producer retried nothing into a duplicate), so the counts above mean something.
        assertThat(TopicContents.endOffsets(bootstrap, Topics.RAW_LINES).values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(lines.size());
        assertThat(TopicContents.read(bootstrap, Topics.RAW_LINES_DLQ)).isEmpty();
    }

    @Test
    void shouldAnswerEveryColumnFromEitherInstance() {
        final Map<String, ColumnStats> published = tail.latest();
        for (final Instance instance : INSTANCES) {
            final List<ColumnStats> all = jsonArray(instance.answer("/averages"), new ColumnStatsSerde());
            assertThat(all).as("GET /averages of instance %s", instance.name).extracting(ColumnStats::column)
                    .containsExactlyElementsOf(columnsInOrder());
            for (final ColumnStats stats : all) {
                assertMatches("GET /averages of instance " + instance.name + ", column " + stats.column(), stats,
                        reference.get(stats.column()));
                assertThat(stats).as("GET /averages of instance %s against column-averages", instance.name)
                        .isEqualTo(published.get(stats.column()));
                final HttpResponse<String> one = instance.answer("/averages/" + stats.column());
                assertThat(one.statusCode()).as("GET /averages/%s of instance %s: %s", stats.column(), instance.name, one.body())
                        .isEqualTo(200);
                assertThat(json(one.body(), new ColumnStatsSerde())).isEqualTo(stats);
            }
        }
    }

    @Test
    void shouldAnswerEveryWindowOfEveryColumnFromEitherInstance() {
        for (final Instance instance : INSTANCES) {
            for (final String column : columnsInOrder()) {
                final HttpResponse<String> answer = instance.answer(windowsPath(column));
                final String what = "GET " + windowsPath(column) + " of instance " + instance.name;
                assertThat(answer.statusCode()).as("%s: %s", what, answer.body()).isEqualTo(200);
                assertWindowsMatch(what, jsonArray(answer, new WindowStatsSerde()), windowReference.get(column));
            }
        }
    }

    /** Every window of one column, in time order, each with the reference's statistics of the lines stamped in it. */
    private static void assertWindowsMatch(final String what, final List<WindowStats> answer, final Map<Instant, Exact> expected) {
        assertThat(answer).as(what).extracting(WindowStats::windowStart).containsExactlyElementsOf(expected.keySet());
        for (final WindowStats window : answer) {
            final String which = what + ", window " + window.windowStart();
            assertThat(window.windowEnd()).as(which).isEqualTo(window.windowStart().plus(WINDOW));
            assertMatches(which, new ColumnStats(window.column(), window.count(), window.sum(), window.mean(), window.min(),
                    window.max(), window.stddev()), expected.get(window.windowStart()));
        }
    }

    /** The count exactly; min and max exactly too (they are values of the lines, never computed); the rest within 1e-9 relative. */
    private static void assertMatches(final String what, final ColumnStats actual, final Exact expected) {
        assertThat(actual).as(what).isNotNull();
        assertThat(actual.count()).as("%s: count", what).isEqualTo(expected.count());
        assertThat(actual.min()).as("%s: min", what).isEqualTo(expected.min());
        assertThat(actual.max()).as("%s: max", what).isEqualTo(expected.max());
        assertThat(actual.sum()).as("%s: sum", what).isCloseTo(expected.sum(), tolerance(expected.sum()));
        assertThat(actual.mean()).as("%s: mean", what).isCloseTo(expected.mean(), tolerance(expected.mean()));
        assertThat(actual.stddev()).as("%s: stddev", what).isCloseTo(expected.stddev(), tolerance(expected.stddev()));
    }

    private static Offset<Double> tolerance(final double expected) {
        return within(Math.max(Math.abs(expected) * RELATIVE, ABSOLUTE_FLOOR));
    }

    /** The wine columns repeat pandas' data set evenly: the reference must give pandas' statistics for them. */
    private static void assertReferenceAgreesWithPandas(final DataSet wine) {
        wine.columns().forEach((column, pandas) -> {
            final Exact exact = reference.get(column);
            assertThat(exact.count()).as("reference count of %s", column).isEqualTo(pandas.count() * REPEATS);
            assertThat(exact.mean()).as("reference mean of %s", column).isCloseTo(pandas.mean(), tolerance(pandas.mean()));
            assertThat(exact.stddev()).as("reference stddev of %s", column).isCloseTo(pandas.stddev(), tolerance(pandas.stddev()));
        });
    }

    /** Line {@code i} goes to partition {@code i % 4}, stamped within {@link #SPREAD} around the window boundary, in order. */
    private static void produce(final KafkaProducer<byte[], byte[]> producer, final int from, final int to) {
        final AtomicReference<Exception> failed = new AtomicReference<>();
        final AtomicInteger acknowledged = new AtomicInteger();
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(Topics.RAW_LINES, i % PARTITIONS, timestamp(i).toEpochMilli(), null,
                    lines.get(i).getBytes(StandardCharsets.UTF_8)), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.incrementAndGet();
                        } else {
                            failed.compareAndSet(null, error);
                        }
                    });
        }
        producer.flush(); // returns once every send above has completed and its callback has run
        assertThat(failed.get()).as("a failed send").isNull();
        assertThat(acknowledged.get()).as("lines acknowledged").isEqualTo(to - from);
    }

    private static Instant timestamp(final int line) {
        return boundary.minus(SPREAD.dividedBy(2)).plusMillis(line * SPREAD.toMillis() / lines.size());
    }

    /** Per column, per window start, the exact statistics of the lines stamped in that window. */
    private static Map<String, Map<Instant, Exact>> windowReference(final List<String> all) {
        final Map<Instant, List<String>> byWindow = new TreeMap<>();
        for (int i = 0; i < all.size(); i++) {
            final long stamp = timestamp(i).toEpochMilli();
            byWindow.computeIfAbsent(Instant.ofEpochMilli(stamp - Math.floorMod(stamp, WINDOW.toMillis())), start -> new ArrayList<>())
                    .add(all.get(i));
        }
        assertThat(byWindow).as("windows of the data").hasSize(2);
        final Map<String, Map<Instant, Exact>> columns = new TreeMap<>();
        byWindow.forEach((start, inWindow) -> ExactColumns.of(inWindow).stats()
                .forEach((column, exact) -> columns.computeIfAbsent(column, c -> new TreeMap<>()).put(start, exact)));
        columns.forEach((column, windows) -> assertThat(windows.values().stream().mapToLong(Exact::count).sum())
                .as("lines of column %s over its windows", column).isEqualTo(reference.get(column).count()));
        return columns;
    }

    private static String windowsPath(final String column) {
        return "/windows/" + column + "?from=" + boundary.minus(WINDOW) + "&to=" + boundary.plus(WINDOW);
    }

    /** The columns by position, as the topology orders them: "2" before "10". */
    private static List<String> columnsInOrder() {
        return reference.keySet().stream().sorted(Comparator.comparingInt(Integer::parseInt)).toList();
    }

    /** A 200 answer's JSON array, each element read by the wire's own deserializer, as every reader of the pipeline's JSON does. */
    private static <T> List<T> jsonArray(final HttpResponse<String> answer, final Deserializer<T> elements) {
        assertThat(answer.statusCode()).as("%s: %s", answer.uri(), answer.body()).isEqualTo(200);
        try {
            final JsonNode array = JSON.readTree(answer.body());
            assertThat(array.isArray()).as("a JSON array from %s: %s", answer.uri(), answer.body()).isTrue();
            final List<T> values = new ArrayList<>();
            for (final JsonNode element : array) {
                values.add(json(JSON.writeValueAsString(element), elements));
            }
            return values;
        } catch (IOException e) {
            throw new AssertionError("not JSON from " + answer.uri() + ": " + answer.body(), e);
        }
    }

    private static <T> T json(final String text, final Deserializer<T> deserializer) {
        return deserializer.deserialize(Topics.COLUMN_AVERAGES, text.getBytes(StandardCharsets.UTF_8));
    }

    private static long millis(final long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }

    /**
     * One topology instance of the application as a child JVM, {@code streamavg topology}, with a
     * state folder and an HTTP port of its own that it keeps when started again (as a pod of a
     * StatefulSet would); each start logs to a file of its own in {@link #LOGS}.
     */
    private static final class Instance implements AutoCloseable {

        final String name;
        private final String bootstrap;
        private final Path clientSettings;
        private final Path dir;
        private final int httpPort = EmbeddedKafkaBroker.freePort();
        private final List<LocalProcess> runs = new CopyOnWriteArrayList<>();

        Instance(final String name, final String bootstrap, final Path clientSettings) throws IOException {
            this.name = name;
            this.bootstrap = bootstrap;
            this.clientSettings = clientSettings;
            this.dir = Files.createDirectories(work.resolve(name));
        }

        void start() throws IOException {
            runs.add(LocalProcess.start(dir, LOGS.resolve(name + "-" + (runs.size() + 1) + ".log"), "topology",
                    "--bootstrap-servers", bootstrap,
                    "--application-id", APPLICATION_ID,
                    "--partitions", String.valueOf(PARTITIONS),
                    "--state-dir", dir.resolve("state").toString(),
                    "--bind-address", "127.0.0.1",
                    "--http-port", String.valueOf(httpPort),
                    // Fewer, larger transactions: each exactly-once commit ends one on every partition
                    // it wrote to. At the default 100 ms, with six sessions on two cores (load average
                    // 35-45), the instances counted a few hundred lines a second; 1000 ms was not
                    // measured apart from the smaller data set it came with.
                    "--commit-interval", "1000",
                    "--kafka-config", clientSettings.toString()));
        }

        void awaitReady() {
            current().awaitReady(START);
        }

        void kill() throws InterruptedException {
            current().kill();
        }

        /** The answer to {@code GET path}, asked again while it is a 503 (the stores moving or restoring), as its Retry-After invites. */
        HttpResponse<String> answer(final String path) {
            final AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
            Eventually.assertWithin(DEADLINE, () -> {
                final HttpResponse<String> now = current().get(path);
                assertThat(now.statusCode()).as("GET %s of instance %s: %s", path, name, now.body()).isNotEqualTo(503);
                answer.set(now);
            });
            return answer.get();
        }

        private LocalProcess current() {
            return runs.get(runs.size() - 1);
        }

        /** SIGKILL to every run still alive, without waiting: what a shutdown hook can still do. */
        void destroyForcibly() {
            runs.forEach(run -> run.process().destroyForcibly());
        }

        @Override
        public void close() throws InterruptedException {
            for (final LocalProcess run : runs) {
                run.close();
            }
        }
    }

    /** The exact statistics of one column: the double nearest to each, from exact decimal arithmetic. */
    private record Exact(long count, double sum, double mean, double min, double max, double stddev) {
    }

    /**
     * How often each cell text occurs in each column: the repeated data set has few distinct values
     * per column, so exact (BigDecimal) statistics of a hundred thousand lines cost little.
     */
    private record ExactColumns(Map<String, Map<String, Long>> occurrences) {

        static ExactColumns of(final List<String> lines) {
            final Map<String, Map<String, Long>> occurrences = new HashMap<>();
            for (final String line : lines) {
                final String[] cells = line.split(",", -1);
                for (int c = 0; c < cells.length; c++) {
                    occurrences.computeIfAbsent(String.valueOf(c), column -> new HashMap<>()).merge(cells[c], 1L, Long::sum);
                }
            }
            return new ExactColumns(occurrences);
        }

        Map<String, Exact> stats() {
            return occurrences.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, column -> exact(column.getValue()),
                    (a, b) -> a, TreeMap::new));
        }

        /** Of the values the topology reads (each cell's nearest double), exactly; rounded once at the end. */
        private static Exact exact(final Map<String, Long> values) {
            long count = 0;
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal squares = BigDecimal.ZERO;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (final Map.Entry<String, Long> value : values.entrySet()) {
                final double number = Double.parseDouble(value.getKey());
                final BigDecimal exact = new BigDecimal(number);
                final BigDecimal times = BigDecimal.valueOf(value.getValue());
                count += value.getValue();
                sum = sum.add(exact.multiply(times));
                squares = squares.add(exact.multiply(exact).multiply(times));
                min = Math.min(min, number);
                max = Math.max(max, number);
            }
            final BigDecimal n = BigDecimal.valueOf(count);
            // Population variance, (n·Σx² − (Σx)²) / n², exact until the division.
            final BigDecimal variance = n.multiply(squares).subtract(sum.multiply(sum)).divide(n.multiply(n), EXACT_ENOUGH);
            return new Exact(count, sum.doubleValue(), sum.divide(n, EXACT_ENOUGH).doubleValue(), min, max,
                    variance.sqrt(EXACT_ENOUGH).doubleValue());
        }
    }

    /**
     * The latest statistics of each column on column-averages as a {@code read_committed} consumer
     * (the sink) sees them; each call reads on from where the last one stopped to the current end.
     */
    private static final class ColumnAveragesTail implements AutoCloseable {

        private static final Duration TO_END = Duration.ofSeconds(30);

        private final KafkaConsumer<String, ColumnStats> consumer;
        private final Map<String, ColumnStats> latest = new HashMap<>();

        ColumnAveragesTail(final String bootstrap) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ColumnStatsSerde());
            final List<TopicPartition> partitions = consumer.partitionsFor(Topics.COLUMN_AVERAGES).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        synchronized Map<String, ColumnStats> latest() {
            final Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            final long deadline = System.nanoTime() + TO_END.toNanos();
            while (end.entrySet().stream().anyMatch(partition -> consumer.position(partition.getKey()) < partition.getValue())) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("column-averages not read to its end " + end + " within " + TO_END);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(update -> latest.put(update.key(), update.value()));
            }
            return Map.copyOf(latest);
        }

        @Override
        public synchronized void close() {
            consumer.close();
        }
    }
}
