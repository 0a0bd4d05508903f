package io.streamavg.runtime;

import java.util.Map;
import java.util.StringJoiner;

/**
 * Whether a service is up in one sense (live: not wedged; ready: able to do its work now), and if
 * not, why: what {@code GET /health/live} and {@code GET /health/ready} report.
 */
public record Health(boolean ok, String reason) {

    private static final Health UP = new Health(true, "ok");

    public static Health up() {
        return UP;
    }

    public static Health down(final String reason) {
        return new Health(false, reason);
    }

    /** Up when every named part is; otherwise the reasons of those that are not. */
    public static Health allOf(final Map<String, Health> parts) {
        final StringJoiner reasons = new StringJoiner("; ");
        parts.forEach((name, health) -> {
            if (!health.ok()) {
                reasons.add(name + ": " + health.reason());
            }
        });
        return reasons.length() == 0 ? up() : down(reasons.toString());
    }
}
