package io.streamavg.bridge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamavg.wire.RejectReason;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

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
    final Counter connectionsFailed;
    final Counter pausedSeconds;
    final Counter parked;
    final Counter headers;
    final Counter sessionsStarted;
    final Counter sessionsResumed;
    final Counter sessionsRefused;
    final Counter tlsRefused;
    final AtomicInteger openConnections = new AtomicInteger();
    final SendFailureLog failureLog = new SendFailureLog();

    private final MeterRegistry registry;

    BridgeMeters(final MeterRegistry registry) {
        this.registry = registry;
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
        connectionsFailed = Counter.builder("streamavg.bridge.connections.delivery.failed")
                .description("Connections closed because Kafka did not acknowledge one of their lines in time").register(registry);
        pausedSeconds = Counter.builder("streamavg.bridge.backpressure.paused.seconds")
                .description("Time every client was paused because --max-bytes-in-flight were unanswered by Kafka").register(registry);
        parked = Counter.builder("streamavg.bridge.sends.parked")
                .description("Records the producer could not queue at once (no metadata, no buffer space), kept and sent again")
                .register(registry);
        headers = Counter.builder("streamavg.bridge.headers.received")
                .description("Header lines read in --header mode, one per connection; not counted as lines").register(registry);
        sessionsStarted = Counter.builder("streamavg.bridge.sessions.started")
                .description("Connections opened with 'session ID 0': a session's first connection").register(registry);
        sessionsResumed = Counter.builder("streamavg.bridge.sessions.resumed")
                .description("Connections opened with 'session ID N', N > 0: a session continued after a lost connection").register(registry);
        sessionsRefused = Counter.builder("streamavg.bridge.sessions.refused")
                .description("Connections closed after an unusable session line (malformed, or without --ack)").register(registry);
        tlsRefused = Counter.builder("streamavg.bridge.connections.tls.failed")
                .description("Clients closed because their TLS handshake failed (not TLS, no or an untrusted client certificate)")
                .register(registry);
        Gauge.builder("streamavg.bridge.connections.open", openConnections, AtomicInteger::get)
                .description("Clients connected now").register(registry);
    }

    /** The gauges of the bridge-wide bound, registered by its owner. */
    void inFlight(final AtomicLong bytes, final BooleanSupplier paused) {
        Gauge.builder("streamavg.bridge.bytes.in.flight", bytes::get)
                .description("Bytes sent to Kafka and not yet answered (keys, values, headers and a per-record overhead)")
                .register(registry);
        Gauge.builder("streamavg.bridge.backpressure.paused", () -> paused.getAsBoolean() ? 1 : 0)
                .description("1 while every client is paused by back-pressure").register(registry);
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
