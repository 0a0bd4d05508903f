package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleConsumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mean and standard deviation against exact arithmetic on 10^7 values made to break them, grouped
 * into partials and merged the ways the topology can: one partial; partials of 100 lines merged
 * in order (a task's flushes); values spread over random partials merged pairwise in random order
 * (many tasks, totals merged as repartitioned records arrive).
 */
class RunningStatsPrecisionTest {

    private static final int SAMPLES = 10_000_000;
    /** Stated tolerance: relative to the exact value. */
    private static final double RELATIVE = 1e-12;
    private static final long SEED = 1_000_003;

    /**
     * How the 10^7 values are drawn, from a generator seeded alike for every pass, so that no
     * pass needs them all in memory.
     */
    record Data(String name, Function<Random, DoubleSupplier> values) {

        void forEach(final DoubleConsumer consumer) {
            final DoubleSupplier next = values.apply(new Random(SEED));
            for (int i = 0; i < SAMPLES; i++) {
                consumer.accept(next.getAsDouble());
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Data> adversarialData() {
        return Stream.of(
                // A double mean is rounded by up to 0.06 here; a spread of ±1e3 then loses 1e-5 of itself.
                new Data("1e15 + deviations of ±1e3", random -> () -> 1e15 + (random.nextDouble() - 0.5) * 2e3),
                // Both signs nearly cancel: the mean, some 1e11, is a 10^4th of the values; their magnitudes sum to 1e22.
                new Data("±1e15 + deviations of ±1e3", random -> () -> (random.nextBoolean() ? 1e15 : -1e15) + (random.nextDouble() - 0.5) * 2e3),
                // Ascending, so that every new value lies beyond the running mean on the same side.
                new Data("1e15 rising by 1e-3 per value", random -> new DoubleSupplier() {
                    private long i;

                    @Override
                    public double getAsDouble() {
                        return 1e15 + 1e-3 * i++ + random.nextInt(8) * 0.125;
                    }
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adversarialData")
    void shouldStayWithinOneInATrillionOfExactArithmeticInEveryGrouping(final Data data) {
        final ExactStatistics exact = new ExactStatistics();
        data.forEach(exact);
        final double mean = exact.mean().doubleValue();
        final double stddev = exact.stddev().doubleValue();
        final double sum = exact.sum().doubleValue();

        final Map<String, RunningStats> groupings = new LinkedHashMap<>();
        groupings.put("one partial", onePartial(data));
        groupings.put("partials of 100 merged in order", partialsMergedInOrder(data, 100));
        groupings.put("random partials merged in random order", randomPartialsMergedInRandomOrder(data, new Random(SEED + 1)));

        groupings.forEach((grouping, stats) -> {
            assertThat(stats.count()).as("count, %s", grouping).isEqualTo(SAMPLES);
            assertThat(stats.mean()).as("mean, %s", grouping).isCloseTo(mean, within(Math.abs(mean) * RELATIVE));
            assertThat(stats.stddev()).as("stddev, %s", grouping).isCloseTo(stddev, within(stddev * RELATIVE));
            assertThat(stats.total()).as("sum, %s", grouping).isCloseTo(sum, within(Math.abs(sum) * RELATIVE));
        });
    }

    private static RunningStats onePartial(final Data data) {
        final RunningStats[] stats = {RunningStats.EMPTY};
        data.forEach(value -> stats[0] = stats[0].add(value));
        return stats[0];
    }

    private static RunningStats partialsMergedInOrder(final Data data, final int size) {
        final RunningStats[] total = {RunningStats.EMPTY};
        final RunningStats[] partial = {RunningStats.EMPTY};
        data.forEach(value -> {
            partial[0] = partial[0].add(value);
            if (partial[0].count() == size) {
                total[0] = total[0].merge(partial[0]);
                partial[0] = RunningStats.EMPTY;
            }
        });
        return total[0].merge(partial[0]);
    }

    /** Each value into one of up to 2,000 partials at random; then any two merged, until one is left. */
    private static RunningStats randomPartialsMergedInRandomOrder(final Data data, final Random random) {
        final RunningStats[] partials = new RunningStats[1 + random.nextInt(2_000)];
        Arrays.fill(partials, RunningStats.EMPTY);
        data.forEach(value -> {
            final int i = random.nextInt(partials.length);
            partials[i] = partials[i].add(value);
        });
        final List<RunningStats> left = new ArrayList<>(List.of(partials));
        while (left.size() > 1) {
            final RunningStats a = left.remove(random.nextInt(left.size()));
            final RunningStats b = left.remove(random.nextInt(left.size()));
            left.add(a.merge(b));
        }
        return left.get(0);
    }
}
