package io.streamavg.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamavg.wire.RejectReason;
import java.util.EnumMap;
import java.util.Map;

/**
 * The topology's meters ({@code streamavg_topology_*} at {@code /metrics}), shared by every task of
 * the instance. They count processing, not committed results: lines reprocessed after a crash
 * under exactly-once count again here, though never twice in the statistics.
 */
public final class TopologyMeters {

    private final Counter parsed;
    private final Counter late;
    private final Counter duplicates;
    private final Counter sessionGaps;
    private final Counter sessionsExpired;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);

    public TopologyMeters(final MeterRegistry registry) {
        parsed = Counter.builder("streamavg.topology.lines.parsed")
                .description("Lines parsed into cells and folded into the statistics").register(registry);
        late = Counter.builder("streamavg.topology.late.lines")
                .description("Lines that arrived after their window closed: counted in the cumulative statistics only").register(registry);
        duplicates = Counter.builder("streamavg.topology.duplicate.lines")
                .description("Lines of a resumable session dropped because the session had counted their number already").register(registry);
        sessionGaps = Counter.builder("streamavg.topology.session.gaps")
                .description("Times a session's line number jumped past the next one (lines set aside by the bridge, or a forgotten session)")
                .register(registry);
        sessionsExpired = Counter.builder("streamavg.topology.sessions.expired")
                .description("Resumable sessions forgotten after --session-retention without a line").register(registry);
        for (final RejectReason reason : RejectReason.values()) {
            rejected.put(reason, Counter.builder("streamavg.topology.lines.rejected").tag("reason", reason.code())
                    .description("Lines sent to raw-lines-dlq by the topology, by reason").register(registry));
        }
    }

    void parsed() {
        parsed.increment();
    }

    void late() {
        late.increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void sessionGap() {
        sessionGaps.increment();
    }

    void sessionsExpired(final int sessions) {
        sessionsExpired.increment(sessions);
    }

    void rejected(final RejectReason reason) {
        rejected.get(reason).increment();
    }
}
