package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link SessionMark} against the plain set of the numbers counted, and its stored form. */
class SessionMarkTest {

    @Test
    void shouldSayCountedForExactlyTheNumbersCountedWhateverTheirOrder() {
        final Random random = new Random(8);
        for (int round = 0; round < 200; round++) {
            SessionMark mark = SessionMark.NONE;
            final TreeSet<Long> counted = new TreeSet<>();
            long newest = Long.MIN_VALUE;
            for (int line = 0; line < 100; line++) {
                final long sequence = 1 + random.nextInt(120);
                assertThat(mark.counted(sequence)).as("round %s, line %s: %s", round, sequence, counted).isEqualTo(counted.contains(sequence));
                if (!counted.contains(sequence)) {
                    mark = mark.counting(sequence, line);
                    counted.add(sequence);
                    newest = line;
                }
                mark = SessionMark.decode(mark.encode());
            }
            for (long sequence = 1; sequence <= 121; sequence++) {
                assertThat(mark.counted(sequence)).isEqualTo(counted.contains(sequence));
            }
            assertThat(mark.highest()).isEqualTo(counted.last());
            assertThat(mark.lastSeen()).isEqualTo(newest);
        }
    }

    @Test
    void shouldKeepTheNewestGapsOnlyAndTheNewestTime() {
        SessionMark mark = SessionMark.NONE.counting(2, 50).counting(4, 10).counting(6, 20);
        assertThat(mark.gaps()).containsExactly(1, 1, 3, 3, 5, 5);
        assertThat(mark.lastSeen()).isEqualTo(50);
        assertThat(SessionMark.lastSeen(mark.encode())).isEqualTo(50);

        mark = mark.withAtMostGaps(2);
        assertThat(mark.gaps()).containsExactly(3, 3, 5, 5);
        assertThat(mark.counted(1)).isTrue();
        assertThat(mark.counted(3)).isFalse();
    }
}
