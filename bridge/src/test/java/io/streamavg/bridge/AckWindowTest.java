package io.streamavg.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AckWindowTest {

    @Test
    void shouldAcknowledgeOnlyTheLongestAnsweredPrefixWhenAnswersComeOutOfOrder() {
        final AckWindow window = new AckWindow();
        for (int i = 0; i < 5; i++) {
            window.next();
        }
        assertThat(window.answered(2)).isFalse();
        assertThat(window.answered(3)).isFalse();
        assertThat(window.acknowledged()).isZero();
        assertThat(window.answered(1)).isTrue();
        assertThat(window.acknowledged()).isEqualTo(3);
        assertThat(window.answered(5)).isFalse();
        assertThat(window.answered(4)).isTrue();
        assertThat(window.acknowledged()).isEqualTo(5);
    }

    @Test
    void shouldMatchAStraightforwardCountWhenManyLinesAreOutstandingAndAnsweredShuffled() {
        final Random random = new Random(7);
        final AckWindow window = new AckWindow();
        final List<Long> outstanding = new ArrayList<>();
        final boolean[] answered = new boolean[100_001];
        long reference = 0;
        for (int round = 0; round < 200; round++) {
            final int more = random.nextInt(1_000);
            for (int i = 0; i < more && window.sent() < 100_000; i++) {
                outstanding.add(window.next());
            }
            Collections.shuffle(outstanding, random);
            final int answer = random.nextInt(outstanding.size() + 1);
            for (int i = 0; i < answer; i++) {
                final long line = outstanding.remove(outstanding.size() - 1);
                answered[(int) line] = true;
                window.answered(line);
            }
            while (reference < window.sent() && answered[(int) reference + 1]) {
                reference++;
            }
            assertThat(window.acknowledged()).isEqualTo(reference);
        }
        outstanding.forEach(window::answered);
        assertThat(window.acknowledged()).isEqualTo(window.sent());
    }

    @Test
    void shouldNumberAResumedSessionAfterTheClientsCount() {
        final AckWindow window = new AckWindow();
        window.resumeAt(1_000_000_000_000L);
        final long first = window.next();
        final long second = window.next();
        assertThat(window.answered(second)).isFalse();
        assertThat(window.acknowledged()).isEqualTo(1_000_000_000_000L);
        assertThat(window.answered(first)).isTrue();

        assertThat(first).isEqualTo(1_000_000_000_001L);
        assertThat(window.acknowledged()).isEqualTo(1_000_000_000_002L);
        assertThatThrownBy(() -> window.resumeAt(5)).isInstanceOf(IllegalStateException.class);
    }
}
