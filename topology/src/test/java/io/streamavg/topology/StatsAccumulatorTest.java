package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link StatsAccumulator} keeps its scales from one value to the next, where
 * {@link RunningStats#add} derives them again from the minimum and maximum each time: both must give
 * the same bits, whatever the magnitudes do.
 */
class StatsAccumulatorTest {

    @Test
    void shouldGiveTheSameBitsAsAddingToTheRecordOneValueAtATime() {
        final SplittableRandom random = new SplittableRandom(7);
        for (int run = 0; run < 200; run++) {
            final StatsAccumulator accumulator = new StatsAccumulator();
            RunningStats record = RunningStats.EMPTY;
            for (int i = 0; i < 500; i++) {
                final double value = value(random);
                accumulator.add(value);
                record = record.add(value);
                assertThat(accumulator.toStats()).as("run %d, value %d (%s)", run, i, value).isEqualTo(record);
            }
        }
    }

    @Test
    void shouldCarryOnFromARecord() {
        final RunningStats start = RunningStats.of(1e15).add(-3.5).add(1e-300);
        final StatsAccumulator accumulator = StatsAccumulator.of(start);
        accumulator.add(42);
        accumulator.add(-1e200);

        assertThat(accumulator.toStats()).isEqualTo(start.add(42).add(-1e200));
        assertThat(accumulator.count()).isEqualTo(5);
        assertThat(StatsAccumulator.of(RunningStats.EMPTY).toStats()).isEqualTo(RunningStats.EMPTY);
    }

    /** Mostly ordinary values, with zeros, subnormals and magnitudes from 1e-300 to 1e308 that move the scales. */
    private static double value(final SplittableRandom random) {
        return switch (random.nextInt(10)) {
            case 0 -> 0.0;
            case 1 -> Double.MIN_VALUE * random.nextInt(1, 1000);
            case 2 -> Math.scalb(random.nextDouble(-1, 1), random.nextInt(-1000, 1023));
            case 3 -> 1e15 + random.nextDouble(-1000, 1000);
            default -> random.nextDouble(-1000, 1000);
        };
    }
}
