package io.streamavg.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** What the handler does outside the topology's records; the records themselves are covered in {@link StatsTopologyTest}. */
class DeadLetterOnErrorTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void shouldRefuseToStartWithoutTheInstancesMeters() {
        assertThatThrownBy(() -> new DeadLetterOnError().configure(Map.of("application.id", "streamavg")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(DeadLetterOnError.METERS_CONFIG);
    }

    @Test
    void shouldFailWithoutCountingWhenAPunctuationFailsSinceThereIsNoRecordToSetAside() {
        final DeadLetterOnError handler = new DeadLetterOnError();
        handler.configure(Map.of(DeadLetterOnError.METERS_CONFIG, new TopologyMeters(registry)));
        // What Kafka Streams passes for a punctuation: no source topic, no record.
        final ErrorHandlerContext punctuation = new Context(null, -1, -1L, new RecordHeaders(), "partial-stats",
                new TaskId(0, 0), 0L, null, null);

        final ProcessingExceptionHandler.Response response = handler.handleError(punctuation, (Record<?, ?>) null,
                new IllegalStateException("flush"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
        assertThat(registry.find("streamavg.topology.lines.rejected").counters()).extracting(Counter::count).containsOnly(0.0);
    }

    private record Context(String topic, int partition, long offset, Headers headers, String processorNodeId, TaskId taskId,
                           long timestamp, byte[] sourceRawKey, byte[] sourceRawValue) implements ErrorHandlerContext {
    }
}
