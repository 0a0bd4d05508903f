package io.streamavg.bridge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamavg.wire.RejectReason;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bridge's meters ({@code streamavg_bridge_*} at {@code /metrics}), bumped from event loops and
 * producer callbacks without locking.
 */
final class BridgeMeters {

    final Counter received;
    final Counter bytesReceived;
    final Counter published;
    final Counter sendFailures;
    final Counter tooLong;
    final Counter invalidUtf8;
    final Counter connectionsRefused;
    final Counter idleClosed;
    final AtomicInteger openConnections = new AtomicInteger();
    final SendFailureLog failureLog = new SendFailureLog();

    BridgeMeters(final MeterRegistry registry) {
        received = Counter.builder("streamavg.bridge.lines.received")
                .description("Lines framed from clients, whatever became of them").register(registry);
        bytesReceived = Counter.builder("streamavg.bridge.bytes.received")
                .description("Bytes read from clients, line terminators included").register(registry);
        published = Counter.builder("streamavg.bridge.lines.published")
                .description("Records acknowledged by Kafka, on raw-lines or (rejected lines) raw-lines-dlq").register(registry);
        sendFailures = Counter.builder("streamavg.bridge.send.failures")
                .description("Records Kafka did not acknowledge: lost, and logged").register(registry);
        tooLong = rejected(registry, RejectReason.LINE_TOO_LONG);
        invalidUtf8 = rejected(registry, RejectReason.INVALID_UTF8);
        connectionsRefused = Counter.builder("streamavg.bridge.connections.refused")
                .description("Clients refused, with a reason, because --max-connections were open").register(registry);
        idleClosed = Counter.builder("streamavg.bridge.connections.idle.closed")
                .description("Connections closed after --idle-timeout without a byte from the client").register(registry);
        Gauge.builder("streamavg.bridge.connections.open", openConnections, AtomicInteger::get)
                .description("Clients connected now").register(registry);
    }

    private static Counter rejected(final MeterRegistry registry, final RejectReason reason) {
        return Counter.builder("streamavg.bridge.lines.rejected").tag("reason", reason.code())
                .description("Lines sent to raw-lines-dlq by the bridge, by reason").register(registry);
    }

    BridgeCounters snapshot() {
        return new BridgeCounters(count(received), count(published), count(sendFailures), count(tooLong),
                count(invalidUtf8), count(connectionsRefused), count(idleClosed), openConnections.get());
    }

    private static long count(final Counter counter) {
        return (long) counter.count();
    }
}
