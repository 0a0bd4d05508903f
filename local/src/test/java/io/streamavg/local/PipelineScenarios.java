package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamavg.runtime.HttpRoutes;
import io.streamavg.runtime.KafkaClientSettings;
import io.streamavg.runtime.ServiceContext;
import io.streamavg.testkit.AveragesDatabase;
import io.streamavg.testkit.DataSet;
import io.streamavg.testkit.Eventually;
import io.streamavg.testkit.LineClients;
import io.streamavg.testkit.TopicContents;
import io.streamavg.topology.StatsTopologyConfig;
import io.streamavg.topology.TopologyService;
import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end scenarios: lines over TCP in, rows in SQLite out, through a real broker. A subclass
 * supplies the pipeline (in-process broker, or a broker in a container) and every scenario runs on
 * each.
 */
@Timeout(180)
abstract class PipelineScenarios {

    /** Relative tolerance against pandas' statistics: the sums are compensated, so only the last bits may differ. */
    static final double RELATIVE = 1e-9;
    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final int CLIENTS = 8;
    /** Tasks of the topology at the default 4 partitions: 4 reading raw-lines, 4 reading the repartitioned partials. */
    static final long TOTAL_TASKS = 8;

    /** A running pipeline: bridge, topology and sink on one broker, writing to one database. */
    interface Pipeline extends AutoCloseable {
        int ingestPort();

        String bootstrapServers();

        /** Lines the bridge has had acknowledged by Kafka so far. */
        long linesPublished();

        @Override
        void close();
    }

    @TempDir
    Path work;

    /**
     * Starts {@code stack} and wraps it as a {@link Pipeline} that fails the test if the stack failed
     * while running; {@code context} is the one the stack was built with, whose meters it reads.
     */
    static Pipeline started(final LocalStack stack, final ServiceContext context) throws Exception {
        final AtomicReference<Throwable> fatal = new AtomicReference<>();
        try {
            stack.start(fatal::set);
        } catch (Exception e) {
            stack.close();
            throw e;
        }
        return new Pipeline() {
            @Override
            public int ingestPort() {
                return stack.ingestPort();
            }

            @Override
            public String bootstrapServers() {
                return stack.bootstrapServers();
            }

            @Override
            public long linesPublished() {
                return (long) context.meters().get("streamavg.bridge.lines.published").counter().count();
            }

            @Override
            public void close() {
                stack.close();
                if (fatal.get() != null) {
                    throw new AssertionError("the stack failed while running", fatal.get());
                }
            }
        };
    }

    /** A fresh context: the meters and routes of one process. */
    static ServiceContext context() {
        return new ServiceContext(new SimpleMeterRegistry(), new HttpRoutes());
    }

    /** The options of a stack under test: free ports, state in {@code dataDir}, rows in {@code db}, then {@code options}. */
    static LocalConfig config(final Path dataDir, final Path db, final Map<String, String> options) {
        final Map<String, String> settings = new HashMap<>(Map.of(
                "port", "0",
                LocalConfig.KAFKA_PORT, "0",
                LocalConfig.DATA_DIR, dataDir.toString(),
                "db", db.toString()));
        settings.putAll(options);
        return new LocalConfig(settings);
    }

    /** Starts a pipeline keeping its state in {@code dataDir} and writing {@code db}; same folders, same state. */
    abstract Pipeline start(Path dataDir, Path db, Map<String, String> options) throws Exception;

    Pipeline start(final Path dataDir, final Path db) throws Exception {
        return start(dataDir, db, Map.of());
    }

    @Test
    void shouldMatchPandasOnIrisSentByEightClientsCuttingLinesAnywhere() throws Exception {
        assertPipelineMatches(DataSet.iris());
    }

    @Test
    void shouldMatchPandasOnWineSentByEightClientsCuttingLinesAnywhere() throws Exception {
        assertPipelineMatches(DataSet.wine());
    }

    /** Iris with its commas replaced: a space (given as is, which Kafka's option parsing would trim) and a tab. */
    @ParameterizedTest(name = "delimiter \"{0}\"")
    @ValueSource(strings = {" ", "\t"})
    void shouldMatchPandasOnIrisDelimitedBySpacesOrTabs(final String delimiter) throws Exception {
        final DataSet iris = DataSet.iris();
        final List<String> lines = iris.lines().stream().map(line -> line.replace(",", delimiter)).toList();
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain(","));

        assertPipelineMatches(iris, lines, Map.of(StatsTopologyConfig.DELIMITER, delimiter));
    }

    private void assertPipelineMatches(final DataSet data) throws Exception {
        assertPipelineMatches(data, data.lines(), Map.of());
    }

    private void assertPipelineMatches(final DataSet data, final List<String> lines, final Map<String, String> options) throws Exception {
        final Path db = work.resolve("averages.db");
        try (Pipeline pipeline = start(work.resolve("data"), db, options)) {
            LineClients.send(pipeline.ingestPort(), lines, CLIENTS, 7);

            Eventually.assertWithin(DEADLINE, () -> assertRowsMatch(db, data));
            assertThat(TopicContents.read(pipeline.bootstrapServers(), Topics.RAW_LINES_DLQ)).isEmpty();
            assertThat(pipeline.linesPublished()).isEqualTo(data.lines().size());
        }
    }

    @Test
    void shouldCountEveryLineExactlyOnceAcrossARestart() throws Exception {
        final DataSet iris = DataSet.iris();
        final List<String> first = iris.lines().subList(0, 100);
        final List<String> rest = iris.lines().subList(100, iris.lines().size());
        final Path dataDir = work.resolve("data");
        final Path db = work.resolve("averages.db");

        try (Pipeline pipeline = start(dataDir, db)) {
            LineClients.send(pipeline.ingestPort(), first, CLIENTS, 11);
            // Stop as soon as Kafka has the lines, whether or not the topology has counted them yet.
            Eventually.assertWithin(DEADLINE, () -> assertThat(pipeline.linesPublished()).isEqualTo(first.size()));
        }
        try (Pipeline pipeline = start(dataDir, db)) {
            LineClients.send(pipeline.ingestPort(), rest, CLIENTS, 13);

            Eventually.assertWithin(DEADLINE, () -> assertRowsMatch(db, iris));
            assertThat(TopicContents.read(pipeline.bootstrapServers(), Topics.RAW_LINES)).hasSize(iris.lines().size());
        }
    }

    @Test
    void shouldSendBadLinesToTheDeadLetterTopicAndCountOnlyTheGoodOnes() throws Exception {
        final Path db = work.resolve("averages.db");
        // The last line is all missing values (pandas' NA tokens): skipped like the empty one, not a bad line.
        final List<String> lines = List.of("1,2,3", "4,x,6", "4,5,6", "\"7,8", "7,8,9", "", "inf,1,1", "NA,null,NaN");
        try (Pipeline pipeline = start(work.resolve("data"), db)) {
            LineClients.send(pipeline.ingestPort(), lines, 3, 17);

            Eventually.assertWithin(DEADLINE, () -> {
                final Map<String, AveragesDatabase.Row> rows = AveragesDatabase.rows(db);
                assertThat(rows).containsOnlyKeys("0", "1", "2");
                assertThat(rows.values()).allSatisfy(row -> assertThat(row.count()).isEqualTo(3));
            });
            final Map<String, AveragesDatabase.Row> rows = AveragesDatabase.rows(db);
            assertThat(rows.get("0").average()).isEqualTo(4.0);
            assertThat(rows.get("1").average()).isEqualTo(5.0);
            assertThat(rows.get("2").average()).isEqualTo(6.0);
            Eventually.assertWithin(DEADLINE, () -> assertThat(
                    TopicContents.read(pipeline.bootstrapServers(), Topics.RAW_LINES_DLQ)).hasSize(3));
            final List<ConsumerRecord<byte[], byte[]>> dead = TopicContents.read(pipeline.bootstrapServers(), Topics.RAW_LINES_DLQ);
            assertThat(dead).extracting(record -> new String(record.value(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("4,x,6", "\"7,8", "inf,1,1");
            assertThat(dead).extracting(record -> DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON))
                    .containsExactlyInAnyOrder("non-numeric", "malformed-quoting", "not-finite");
        }
    }

    @Test
    void shouldShareTheWorkWithASecondTopologyInstanceAndStillCountEveryLineOnce() throws Exception {
        final DataSet wine = DataSet.wine();
        final Path db = work.resolve("averages.db");
        try (Pipeline pipeline = start(work.resolve("data"), db)) {
            final AtomicReference<Throwable> fatal = new AtomicReference<>();
            try (TopologyService second = new TopologyService(new StatsTopologyConfig(Map.of(
                    KafkaClientSettings.BOOTSTRAP_SERVERS, pipeline.bootstrapServers(),
                    StatsTopologyConfig.STATE_DIR, work.resolve("second-instance").toString())), context())) {
                second.start(fatal::set);

                // Both instances in one group: the second holds some of the tasks, not all of them.
                Eventually.assertWithin(DEADLINE, () -> {
                    assertThat(second.readiness().ok()).isTrue();
                    final long tasks = second.streams().metadataForLocalThreads().stream()
                            .mapToLong(thread -> thread.activeTasks().size()).sum();
                    assertThat(tasks).isBetween(1L, TOTAL_TASKS - 1);
                });
                LineClients.send(pipeline.ingestPort(), wine.lines(), CLIENTS, 19);

                Eventually.assertWithin(DEADLINE, () -> assertRowsMatch(db, wine));
            }
            assertThat(fatal.get()).isNull();
        }
    }

    static void assertRowsMatch(final Path db, final DataSet data) {
        final Map<String, AveragesDatabase.Row> rows = AveragesDatabase.rows(db);
        assertThat(rows).containsOnlyKeys(data.columns().keySet());
        data.columns().forEach((column, expected) -> {
            final AveragesDatabase.Row row = rows.get(column);
            assertThat(row.count()).as("sample_count of %s", column).isEqualTo(expected.count());
            assertThat(row.average()).as("average_value of %s", column)
                    .isCloseTo(expected.mean(), within(Math.abs(expected.mean()) * RELATIVE));
            assertThat(row.min()).as("min_value of %s", column).isCloseTo(expected.min(), within(Math.abs(expected.min()) * RELATIVE));
            assertThat(row.max()).as("max_value of %s", column).isCloseTo(expected.max(), within(Math.abs(expected.max()) * RELATIVE));
            assertThat(row.stddev()).as("stddev_value of %s", column)
                    .isCloseTo(expected.stddev(), within(expected.stddev() * RELATIVE));
        });
    }
}
