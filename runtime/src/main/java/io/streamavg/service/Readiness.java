package io.streamavg.service;

import java.util.Map;
import java.util.StringJoiner;

/** Whether a service can do its work now, and if not, why: what {@code GET /health} reports. */
public record Readiness(boolean ready, String reason) {

    public static Readiness up() {
        return new Readiness(true, "ready");
    }

    public static Readiness down(final String reason) {
        return new Readiness(false, reason);
    }

    /** Ready when every named part is; otherwise the reasons of those that are not. */
    public static Readiness allOf(final Map<String, Readiness> parts) {
        final StringJoiner reasons = new StringJoiner("; ");
        parts.forEach((name, readiness) -> {
            if (!readiness.ready()) {
                reasons.add(name + ": " + readiness.reason());
            }
        });
        return reasons.length() == 0 ? up() : down(reasons.toString());
    }
}
