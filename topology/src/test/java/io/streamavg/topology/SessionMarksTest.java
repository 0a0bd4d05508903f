package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.LineHeaders;
import io.streamavg.wire.RejectReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumable sessions in the production topology under TopologyTestDriver: each line of a session
 * counted once however often it arrives, the marks committed through the changelog, and idle
 * sessions forgotten after the retention.
 */
class SessionMarksTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path stateDir;

    private StatsTopologyDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private StatsTopologyDriver driver(final Map<String, String> options) {
        driver = new StatsTopologyDriver(stateDir, options);
        return driver;
    }

    private static Headers session(final String id, final String sequence) {
        final Headers headers = new RecordHeaders();
        if (id != null) {
            headers.add(LineHeaders.SESSION, id.getBytes(StandardCharsets.UTF_8));
        }
        if (sequence != null) {
            headers.add(LineHeaders.SEQUENCE, sequence.getBytes(StandardCharsets.US_ASCII));
        }
        return headers;
    }

    /** Line {@code sequence} of session {@code id}: its value is the sequence number, so the statistics say which lines counted. */
    private static void line(final StatsTopologyDriver driver, final String id, final long sequence, final Instant at) {
        driver.sendAt(at, String.valueOf(sequence), session(id, String.valueOf(sequence)));
    }

    @Test
    void shouldCountEachLineOfASessionOnceHoweverOftenItIsResent() {
        driver(Map.of());
        for (long sequence = 1; sequence <= 6; sequence++) {
            line(driver, "s", sequence, T0.plusMillis(sequence));
        }
        // The client lost its connection after 'ok 3' and resends from line 4; lines 4 to 6 had landed already.
        for (long sequence = 4; sequence <= 10; sequence++) {
            line(driver, "s", sequence, T0.plusMillis(100 + sequence));
        }
        // Another session's numbers are its own, and an anonymous line is never dropped.
        line(driver, "other", 1, T0.plusMillis(200));
        driver.sendAt(T0.plusMillis(201), "100");
        driver.sendAt(T0.plusMillis(202), "100");
        driver.flush();

        // 1..10, then 1, 100 and 100: count 13, sum 55 + 201.
        assertThat(driver.averages().get("0").count()).isEqualTo(13);
        assertThat(driver.averages().get("0").sum()).isEqualTo(256.0);
        assertThat(driver.counter("streamavg.topology.duplicate.lines")).isEqualTo(3);
        assertThat(driver.counter("streamavg.topology.session.gaps")).isZero();
        assertThat(driver.counter("streamavg.topology.lines.parsed")).isEqualTo(13);
        assertThat(driver.deadLetters()).isEmpty();
    }

    @Test
    void shouldCountAGapAndALineThatFillsItOnce() {
        driver(Map.of());
        line(driver, "s", 1, T0);
        // Line 2 reached Kafka after line 3 (Kafka refused it once, and the client resent it), or never
        // (the bridge set it aside): line 3 is counted, and line 2 still can be, once.
        line(driver, "s", 3, T0.plusMillis(1));
        line(driver, "s", 5, T0.plusMillis(2));
        line(driver, "s", 2, T0.plusMillis(3));
        line(driver, "s", 2, T0.plusMillis(4));
        line(driver, "s", 3, T0.plusMillis(5));
        driver.flush();

        assertThat(driver.counter("streamavg.topology.session.gaps")).isEqualTo(2);
        assertThat(driver.counter("streamavg.topology.duplicate.lines")).isEqualTo(2);
        assertThat(driver.averages().get("0").count()).isEqualTo(4);
        assertThat(driver.averages().get("0").sum()).isEqualTo(11.0);
        // Line 4 is still missing, and would count.
        final SessionMark mark = SessionMark.decode(driver.<String, byte[]>keyValueStore(StatsTopology.SESSION_MARKS_STORE).get("s"));
        assertThat(mark.highest()).isEqualTo(5);
        assertThat(mark.gaps()).containsExactly(4, 4);
    }

    @Test
    void shouldSetAsideLinesWhoseSessionHeadersAreMalformedSayingWhy() {
        driver(Map.of());
        driver.sendAt(T0, "1", session("not an id", "1"));
        driver.sendAt(T0, "2", session("s", null));
        driver.sendAt(T0, "3", session("s", "0"));
        driver.sendAt(T0, "4", session("s", "x"));
        driver.sendAt(T0, "5", session("", "1"));
        // A sequence without a session means nothing: the line is anonymous.
        driver.sendAt(T0, "6", session(null, "1"));
        driver.flush();

        final List<TestRecord<byte[], byte[]>> rejected = driver.deadLetters();
        assertThat(rejected).extracting(record -> new String(record.value(), StandardCharsets.UTF_8)).containsExactly("1", "2", "3", "4", "5");
        assertThat(rejected).allSatisfy(record -> assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON))
                .isEqualTo(RejectReason.MALFORMED_SESSION.code()));
        assertThat(rejected).extracting(record -> DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.DETAIL)).containsExactly(
                "header streamavg.session is not a session ID (1 to 64 characters of [A-Za-z0-9._-])",
                "header streamavg.session without header streamavg.seq",
                "header streamavg.seq is not a line number (decimal digits, from 1, no leading zero)",
                "header streamavg.seq is not a line number (decimal digits, from 1, no leading zero)",
                "header streamavg.session is not a session ID (1 to 64 characters of [A-Za-z0-9._-])");
        assertThat(driver.counter("streamavg.topology.lines.rejected", "reason", "malformed-session")).isEqualTo(5);
        assertThat(driver.averages().get("0").count()).isEqualTo(1);
        assertThat(driver.averages().get("0").sum()).isEqualTo(6.0);
    }

    @Test
    void shouldCommitTheMarksThroughTheChangelogSoThatARestartedTaskStillDropsWhatItCounted() {
        driver(Map.of());
        for (long sequence = 1; sequence <= 3; sequence++) {
            line(driver, "s", sequence, T0.plusMillis(sequence));
        }
        driver.flush();
        assertThat(driver.averages().get("0").count()).isEqualTo(3);
        // What the task would restore: the latest value per session on the store's changelog.
        final List<byte[]> written = driver.changelog(StatsTopology.SESSION_MARKS_STORE, "s");
        assertThat(written).isNotEmpty();
        final byte[] committed = written.get(written.size() - 1);
        driver.close();

        // A new task from the same state folder; TopologyTestDriver deletes its stores when it closes and
        // restores nothing, so the changelog's value is put back as Kafka Streams' restore would.
        driver(Map.of());
        final KeyValueStore<String, byte[]> marks = driver.keyValueStore(StatsTopology.SESSION_MARKS_STORE);
        assertThat(marks.get("s")).isNull();
        marks.put("s", committed);
        for (long sequence = 2; sequence <= 5; sequence++) {
            line(driver, "s", sequence, T0.plusMillis(10 + sequence));
        }
        driver.flush();

        // Only lines 4 and 5 are new to the restarted task.
        assertThat(driver.averages().get("0").count()).isEqualTo(2);
        assertThat(driver.averages().get("0").sum()).isEqualTo(9.0);
        assertThat(driver.counter("streamavg.topology.duplicate.lines")).isEqualTo(2);
    }

    @Test
    void shouldForgetASessionIdleForLongerThanTheRetentionInTheTimeOfTheLines() {
        driver(Map.of(StatsTopologyConfig.SESSION_RETENTION, "60000"));
        line(driver, "idle", 1, T0);
        line(driver, "busy", 1, T0);
        line(driver, "busy", 2, T0.plusSeconds(50));
        // Stream time a minute and a half later: "idle" has had no line for longer than the retention, "busy" not.
        line(driver, "busy", 3, T0.plusSeconds(90));
        final KeyValueStore<String, byte[]> marks = driver.keyValueStore(StatsTopology.SESSION_MARKS_STORE);
        assertThat(marks.get("idle")).isNull();
        assertThat(marks.get("busy")).isNotNull();
        assertThat(driver.counter("streamavg.topology.sessions.expired")).isEqualTo(1);

        // A forgotten session starts again from nothing: its resent line counts again; the other's does not.
        line(driver, "idle", 1, T0.plusSeconds(91));
        line(driver, "busy", 3, T0.plusSeconds(92));
        driver.flush();

        assertThat(driver.averages().get("0").count()).isEqualTo(5);
        assertThat(driver.counter("streamavg.topology.duplicate.lines")).isEqualTo(1);
    }

    @Test
    void shouldKeepTheNewestLineTimeOfASessionWhenItsLinesArriveOutOfTimeOrder() {
        driver(Map.of(StatsTopologyConfig.SESSION_RETENTION, "60000"));
        line(driver, "other", 1, T0);
        // A resend through a bridge whose clock is behind: the session was last seen at T0 + 50 s, not T0 + 1 s.
        line(driver, "s", 1, T0.plusSeconds(50));
        line(driver, "s", 2, T0.plusSeconds(1));
        // The purge at T0 + 70 s forgets what was last seen before T0 + 10 s.
        line(driver, "other", 2, T0.plusSeconds(70));

        final KeyValueStore<String, byte[]> marks = driver.keyValueStore(StatsTopology.SESSION_MARKS_STORE);
        assertThat(marks.get("s")).isNotNull();
        assertThat(driver.counter("streamavg.topology.sessions.expired")).isZero();
    }
}
