package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class RandomLinesTest {

    /** -1000.000 comes once in 2 million cells: these seeds and lines are known to draw it (the loadgen's first four connections). */
    @Test
    void shouldWriteEveryCellAsADecimalInRangeTheLowestIncluded() {
        boolean lowest = false;
        for (long seed = 1; seed <= 4; seed++) {
            final RandomLines lines = new RandomLines(seed, 8);
            for (int i = 0; i < 50_000; i++) {
                final String[] cells = lines.next().split(",", -1);
                assertThat(cells).hasSize(8);
                for (final String cell : cells) {
                    assertThat(cell).matches("-?(0|[1-9][0-9]{0,3})\\.[0-9]{3}");
                    assertThat(new BigDecimal(cell)).isBetween(new BigDecimal("-1000.000"), new BigDecimal("999.999"));
                    lowest |= cell.equals("-1000.000");
                }
            }
        }
        assertThat(lowest).isTrue();
    }

    @Test
    void shouldFitTheLongestLineInTheRoomItAsksFor() {
        final RandomLines lines = new RandomLines(1, 3);
        final byte[] room = new byte[lines.maxLineBytes()];

        assertThat(room.length).isEqualTo(3 * "-1000.000,".length() + 1);
        for (int i = 0; i < 100_000; i++) {
            assertThat(lines.write(room, 0)).isLessThan(room.length);
        }
    }
}
