package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/** The reference the precision tests trust, checked against BigDecimal's own exact conversion. */
class ExactStatisticsTest {

    @Test
    void shouldGiveTheOriginalExamplesStatistics() {
        final ExactStatistics exact = ExactStatistics.of(1, 4, 7);

        assertThat(exact.sum()).isEqualByComparingTo("12");
        assertThat(exact.mean()).isEqualByComparingTo("4");
        assertThat(exact.stddev()).isEqualByComparingTo(new BigDecimal(6).sqrt(new MathContext(50)));
    }

    @Test
    void shouldSumTheExactValuesOfDoublesOfEveryMagnitude() {
        final double[] values = {0.1, -Double.MAX_VALUE, Double.MIN_VALUE, 1e15 + 0.125, -0.0, 3 * Double.MIN_NORMAL, 1e308};
        BigDecimal expected = BigDecimal.ZERO;
        for (final double value : values) {
            expected = expected.add(new BigDecimal(value));
        }

        assertThat(ExactStatistics.of(values).sum()).isEqualByComparingTo(expected);
    }

    @Test
    void shouldGiveZeroSpreadForEqualValues() {
        assertThat(ExactStatistics.of(0.1, 0.1, 0.1).stddev()).isEqualByComparingTo("0");
        assertThat(ExactStatistics.of(0.0, 0.0).stddev()).isEqualByComparingTo("0");
    }
}
