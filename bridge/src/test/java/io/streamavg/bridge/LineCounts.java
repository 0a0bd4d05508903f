package io.streamavg.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * "These lines, each exactly as often as expected" for hundreds of thousands of lines: AssertJ's
 * containsExactlyInAnyOrder compares every pair, which takes minutes at that size.
 */
final class LineCounts {

    private LineCounts() {
    }

    static void assertSameLines(final Collection<String> actual, final Collection<String> expected) {
        final Map<String, Long> difference = new HashMap<>();
        expected.forEach(line -> difference.merge(line, 1L, Long::sum));
        actual.forEach(line -> difference.merge(line, -1L, Long::sum));
        difference.values().removeIf(count -> count == 0);
        assertThat(difference).as("lines missing (> 0) or extra (< 0), of %s expected and %s read", expected.size(), actual.size())
                .isEmpty();
        assertThat(actual).hasSameSizeAs(expected);
    }
}
