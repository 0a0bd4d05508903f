package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RunningStatsTest {

    @Test
    void shouldGiveTheSameStatisticsWhateverTheGrouping() {
        final Random random = new Random(1);
        final double[] values = random.doubles(10_000, -1e3, 1e3).map(v -> v + 1e8).toArray();
        RunningStats oneByOne = RunningStats.EMPTY;
        RunningStats left = RunningStats.EMPTY;
        RunningStats right = RunningStats.EMPTY;
        for (int i = 0; i < values.length; i++) {
            oneByOne = oneByOne.add(values[i]);
            if (i % 3 == 0) {
                left = left.add(values[i]);
            } else {
                right = right.add(values[i]);
            }
        }
        final RunningStats merged = right.merge(left);

        assertThat(merged.count()).isEqualTo(oneByOne.count());
        assertThat(merged.total()).isCloseTo(oneByOne.total(), within(1e-9 * Math.abs(oneByOne.total())));
        assertThat(merged.stddev()).isCloseTo(oneByOne.stddev(), within(1e-9 * oneByOne.stddev()));
        assertThat(merged.min()).isEqualTo(oneByOne.min());
        assertThat(merged.max()).isEqualTo(oneByOne.max());
    }

    @Test
    void shouldKeepTheSumExactWhereANaiveSumLosesIt() {
        // 1 + 1e100 - 1e100 is 0 in plain double arithmetic; the compensation keeps the 1.
        final RunningStats stats = RunningStats.of(1).add(1e100).add(-1e100);

        assertThat(stats.total()).isEqualTo(1.0);
    }

    @Test
    void shouldBeNeutralWhenMergedWithEmpty() {
        final RunningStats stats = RunningStats.of(2).add(4);

        assertThat(stats.merge(RunningStats.EMPTY)).isEqualTo(stats);
        assertThat(RunningStats.EMPTY.merge(stats)).isEqualTo(stats);
    }

    @Test
    void shouldRoundTripThroughItsSerde() {
        final RunningStats stats = RunningStats.of(1.5).add(-2.25).add(1e300);
        final var serde = RunningStatsSerde.serde();

        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", stats))).isEqualTo(stats);
        assertThat(serde.serializer().serialize("t", null)).isNull();
    }

    @Test
    void shouldPublishMeanAndPopulationStddev() {
        final var published = RunningStats.of(1).add(2).add(3).add(4).toColumnStats("c");

        assertThat(published.mean()).isEqualTo(2.5);
        assertThat(published.stddev()).isEqualTo(Math.sqrt(1.25));
        assertThat(published.count()).isEqualTo(4);
    }
}
