package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.wire.ColumnStats;
import io.streamavg.wire.WindowKey;
import io.streamavg.wire.WindowStats;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tumbling windows through the whole topology: per-task partials, their repartition, the windowed merge. */
class WindowedStatsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path stateDir;
    private StatsTopologyDriver driver;

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldPublishEachWindowsStatisticsAsStreamTimeAdvances() {
        driver = new StatsTopologyDriver(stateDir, Map.of());
        driver.sendAt(T0.plusSeconds(1), "1,10").sendAt(T0.plusSeconds(59), "3,").flush();
        driver.sendAt(T0.plusSeconds(61), "5,50").sendAt(T0.plusSeconds(30), "7,70").flush();
        driver.sendAt(T0.plusSeconds(185), "9,90").flush();

        final Map<WindowKey, WindowStats> windows = driver.windowAverages();
        assertThat(windows).containsOnlyKeys(key("0", 0), key("1", 0), key("0", 1), key("1", 1), key("0", 3), key("1", 3));
        assertThat(windows.get(key("0", 0))).isEqualTo(window("0", 0, 3, 11.0, 1.0, 7.0, Math.sqrt(56.0 / 9)));
        assertThat(windows.get(key("1", 0))).isEqualTo(window("1", 0, 2, 80.0, 10.0, 70.0, 30.0));
        assertThat(windows.get(key("0", 1))).isEqualTo(window("0", 1, 1, 5.0, 5.0, 5.0, 0.0));
        assertThat(windows.get(key("1", 3))).isEqualTo(window("1", 3, 1, 90.0, 90.0, 90.0, 0.0));
        assertThat(driver.averages().get("0").count()).isEqualTo(5);
        assertThat(driver.counter("streamavg.topology.late.lines")).isZero();
    }

    @Test
    void shouldCountALateLineInTheMeterAndTheCumulativeStatisticsButInNoWindow() {
        driver = new StatsTopologyDriver(stateDir, Map.of(StatsTopologyConfig.WINDOW_GRACE, "5000"));
        driver.sendAt(T0.plusSeconds(10), "2").flush();
        driver.sendAt(T0.plusSeconds(65), "4").flush();     // window 0 closes at 65 s: its end, 60 s, plus the grace
        driver.sendAt(T0.plusSeconds(20), "100").flush();   // late
        driver.sendAt(T0.plusSeconds(64), "6").flush();     // window 1 minute, in time

        assertThat(driver.counter("streamavg.topology.late.lines")).isEqualTo(1.0);
        assertThat(driver.averages().get("0")).isEqualTo(new ColumnStats("0", 4, 112.0, 28.0, 2.0, 100.0, Math.sqrt(1730.0)));
        final Map<WindowKey, WindowStats> windows = driver.windowAverages();
        assertThat(windows.get(key("0", 0))).isEqualTo(window("0", 0, 1, 2.0, 2.0, 2.0, 0.0));
        assertThat(windows.get(key("0", 1))).isEqualTo(window("0", 1, 2, 10.0, 4.0, 6.0, 1.0));
    }

    @Test
    void shouldMergeAWindowsPartialsFlushedAtDifferentTimes() {
        driver = new StatsTopologyDriver(stateDir, Map.of());
        for (int i = 0; i < 10; i++) {
            driver.sendAt(T0.plusMillis(1_000L * i), String.valueOf(i)).flush();
        }

        assertThat(driver.windowAverages().get(key("0", 0))).isEqualTo(window("0", 0, 10, 45.0, 0.0, 9.0, Math.sqrt(8.25)));
    }

    private static WindowKey key(final String column, final int minute) {
        return new WindowKey(column, T0.plusSeconds(60L * minute));
    }

    private static WindowStats window(final String column, final int minute, final long count, final double sum,
                                      final double min, final double max, final double stddev) {
        final Instant start = T0.plusSeconds(60L * minute);
        return new WindowStats(column, start, start.plusSeconds(60), count, sum, sum / count, min, max, stddev);
    }
}
