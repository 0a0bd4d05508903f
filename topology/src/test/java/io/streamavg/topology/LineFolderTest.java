package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LineFolder} on its own, with a real in-memory store standing for what Kafka Streams
 * restores from the changelog: {@link Folder#commit} is what Kafka Streams does before it commits
 * the offsets, and a new folder on the same store is the task after a crash.
 */
class LineFolderTest {

    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration SIZE = Duration.ofMinutes(1);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final String PARTIALS = "partials";
    private static final String WINDOWS = "windows";
    private static final String DEAD = "dead";

    private KeyValueStore<String, byte[]> store;
    private PartialsStore partialsStore;
    private KeyValueStore<String, byte[]> sessionMarks;
    private boolean failPuts;
    private int puts;

    @BeforeEach
    void createStore() {
        final MockProcessorContext<Object, Object> context = context();
        final KeyValueStore<String, byte[]> real = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(StatsTopology.PARTIALS_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        real.init(context.getStateStoreContext(), real);
        store = failingPuts(real);
        partialsStore = new PartialsStore(store);
        sessionMarks = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StatsTopology.SESSION_MARKS_STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        sessionMarks.init(context.getStateStoreContext(), sessionMarks);
    }

    @Test
    void shouldTakeItsPartialsBackFromTheStoreExactlyAfterARestart() {
        final Folder before = new Folder();
        before.process("1.5,2", "-3.25,,7", "1e15,4");
        before.commit();
        // Not committed: after a crash, Kafka Streams reads these lines again.
        before.process("99,99,99");

        final Folder after = new Folder();
        final Map<String, RunningStats> flushed = after.flush();

        assertThat(flushed).isEqualTo(Map.of(
                "0", RunningStats.of(1.5).add(-3.25).add(1e15),
                "1", RunningStats.of(2).add(4),
                "2", RunningStats.of(7)));
        assertThat(after.windows).isEqualTo(Map.of(
                "0@0", RunningStats.of(1.5).add(-3.25).add(1e15),
                "1@0", RunningStats.of(2).add(4),
                "2@0", RunningStats.of(7)));
        after.commit();
        // The flush emptied the stored partials too: restarted again, it has nothing to flush.
        assertThat(new Folder().flushSchedules()).isEmpty();
    }

    @Test
    void shouldCountALineWhoseWindowClosedInTheCumulativePartialsOnlyAndInTheMeter() {
        final Folder folder = new Folder();
        folder.processAt(30_000, "1");       // window 0
        folder.processAt(60_000, "2");       // window 60000
        folder.processAt(55_000, "3");       // window 0, still open: its end + grace, 70000, is after the stream time, 60000
        folder.processAt(130_000, "4");      // window 120000; the stream time, 130000, closes window 60000 (60000 + 60000 + 10000)
        folder.processAt(65_000, "5");       // window 60000: late
        folder.processAt(125_000, "6");      // window 120000, in time

        assertThat(folder.late()).isEqualTo(1.0);
        assertThat(folder.flush()).isEqualTo(Map.of("0", RunningStats.of(5).merge(RunningStats.of(1).add(3))
                .merge(RunningStats.of(2)).merge(RunningStats.of(4).add(6))));
        assertThat(folder.windows).isEqualTo(Map.of(
                "0@0", RunningStats.of(1).add(3),
                "0@60000", RunningStats.of(2),
                "0@120000", RunningStats.of(4).add(6)));
    }

    @Test
    void shouldKeepItsStreamTimeThroughAFlushAndARestart() {
        final Folder folder = new Folder();
        folder.processAt(200_000, "1");
        folder.flush();
        folder.commit();

        final Folder restarted = new Folder();
        restarted.processAt(60_000, "2");

        assertThat(restarted.late()).isEqualTo(1.0);
        assertThat(restarted.flush()).isEqualTo(Map.of("0", RunningStats.of(2)));
        assertThat(restarted.windows).isEmpty();
    }

    @Test
    void shouldWriteTheStoreOncePerCommitWhateverTheLinesInBetween() {
        final Folder folder = new Folder();
        for (int line = 0; line < 1_000; line++) {
            folder.process(line + "," + (2 * line));
        }
        assertThat(puts).isZero();

        folder.commit();
        folder.commit();

        assertThat(puts).isEqualTo(1);
        final TaskPartials stored = new TaskPartials(SIZE.toMillis(), GRACE.toMillis());
        stored.load(store.get(TaskPartials.KEY));
        assertThat(stored.cumulative().get("0").count()).isEqualTo(1_000);
    }

    @Test
    void shouldLeaveTheStoreAsAtTheLastCommitWhenAWriteFails() {
        final Folder folder = new Folder();
        folder.process("1,2");
        folder.commit();
        final byte[] stored = store.get(TaskPartials.KEY);
        folder.process("100,200");

        failPuts = true;
        assertThatThrownBy(folder::commit).isInstanceOf(IllegalStateException.class);
        failPuts = false;

        assertThat(store.get(TaskPartials.KEY)).isEqualTo(stored);
        // Kafka Streams closes the task dirty and initialises it again from the store.
        final Folder revived = new Folder();
        revived.process("3");
        assertThat(revived.flush()).isEqualTo(Map.of("0", RunningStats.of(1).add(3), "1", RunningStats.of(2)));
    }

    @Test
    void shouldSendARejectedLineToTheDeadLetterSinkAndFoldNothing() {
        final Folder folder = new Folder();
        folder.process("1,x");
        folder.commit();

        assertThat(folder.context.forwarded()).singleElement().satisfies(forward -> {
            assertThat(forward.childName()).contains(DEAD);
            assertThat((byte[]) forward.record().value()).isEqualTo("1,x".getBytes(StandardCharsets.UTF_8));
        });
        assertThat(store.get(TaskPartials.KEY)).isNull();
    }

    @Test
    void shouldTakeOverThePartialsOfThePreviousStoreFormatWithoutCountingThemTwice() {
        final RunningStats old = RunningStats.of(10).add(20);
        store.put("0", RunningStatsSerde.serde().serializer().serialize("t", old));

        final Folder folder = new Folder();
        folder.process("30");
        folder.commit();

        assertThat(store.get("0")).isNull();
        assertThat(new Folder().flush()).isEqualTo(Map.of("0", old.merge(RunningStats.of(30))));
    }

    /**
     * Every punctuation makes Kafka Streams commit the task, a transaction under exactly-once: an
     * idle task must have none scheduled, and the first line must schedule one again.
     */
    @Test
    void shouldPunctuateOnlyWhileThereIsSomethingToFlush() {
        final Folder folder = new Folder();
        assertThat(folder.flushSchedules()).isEmpty();

        folder.process("1,2");
        assertThat(folder.flushSchedules()).hasSize(1);
        assertThat(folder.flush()).isEqualTo(Map.of("0", RunningStats.of(1), "1", RunningStats.of(2)));
        assertThat(folder.flushSchedules().get(0).cancelled()).isFalse();
        // The flush after which nothing came: no punctuation until the next line.
        assertThat(folder.flush()).isEmpty();
        assertThat(folder.flushSchedules().get(0).cancelled()).isTrue();

        folder.process("3,4");
        assertThat(folder.flushSchedules()).hasSize(2);
        assertThat(folder.flushSchedules().get(1).cancelled()).isFalse();
        assertThat(folder.flush()).isEqualTo(Map.of("0", RunningStats.of(3), "1", RunningStats.of(4)));
    }

    @Test
    void shouldFlushAtTheMultiplesOfTheIntervalSoThatEveryTaskFlushesInTheSamePass() {
        final Folder folder = new Folder();
        folder.process("1");

        final MockProcessorContext.CapturedPunctuator flush = folder.flushSchedules().get(0);
        assertThat(flush.getStartTime()).isEqualTo(Instant.ofEpochMilli(1_300L));
        assertThat(flush.getInterval()).isEqualTo(INTERVAL);
    }

    /** A task revived after an aborted transaction runs init again on the same processor: one schedule, not two. */
    @Test
    void shouldReplaceItsPunctuationWhenInitializedAgain() {
        final Folder folder = new Folder();
        folder.process("1,2");
        folder.commit();
        folder.folder.init(folder.context);

        assertThat(folder.flushSchedules()).hasSize(2);
        assertThat(folder.flushSchedules().get(0).cancelled()).isTrue();
        assertThat(folder.flushSchedules().get(1).cancelled()).isFalse();
        assertThat(folder.flush()).isEqualTo(Map.of("0", RunningStats.of(1), "1", RunningStats.of(2)));
    }

    /** One {@link LineFolder} as a task runs it, with what it forwards captured. */
    private final class Folder {

        final MockProcessorContext<Object, Object> context = context();
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final TopologyMeters meters = new TopologyMeters(registry);
        final LineParser parser = new LineParser(',', 1024, NaValues.of(NaValues.PANDAS_DEFAULT));
        final LineFolder folder = new LineFolder(StatsTopology.PARTIALS_STORE, INTERVAL, SIZE, GRACE, parser::parse, parser::names,
                meters, DEAD, PARTIALS, WINDOWS, new SessionMarks(StatsTopology.SESSION_MARKS_STORE, Duration.ofDays(7), meters));
        /** What the last flush forwarded to the windows' repartition: column @ window start (ms) to partial. */
        final Map<String, RunningStats> windows = new HashMap<>();
        private long offset;

        Folder() {
            context.addStateStore(partialsStore);
            context.addStateStore(sessionMarks);
            folder.init(context);
        }

        /** The flush's schedules, cancelled ones included (the session marks' expiry runs on stream time). */
        List<MockProcessorContext.CapturedPunctuator> flushSchedules() {
            return context.scheduledPunctuators().stream().filter(punctuator -> punctuator.getType() == PunctuationType.WALL_CLOCK_TIME).toList();
        }

        /** What Kafka Streams does before it commits the input offsets. */
        void commit() {
            partialsStore.flushCache();
        }

        void process(final String... lines) {
            for (final String line : lines) {
                processAt(1_000L, line);
            }
        }

        void processAt(final long timestamp, final String line) {
            context.setRecordMetadata("raw-lines", 0, offset++);
            folder.process(new Record<>(null, line.getBytes(StandardCharsets.UTF_8), timestamp));
        }

        double late() {
            return registry.counter("streamavg.topology.late.lines").count();
        }

        Map<String, RunningStats> flush() {
            context.resetForwards();
            // The live one: an idle folder cancels its punctuation and schedules another with the next line.
            flushSchedules().stream().filter(punctuator -> !punctuator.cancelled()).findFirst()
                    .orElseThrow(() -> new AssertionError("no flush scheduled")).getPunctuator().punctuate(2_000L);
            final Map<String, RunningStats> flushed = new HashMap<>();
            windows.clear();
            context.forwarded().forEach(forward -> {
                final String column = (String) forward.record().key();
                final RunningStats partial = (RunningStats) forward.record().value();
                if (forward.childName().orElseThrow().equals(WINDOWS)) {
                    windows.put(column + "@" + forward.record().timestamp(), partial);
                } else {
                    assertThat(forward.childName()).contains(PARTIALS);
                    flushed.put(column, partial);
                }
            });
            return flushed;
        }
    }

    private static MockProcessorContext<Object, Object> context() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "never-contacted:9092");
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>(props);
        context.setCurrentSystemTimeMs(1_234L);
        return context;
    }

    /** {@code store}, failing every put while {@link #failPuts} is set: a failure after the line was parsed and folded. */
    @SuppressWarnings("unchecked")
    private KeyValueStore<String, byte[]> failingPuts(final KeyValueStore<String, byte[]> store) {
        return (KeyValueStore<String, byte[]>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {KeyValueStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("put")) {
                        if (failPuts) {
                            throw new IllegalStateException("injected store failure");
                        }
                        puts++;
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
