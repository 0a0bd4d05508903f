package io.streamavg.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowStatsSerdeTest {

    private static final Instant START = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void shouldWriteTheDocumentedJsonAndReadItBack() {
        final WindowStats stats = new WindowStats("0", START, START.plusSeconds(60), 3, 12.0, 4.0, 1.0, 7.0, 2.449489742783178);

        final byte[] json = new WindowStatsSerde().serialize(Topics.WINDOW_AVERAGES, stats);

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"column\":\"0\",\"windowStart\":\"2026-11-25T12:00:00Z\","
                + "\"windowEnd\":\"2026-11-25T12:01:00Z\",\"count\":3,\"sum\":12.0,\"mean\":4.0,\"min\":1.0,\"max\":7.0,"
                + "\"stddev\":2.449489742783178}");
        assertThat(new WindowStatsSerde().deserialize(Topics.WINDOW_AVERAGES, json)).isEqualTo(stats);
    }

    @Test
    void shouldWriteTheSameKeyBytesForTheSameWindow() {
        final WindowKeySerde serde = new WindowKeySerde();

        final byte[] key = serde.serialize(Topics.WINDOW_AVERAGES, new WindowKey("mean radius", START));

        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("{\"column\":\"mean radius\",\"windowStart\":\"2026-11-25T12:00:00Z\"}");
        assertThat(serde.serialize(Topics.WINDOW_AVERAGES, serde.deserialize(Topics.WINDOW_AVERAGES, key))).isEqualTo(key);
    }

    @Test
    void shouldKeyTheStatsByTheirWindow() {
        final WindowStats stats = new WindowStats("1", START, START.plusSeconds(60), 1, 2.0, 2.0, 2.0, 2.0, 0.0);

        assertThat(stats.key()).isEqualTo(new WindowKey("1", START));
    }
}
