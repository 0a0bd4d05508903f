package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.LineHeaders;
import io.streamavg.wire.RejectReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines whose record carries the column names (the bridge's header mode) are counted under those names. */
class HeaderNamedColumnsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path stateDir;
    private StatsTopologyDriver driver;

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldNameTheCellsByTheHeaderQuotedNamesIncluded() {
        driver = new StatsTopologyDriver(stateDir, Map.of());
        final Headers names = columns("id, \"mean radius\" ,\"a,b\",\"say \"\"hi\"\"\"");
        driver.sendAt(T0, "1,2.5,3,4", names).sendAt(T0, "3,3.5,5,6", names).sendAt(T0, "10,20").flush();

        final Map<String, ColumnStats> averages = driver.averages();
        assertThat(averages).containsOnlyKeys("id", "mean radius", "a,b", "say \"hi\"", "0", "1");
        assertThat(averages.get("mean radius")).isEqualTo(new ColumnStats("mean radius", 2, 6.0, 3.0, 2.5, 3.5, 0.5));
        assertThat(averages.get("a,b").mean()).isEqualTo(4.0);
        assertThat(averages.get("0")).isEqualTo(new ColumnStats("0", 1, 10.0, 10.0, 10.0, 10.0, 0.0));
        assertThat(driver.deadLetters()).isEmpty();
    }

    @Test
    void shouldNameCellsBeyondTheHeaderByPositionAndMakeNamesUniqueLikePandas() {
        driver = new StatsTopologyDriver(stateDir, Map.of());
        driver.sendAt(T0, "1,2,3,4,5", columns("x,,x")).flush();

        assertThat(driver.averages()).containsOnlyKeys("x", "Unnamed: 1", "x.1", "3", "4");
        assertThat(driver.averages().get("x.1").sum()).isEqualTo(3.0);
        assertThat(driver.averages().get("4").sum()).isEqualTo(5.0);
    }

    @Test
    void shouldSplitTheHeaderAtTheConfiguredDelimiter() {
        driver = new StatsTopologyDriver(stateDir, Map.of(StatsTopologyConfig.DELIMITER, ";"));
        driver.sendAt(T0, "1;2", columns("a,b;c")).flush();

        assertThat(driver.averages()).containsOnlyKeys("a,b", "c");
    }

    @Test
    void shouldKeepEachHeadersNamesApartWhenConnectionsInterleave() {
        driver = new StatsTopologyDriver(stateDir, Map.of());
        for (int i = 0; i < 300; i++) {
            driver.sendAt(T0, "1,2", columns("a,b")).sendAt(T0, "3,4", columns("b,a")).sendAt(T0, "5", columns("c" + i));
        }
        driver.flush();

        final Map<String, ColumnStats> averages = driver.averages();
        assertThat(averages.get("a")).isEqualTo(new ColumnStats("a", 600, 1500.0, 2.5, 1.0, 4.0, 1.5));
        assertThat(averages.get("b")).isEqualTo(new ColumnStats("b", 600, 1500.0, 2.5, 2.0, 3.0, 0.5));
        assertThat(averages.get("c299").count()).isEqualTo(1);
        assertThat(averages).hasSize(302);
    }

    @Test
    void shouldSendALineWhoseHeaderCannotBeSplitToTheDeadLetterTopic() {
        driver = new StatsTopologyDriver(stateDir, Map.of());
        driver.sendAt(T0, "1,2", columns("a,\"b")).sendAt(T0, "7,8", columns("a,b")).flush();

        assertThat(driver.averages()).containsOnlyKeys("a", "b");
        assertThat(driver.averages().get("a").sum()).isEqualTo(7.0);
        final List<TestRecord<byte[], byte[]>> dead = driver.deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("1,2");
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.REASON)).isEqualTo(RejectReason.MALFORMED_QUOTING.code());
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.DETAIL))
                .isEqualTo("the column names: name 1: quote opened and never closed");
        assertThat(dead.get(0).headers().lastHeader(LineHeaders.COLUMNS).value()).isEqualTo("a,\"b".getBytes(StandardCharsets.UTF_8));
        assertThat(driver.counter("streamavg.topology.lines.rejected", "reason", "malformed-quoting")).isEqualTo(1.0);
    }

    private static Headers columns(final String header) {
        final Headers headers = new RecordHeaders();
        headers.add(LineHeaders.COLUMNS, header.getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
