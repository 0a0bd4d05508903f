package io.streamavg.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-process broker's request threads: no more than the cores, and never more than Kafka's defaults. */
class LocalBrokerSettingsTest {

    @Test
    void shouldSizeTheRequestThreadsToTheCores() {
        assertThat(LocalStack.brokerSettings(1)).isEqualTo(Map.of("num.io.threads", "2", "num.network.threads", "1"));
        assertThat(LocalStack.brokerSettings(2)).isEqualTo(Map.of("num.io.threads", "2", "num.network.threads", "1"));
        assertThat(LocalStack.brokerSettings(4)).isEqualTo(Map.of("num.io.threads", "4", "num.network.threads", "2"));
        assertThat(LocalStack.brokerSettings(64)).isEqualTo(Map.of("num.io.threads", "8", "num.network.threads", "3"));
    }
}
