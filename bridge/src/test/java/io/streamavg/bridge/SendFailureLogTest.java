package io.streamavg.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class SendFailureLogTest {

    private final AtomicLong clock = new AtomicLong(1_000);
    private final SendFailureLog log = new SendFailureLog(clock::get);
    private final Exception error = new TimeoutException("expired");

    @Test
    void shouldLogTheFirstFailureOfEachWindowAndOnlyCountTheRest() {
        assertThat(log.failed("c", "raw-lines", error)).isTrue();
        for (int i = 0; i < 1_000; i++) {
            assertThat(log.failed("c", "raw-lines", error)).isFalse();
        }

        clock.addAndGet(SendFailureLog.WINDOW.toNanos());

        assertThat(log.failed("c", "raw-lines", error)).isTrue();
        assertThat(log.failed("c", "raw-lines", error)).isFalse();
    }
}
