package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The in-process broker's settings: request threads no more than the cores and never more than
 * Kafka's defaults, and the idle timers of docs/BENCHMARKS.md's resources bench (that the broker
 * takes them is LocalStack's start, in every local integration test).
 */
class LocalBrokerSettingsTest {

    @Test
    void shouldSizeTheRequestThreadsToTheCores() {
        assertThat(LocalStack.brokerSettings(1)).containsEntry("num.io.threads", "2").containsEntry("num.network.threads", "1");
        assertThat(LocalStack.brokerSettings(2)).containsEntry("num.io.threads", "2").containsEntry("num.network.threads", "1");
        assertThat(LocalStack.brokerSettings(4)).containsEntry("num.io.threads", "4").containsEntry("num.network.threads", "2");
        assertThat(LocalStack.brokerSettings(64)).containsEntry("num.io.threads", "8").containsEntry("num.network.threads", "3");
    }

    @Test
    void shouldSpaceOutTheIdleTimers() {
        assertThat(LocalStack.brokerSettings(2)).containsEntry("group.coordinator.threads", "1")
                .containsEntry("metadata.max.idle.interval.ms", "5000").hasSize(4);
    }
}
