package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamavg.wire.ColumnStats;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
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
        final RunningStats stats = RunningStats.of(1.5).add(-2.25).add(1e300).add(1.7e308);
        final var serde = RunningStatsSerde.serde();

        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", stats))).isEqualTo(stats);
        assertThat(serde.serializer().serialize("t", null)).isNull();
    }

    @Test
    void shouldReadTheFirstVersionsLayoutFromExistingStoresAndChangelogs() {
        // 1, 4, 7 as the first release wrote them: version 1, count, sum, compensation, mean, m2, min, max.
        final byte[] firstVersion = firstVersion(3, 12.0, 0.0, 4.0, 18.0, 1.0, 7.0);

        final RunningStats read = RunningStatsSerde.serde().deserializer().deserialize("t", firstVersion);

        assertThat(read).isEqualTo(RunningStats.of(1).add(4).add(7));
        assertThat(read.add(8).toColumnStats("0")).isEqualTo(new ColumnStats("0", 4, 20.0, 5.0, 1.0, 8.0, Math.sqrt(7.5)));
    }

    @Test
    void shouldTakeTheSumBackFromTheMeanWhereTheFirstVersionHadOverflowed() {
        // What the first release stored for 1.7e308 twice: the sum overflowed, the compensation went to -Infinity.
        final byte[] poisoned = firstVersion(2, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.7e308, 0.0, 1.7e308, 1.7e308);

        final RunningStats read = RunningStatsSerde.serde().deserializer().deserialize("t", poisoned);

        assertThat(read.toColumnStats("0")).isEqualTo(new ColumnStats("0", 2, Double.POSITIVE_INFINITY, 1.7e308, 1.7e308, 1.7e308, 0.0));
        assertThat(read).isEqualTo(RunningStats.of(1.7e308).add(1.7e308));
    }

    @Test
    void shouldRefuseBytesOfAnUnknownVersionOrSize() {
        final var deserializer = RunningStatsSerde.serde().deserializer();
        final byte[] third = firstVersion(1, 1, 0, 1, 0, 1, 1);
        third[0] = 3;

        assertThatThrownBy(() -> deserializer.deserialize("t", third))
                .isInstanceOf(SerializationException.class).hasMessageContaining("version 3");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {2, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("2 bytes");
    }

    @Test
    void shouldKeepTheMeanFiniteAndTheSumInfiniteWhenTheSumIsBeyondADouble() {
        final RunningStats stats = RunningStats.of(1.7e308).add(1.7e308);

        assertThat(stats.toColumnStats("0")).isEqualTo(new ColumnStats("0", 2, Double.POSITIVE_INFINITY, 1.7e308, 1.7e308, 1.7e308, 0.0));
        assertThat(RunningStats.of(-1.7e308).add(-1.7e308).add(-1e308).total()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void shouldGiveTheSumBackWhenHugeValuesCancelAgain() {
        // 1.7e308 + 1.7e308 overflows on the way; the total of all five is exactly 1.5.
        final RunningStats stats = RunningStats.of(1.7e308).add(1.7e308).add(-1.7e308).add(-1.7e308).add(1.5);

        assertThat(stats.total()).isEqualTo(1.5);
        assertThat(stats.mean()).isEqualTo(0.3);
    }

    @Test
    void shouldKeepEveryStatisticFiniteAndRightOnHugeValuesOfBothSigns() {
        final double[] values = {1.7e308, -1.7e308, 1e308, -1.6e308, 1.5, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, 8.9e307};
        RunningStats stats = RunningStats.EMPTY;
        for (final double value : values) {
            stats = stats.add(value);
        }
        final ExactStatistics expected = ExactStatistics.of(values);

        final ColumnStats published = stats.toColumnStats("0");
        assertThat(published.count()).isEqualTo(values.length);
        assertThat(published.sum()).isEqualTo(expected.sum().doubleValue());
        assertThat(published.mean()).isCloseTo(expected.mean().doubleValue(), within(1e-15 * Math.abs(expected.mean().doubleValue())));
        assertThat(published.stddev()).isFinite()
                .isCloseTo(expected.stddev().doubleValue(), within(1e-15 * expected.stddev().doubleValue()));
        assertThat(published.min()).isEqualTo(-Double.MAX_VALUE);
        assertThat(published.max()).isEqualTo(Double.MAX_VALUE);
    }

    @Test
    void shouldGiveTheSpreadOfHugeValuesWhateverTheGrouping() {
        // A spread of 3.4e308 around a mean of 0: its square overflows a double a long way.
        final RunningStats left = RunningStats.of(1.7e308).add(1.7e308);
        final RunningStats right = RunningStats.of(-1.7e308).add(-1.7e308);

        for (final RunningStats merged : List.of(left.merge(right), right.merge(left), left.add(-1.7e308).add(-1.7e308))) {
            assertThat(merged.mean()).isEqualTo(0.0);
            assertThat(merged.total()).isEqualTo(0.0);
            assertThat(merged.stddev()).isEqualTo(1.7e308);
        }
    }

    @Test
    void shouldKeepTinyValuesExact() {
        final RunningStats stats = RunningStats.of(Double.MIN_VALUE).add(3 * Double.MIN_VALUE);

        assertThat(stats.toColumnStats("0")).isEqualTo(new ColumnStats("0", 2, 4 * Double.MIN_VALUE, 2 * Double.MIN_VALUE,
                Double.MIN_VALUE, 3 * Double.MIN_VALUE, Double.MIN_VALUE));
    }

    private static byte[] firstVersion(final long count, final double sum, final double compensation, final double mean,
                                       final double m2, final double min, final double max) {
        return ByteBuffer.allocate(57).put((byte) 1).putLong(count).putDouble(sum).putDouble(compensation)
                .putDouble(mean).putDouble(m2).putDouble(min).putDouble(max).array();
    }

    @Test
    void shouldPublishMeanAndPopulationStddev() {
        final var published = RunningStats.of(1).add(2).add(3).add(4).toColumnStats("c");

        assertThat(published.mean()).isEqualTo(2.5);
        assertThat(published.stddev()).isEqualTo(Math.sqrt(1.25));
        assertThat(published.count()).isEqualTo(4);
    }
}
