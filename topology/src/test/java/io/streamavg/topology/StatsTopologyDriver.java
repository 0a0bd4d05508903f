package io.streamavg.topology;

import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.ColumnStatsSerde;
import io.streamavg.wire.Topics;
import io.streamavg.wire.WindowKey;
import io.streamavg.wire.WindowKeySerde;
import io.streamavg.wire.WindowStats;
import io.streamavg.wire.WindowStatsSerde;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The production topology and Streams settings under {@link TopologyTestDriver}, fed raw lines. */
final class StatsTopologyDriver implements AutoCloseable {

    private final StatsTopologyConfig config;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> rawLines;
    private final TestOutputTopic<String, byte[]> averages;
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private final TestOutputTopic<WindowKey, WindowStats> windowAverages;
    private final Map<WindowKey, WindowStats> latestWindows = new HashMap<>();
    private final ColumnStatsSerde serde = new ColumnStatsSerde();
    private final Map<String, byte[]> latest = new HashMap<>();
    private Instant now = Instant.parse("2026-11-24T12:00:00Z");

    StatsTopologyDriver(final Path stateDir, final Map<String, String> options) {
        this(stateDir, options, UnaryOperator.identity());
    }

    /** With each task's parser wrapped by {@code parsing}, e.g. to make it throw on a chosen line. */
    StatsTopologyDriver(final Path stateDir, final Map<String, String> options,
                        final UnaryOperator<Function<byte[], ParsedLine>> parsing) {
        final Map<String, String> settings = new HashMap<>(options);
        settings.put("bootstrap-servers", "never-contacted:9092");
        settings.put(StatsTopologyConfig.STATE_DIR, stateDir.toString());
        config = new StatsTopologyConfig(settings);
        final TopologyMeters topologyMeters = new TopologyMeters(meters);
        final Properties props = config.streamsProperties();
        props.put(DeadLetterOnError.METERS_CONFIG, topologyMeters);
        driver = new TopologyTestDriver(StatsTopology.build(config, topologyMeters, parsing), props, now);
        rawLines = driver.createInputTopic(Topics.RAW_LINES, new ByteArraySerializer(), new ByteArraySerializer());
        averages = driver.createOutputTopic(Topics.COLUMN_AVERAGES, new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(Topics.RAW_LINES_DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        windowAverages = driver.createOutputTopic(Topics.WINDOW_AVERAGES, new WindowKeySerde(), new WindowStatsSerde());
    }

    /** Pipes each line as one raw record, then lets one commit interval pass so partials are flushed. */
    StatsTopologyDriver send(final String... lines) {
        for (final String line : lines) {
            sendBytes(line.getBytes(StandardCharsets.UTF_8));
        }
        return flush();
    }

    StatsTopologyDriver send(final List<String> lines) {
        return send(lines.toArray(String[]::new));
    }

    StatsTopologyDriver sendBytes(final byte[] line) {
        now = now.plusMillis(1);
        rawLines.pipeInput(new TestRecord<>(null, line, now));
        return this;
    }

    /** Pipes one line with record timestamp {@code timestamp} (the bridge's receipt time), and the headers given. */
    StatsTopologyDriver sendAt(final Instant timestamp, final String line, final Headers headers) {
        rawLines.pipeInput(new TestRecord<>(null, line.getBytes(StandardCharsets.UTF_8), headers, timestamp));
        return this;
    }

    StatsTopologyDriver sendAt(final Instant timestamp, final String line) {
        return sendAt(timestamp, line, new RecordHeaders());
    }

    /** The latest statistics per column and window published on window-averages so far. */
    Map<WindowKey, WindowStats> windowAverages() {
        windowAverages.readKeyValuesToList().forEach(update -> latestWindows.put(update.key, update.value));
        return Map.copyOf(latestWindows);
    }

    /**
     * A commit interval later, on the wall clock and for the next records' timestamps. The driver
     * commits after every record, and each commit already forwards the partials of its lines: this
     * moves time on, as a running topology's commits would.
     */
    StatsTopologyDriver flush() {
        final Duration interval = config.commitInterval();
        now = now.plus(interval);
        driver.advanceWallClockTime(interval);
        return this;
    }

    /** The latest statistics per column published on column-averages so far. */
    Map<String, ColumnStats> averages() {
        final Map<String, ColumnStats> stats = new HashMap<>();
        publishedJson().forEach((column, json) -> stats.put(column, serde.deserialize(Topics.COLUMN_AVERAGES, json.getBytes(StandardCharsets.UTF_8))));
        return Map.copyOf(stats);
    }

    /** The latest record value per column published on column-averages so far, as the JSON text it is. */
    Map<String, String> publishedJson() {
        averages.readKeyValuesToList().forEach(update -> latest.put(update.key, update.value));
        final Map<String, String> json = new HashMap<>();
        latest.forEach((column, value) -> json.put(column, new String(value, StandardCharsets.UTF_8)));
        return Map.copyOf(json);
    }

    /** Pipes a record straight into one of the topology's internal topics, as if another task had written it. */
    StatsTopologyDriver sendInternal(final String topic, final byte[] key, final byte[] value) {
        now = now.plusMillis(1);
        driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer()).pipeInput(new TestRecord<>(key, value, now));
        return this;
    }

    /** The values written so far to the changelog of {@code store}, for {@code key}, in order. */
    List<byte[]> changelog(final String store, final String key) {
        return driver.createOutputTopic(config.getString(StatsTopologyConfig.APPLICATION_ID) + "-" + store + "-changelog",
                        new StringDeserializer(), new ByteArrayDeserializer()).readRecordsToList().stream()
                .filter(record -> key.equals(record.key())).map(TestRecord::value).toList();
    }

    List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    /** A counter of the topology's meters as Prometheus names it, by its tags when given ({@code "reason", "non-numeric"}). */
    double counter(final String name, final String... tags) {
        return meters.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    Map<String, RunningStats> columnStatsStore() {
        final Map<String, RunningStats> store = new HashMap<>();
        driver.<String, RunningStats>getKeyValueStore(StatsTopology.COLUMN_STATS_STORE).all()
                .forEachRemaining(entry -> store.put(entry.key, entry.value));
        return store;
    }

    /** One of the topology's key-value stores, as its task holds it now. */
    <K, V> KeyValueStore<K, V> keyValueStore(final String name) {
        return driver.getKeyValueStore(name);
    }

    @Override
    public void close() {
        driver.close();
    }
}
