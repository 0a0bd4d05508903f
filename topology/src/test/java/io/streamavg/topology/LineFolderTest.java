package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    /** A commit carries the partials of exactly the lines it commits, and stores none: the next commit starts from nothing. */
    @Test
    void shouldForwardThePartialsOfItsLinesInTheCommitThatCoversThem() {
        final Folder folder = new Folder();
        folder.process("1.5,2", "-3.25,,7", "1e15,4");
        assertThat(folder.context.forwarded()).isEmpty();

        assertThat(folder.flush()).isEqualTo(Map.of(
                "0", RunningStats.of(1.5).add(-3.25).add(1e15),
                "1", RunningStats.of(2).add(4),
                "2", RunningStats.of(7)));
        assertThat(folder.windows).isEqualTo(Map.of(
                "0@0", RunningStats.of(1.5).add(-3.25).add(1e15),
                "1@0", RunningStats.of(2).add(4),
                "2@0", RunningStats.of(7)));
        final TaskPartials stored = new TaskPartials(SIZE.toMillis(), GRACE.toMillis());
        stored.load(store.get(TaskPartials.KEY));
        assertThat(stored.isEmpty()).isTrue();

        // Not committed: after a crash the new task has nothing of this line, and Kafka Streams reads it again.
        folder.process("99,99,99");
        final Folder restarted = new Folder();
        assertThat(restarted.flush()).isEmpty();
        restarted.process("99,99,99");
        assertThat(restarted.flush()).isEqualTo(Map.of("0", RunningStats.of(99), "1", RunningStats.of(99), "2", RunningStats.of(99)));
    }

    /** The previous version stored partials between its flushes: after an upgrade they go out with the first commit, once. */
    @Test
    void shouldForwardPartialsAStoreHeldFromThePreviousVersionAtTheFirstCommit() {
        final TaskPartials held = new TaskPartials(SIZE.toMillis(), GRACE.toMillis());
        held.fold(new double[] {1.5, 2}, held.positionalSlots(2), 1_000L);
        store.put(TaskPartials.KEY, held.encode());

        final Folder upgraded = new Folder();
        upgraded.process("3");
        assertThat(upgraded.flush()).isEqualTo(Map.of("0", RunningStats.of(1.5).add(3), "1", RunningStats.of(2)));
        assertThat(new Folder().flush()).isEmpty();
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

        assertThat(folder.flush().get("0").count()).isEqualTo(1_000);
        folder.commit();

        assertThat(puts).isEqualTo(1);
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
        // Kafka Streams aborts the transaction (what the failed commit forwarded with it), closes the
        // task dirty and initialises it again from the store; the lines after the last commit are read again.
        final Folder revived = new Folder();
        revived.process("100,200");
        assertThat(revived.flush()).isEqualTo(Map.of("0", RunningStats.of(100), "1", RunningStats.of(200)));
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
        assertThat(folder.flush()).isEqualTo(Map.of("0", old.merge(RunningStats.of(30))));

        assertThat(store.get("0")).isNull();
        assertThat(new Folder().flush()).isEmpty();
    }

    /**
     * Under exactly-once every commit of a task that read anything is a transaction: the folder
     * schedules nothing of its own, so an idle task is never committed, and a commit with nothing
     * new forwards and writes nothing.
     */
    @Test
    void shouldScheduleNothingAndForwardNothingWhileIdle() {
        final Folder folder = new Folder();
        folder.process("1,2");
        assertThat(folder.flush()).hasSize(2);
        final int written = puts;

        assertThat(folder.flush()).isEmpty();
        assertThat(folder.context.forwarded()).isEmpty();
        assertThat(puts).isEqualTo(written);
        assertThat(folder.context.scheduledPunctuators()).noneMatch(punctuator -> punctuator.getType() == PunctuationType.WALL_CLOCK_TIME);
    }

    /** A task revived after an aborted transaction runs init again on the same processor, from the store. */
    @Test
    void shouldStartAgainFromTheStoreWhenInitializedAgain() {
        final Folder folder = new Folder();
        folder.process("1,2");
        folder.commit();
        folder.process("3,4");
        folder.folder.init(folder.context);

        assertThat(folder.flush()).isEmpty();
        folder.process("5");
        assertThat(folder.flush()).isEqualTo(Map.of("0", RunningStats.of(5)));
    }

    /** One {@link LineFolder} as a task runs it, with what it forwards captured. */
    private final class Folder {

        final MockProcessorContext<Object, Object> context = context();
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final TopologyMeters meters = new TopologyMeters(registry);
        final LineParser parser = new LineParser(',', 1024, NaValues.of(NaValues.PANDAS_DEFAULT));
        final LineFolder folder = new LineFolder(StatsTopology.PARTIALS_STORE, SIZE, GRACE, parser::parse, parser::names,
                meters, DEAD, PARTIALS, WINDOWS, new SessionMarks(StatsTopology.SESSION_MARKS_STORE, Duration.ofDays(7), meters));
        /** What the last flush forwarded to the windows' repartition: column @ window start (ms) to partial. */
        final Map<String, RunningStats> windows = new HashMap<>();
        private long offset;

        Folder() {
            context.addStateStore(partialsStore);
            context.addStateStore(sessionMarks);
            folder.init(context);
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

        /** A commit ({@link PartialsStore#flushCache}, as Kafka Streams calls it), and the partials it forwarded. */
        Map<String, RunningStats> flush() {
            context.resetForwards();
            partialsStore.flushCache();
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
