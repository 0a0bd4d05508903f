package io.streamavg.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class MarkerLatenciesTest {

    private static final long MS = 1_000_000L;

    @Test
    void shouldTimeEachMarkerFromItsSendToTheFirstPollThatShowsIt() {
        final MarkerLatencies latencies = new MarkerLatencies(List.of("8", "9"), Map.of());
        latencies.sent("8", 1_000 * MS);
        latencies.sent("9", 1_020 * MS);
        latencies.observed(1_100 * MS, Map.of("0", 5_000L)); // neither shows yet
        latencies.observed(1_250 * MS, Map.of("8", 1L));
        latencies.observed(1_300 * MS, Map.of("8", 1L, "9", 1L));
        assertThat(latencies.latencies()).containsExactly(250 * MS, 280 * MS);
        assertThat(latencies.inFlight()).isZero();
    }

    /** Partitions may deliver a later marker first: each column names its one marker all the same. */
    @Test
    void shouldAttributeMarkersShowingOutOfOrder() {
        final MarkerLatencies latencies = new MarkerLatencies(List.of("8", "9"), Map.of("8", 3L));
        latencies.sent("8", 0);
        latencies.sent("9", 10 * MS);
        latencies.observed(100 * MS, Map.of("8", 3L, "9", 1L));
        latencies.observed(400 * MS, Map.of("8", 4L, "9", 1L));
        assertThat(latencies.latencies()).containsExactly(90 * MS, 400 * MS);
    }

    /** A stage's time is the first record of the marker's column after its send; records of idle columns are not markers. */
    @Test
    void shouldTimeEachStageFromTheFirstRecordOfTheMarkersColumnAfterItsSend() {
        final MarkerLatencies latencies = new MarkerLatencies(List.of("8", "9"), Map.of(), 2);
        latencies.seen(new StageProbe.Seen(0, "8", 990 * MS)); // before any marker: not one
        latencies.sent("8", 1_000 * MS);
        latencies.sent("9", 1_000 * MS);
        latencies.seen(new StageProbe.Seen(0, "8", 1_010 * MS));
        latencies.seen(new StageProbe.Seen(0, "8", 1_020 * MS)); // later records of the column: the first counts
        latencies.seen(new StageProbe.Seen(1, "8", 1_200 * MS));
        latencies.seen(new StageProbe.Seen(1, "9", 1_300 * MS)); // stage 0 missed 9's
        latencies.observed(1_250 * MS, Map.of("8", 1L));
        latencies.observed(1_290 * MS, Map.of("8", 1L, "9", 1L));
        assertThat(latencies.stageLatencies()).containsExactly(List.of(10 * MS), List.of(200 * MS, 290 * MS));
        latencies.seen(new StageProbe.Seen(0, "8", 1_400 * MS)); // nothing in flight: ignored
        assertThat(latencies.stageLatencies().get(0)).containsExactly(10 * MS);
    }

    @Test
    void shouldReadTheMarkerColumnOfARawLineOnly() {
        assertThat(StageProbe.markerColumnOfLine(",,,,,,,,,1".getBytes(), 8)).contains("9");
        assertThat(StageProbe.markerColumnOfLine(PipelineBench.markerLine(12), 8)).contains("12");
        assertThat(StageProbe.markerColumnOfLine("1.5,2,3,4,5,6,7,8".getBytes(), 8)).isEmpty();
        assertThat(StageProbe.markerColumnOfLine(",,,1,,,,,,".getBytes(), 8)).isEmpty();
        assertThat(StageProbe.markerColumnOfLine(",,,".getBytes(), 8)).isEmpty();
    }

    @Test
    void shouldHandOutOnlyColumnsWithNoMarkerInFlight() {
        final MarkerLatencies latencies = new MarkerLatencies(List.of("8", "9"), Map.of());
        latencies.sent(latencies.freeColumn().orElseThrow(), 0);
        assertThat(latencies.freeColumn()).contains("9");
        latencies.sent("9", 1);
        assertThat(latencies.freeColumn()).isEmpty();
        assertThatThrownBy(() -> latencies.sent("8", 2)).isInstanceOf(IllegalStateException.class);
        latencies.observed(5, Map.of("8", 1L));
        assertThat(latencies.freeColumn()).contains("8");
        // The second marker of a column is expected at count 2.
        latencies.sent("8", 10);
        latencies.observed(20, Map.of("8", 1L, "9", 1L));
        latencies.observed(30, Map.of("8", 2L, "9", 1L));
        assertThat(latencies.latencies()).containsExactly(5L, 19L, 20L);
    }

    /** A count the bench's markers cannot explain means it is not measuring what it says. */
    @Test
    void shouldFailOnACountBeyondTheMarkersSent() {
        final MarkerLatencies latencies = new MarkerLatencies(List.of("8"), Map.of());
        latencies.sent("8", 0);
        assertThatThrownBy(() -> latencies.observed(10, Map.of("8", 2L))).hasMessageContaining("counts 2, expected at most 1");
        final MarkerLatencies idle = new MarkerLatencies(List.of("8"), Map.of());
        assertThatThrownBy(() -> idle.observed(10, Map.of("8", 1L))).hasMessageContaining("expected at most 0");
        assertThatThrownBy(() -> idle.sent("7", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldTakeNearestRankPercentiles() {
        final List<Long> oneToHundred = LongStream.rangeClosed(1, 100).boxed().toList();
        assertThat(MarkerLatencies.Summary.of(oneToHundred)).isEqualTo(new MarkerLatencies.Summary(100, 50, 99, 100));
        // Shuffled; with fewer than 100 values p99 is the largest one.
        final List<Long> ten = List.of(7L, 3L, 9L, 1L, 10L, 2L, 8L, 4L, 6L, 5L);
        assertThat(MarkerLatencies.Summary.of(ten)).isEqualTo(new MarkerLatencies.Summary(10, 5, 10, 10));
        assertThat(MarkerLatencies.Summary.of(List.of(42L))).isEqualTo(new MarkerLatencies.Summary(1, 42, 42, 42));
        final List<Long> twoHundred = LongStream.rangeClosed(1, 200).boxed().toList();
        assertThat(MarkerLatencies.Summary.of(twoHundred).p99Nanos()).isEqualTo(198);
        assertThatThrownBy(() -> MarkerLatencies.Summary.of(List.of())).hasMessageContaining("no marker");
    }

    @Test
    void shouldPutTheMarkersOnlyValueInItsColumn() {
        assertThat(new String(PipelineBench.markerLine(3), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(",,,1\n");
        assertThat(new String(PipelineBench.markerLine(0), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("1\n");
    }
}
