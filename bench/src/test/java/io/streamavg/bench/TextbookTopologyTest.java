package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamavg.wire.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextbookTopologyTest {

    @TempDir
    Path stateDir;

    /** The baseline must be a correct program, or beating it means nothing. */
    @Test
    void shouldCountAndSumEveryColumnOfTheOriginalExample() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "textbook-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(TextbookTopology.build(), props)) {
            final var input = driver.createInputTopic(Topics.RAW_LINES, new ByteArraySerializer(), new StringSerializer());
            final var output = driver.createOutputTopic(TextbookTopology.OUTPUT, new StringDeserializer(),
                    TextbookTopology.CountSum.SERDE.deserializer());
            List.of("1,2,3", "4,5,6", "7,8,9").forEach(line -> input.pipeInput(null, line));

            assertThat(output.readKeyValuesToMap()).isEqualTo(Map.of(
                    "0", new TextbookTopology.CountSum(3, 12),
                    "1", new TextbookTopology.CountSum(3, 15),
                    "2", new TextbookTopology.CountSum(3, 18)));
        }
    }
}
