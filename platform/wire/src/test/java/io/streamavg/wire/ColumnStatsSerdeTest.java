package io.streamavg.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ColumnStatsSerdeTest {

    private final ColumnStatsSerde serde = new ColumnStatsSerde();

    @Test
    void shouldWriteTheDocumentedJsonAndReadItBack() {
        final ColumnStats stats = new ColumnStats("0", 3, 12.0, 4.0, 1.0, 7.0, 2.449489742783178);

        final byte[] json = serde.serialize("column-averages", stats);

        assertThat(new String(json, StandardCharsets.UTF_8))
                .isEqualTo("{\"column\":\"0\",\"count\":3,\"sum\":12.0,\"mean\":4.0,\"min\":1.0,\"max\":7.0,\"stddev\":2.449489742783178}");
        assertThat(serde.deserialize("column-averages", json)).isEqualTo(stats);
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void shouldWriteAnInfiniteSumAsAStringInValidJsonAndReadItBack(final double sum) throws IOException {
        final ColumnStats stats = new ColumnStats("0", 2, sum, Math.copySign(1.7e308, sum), -1.7e308, 1.7e308, 0.0);

        final byte[] json = serde.serialize("column-averages", stats);

        // A strict parser: bare NaN or Infinity tokens, which JSON does not have, would fail here.
        final JsonNode tree = new ObjectMapper().readTree(json);
        assertThat(tree.get("sum").isTextual()).isTrue();
        assertThat(tree.get("sum").textValue()).isEqualTo(sum > 0 ? "Infinity" : "-Infinity");
        assertThat(tree.get("mean").isNumber()).isTrue();
        assertThat(serde.deserialize("column-averages", json)).isEqualTo(stats);
    }

    @Test
    void shouldPassTombstonesThrough() {
        assertThat(serde.serialize("column-averages", null)).isNull();
        assertThat(serde.deserialize("column-averages", null)).isNull();
    }
}
