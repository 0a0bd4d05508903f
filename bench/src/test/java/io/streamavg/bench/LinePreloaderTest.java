package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LinePreloaderTest {

    @Test
    void shouldWriteTheSameLinesForTheSameSeed() {
        assertThat(lines(new LinePreloader(7, 8), 1000)).isEqualTo(lines(new LinePreloader(7, 8), 1000))
                .isNotEqualTo(lines(new LinePreloader(8, 8), 1000));
    }

    @Test
    void shouldWriteEveryCellAsADecimalWithThreeDigitsBetweenMinusAndPlusAThousand() {
        for (final String line : lines(new LinePreloader(1, 8), 10_000)) {
            final String[] cells = line.split(",", -1);
            assertThat(cells).hasSize(8);
            for (final String cell : cells) {
                assertThat(cell).matches("-?(0|[1-9][0-9]{0,3})\\.[0-9]{3}");
                assertThat(Double.parseDouble(cell)).isBetween(-1000.0, 999.999);
            }
        }
    }

    private static List<String> lines(final LinePreloader preloader, final int count) {
        return IntStream.range(0, count).mapToObj(i -> preloader.nextLine()).toList();
    }
}
