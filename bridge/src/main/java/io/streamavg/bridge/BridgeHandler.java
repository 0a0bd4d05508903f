package io.streamavg.bridge;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.LineHeaders;
import io.streamavg.wire.RejectReason;
import io.streamavg.wire.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: publishes each line the {@link LineFramer} cuts, unchanged, to
 * raw-lines (over-long ones and those that are not UTF-8 to raw-lines-dlq). Every send counts
 * against the bridge-wide {@link InFlightBytes} until Kafka answers it. A line Kafka finally
 * refuses closes the connection, after a line telling the client, so that it knows. In header
 * mode the first line names the columns of the others; in acknowledged mode the client reads
 * {@code ok N} as Kafka acknowledges its lines, and the final count after it ends its side. A
 * {@link SessionLine} may open an acknowledged connection: its lines then continue that session,
 * numbered in record headers, so that the topology counts a line resent after a lost connection once.
 */
final class BridgeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeHandler.class);

    private final RecordSender sender;
    private final BridgeMeters meters;
    private final InFlightBytes inFlight;
    private final String client;
    private final ConnectionRules rules;
    /** When reading last (re)started, for the idle timeout: a client paused by back-pressure is not idle. */
    private long readingSinceNanos;
    private final AtomicBoolean failed = new AtomicBoolean();

    // Header mode, on the event loop.
    private boolean awaitingHeader;
    /** The connection's first line, as received: the value of every record's column-names header. */
    private byte[] columns;
    /** The header line (or a session line) was unusable: the connection is closing, and what follows it is not read. */
    private boolean refused;

    /** No line yet: the first may be a {@link SessionLine}. */
    private boolean awaitingSession = true;
    /** The connection continues this session (ASCII), whose lines it numbers; null for an anonymous one. */
    private byte[] session;

    // Acknowledged mode: the window is shared with the producer's I/O thread, the rest is the event loop's.
    private final AckWindow acks;
    private final AtomicBoolean ackWriteScheduled = new AtomicBoolean();
    private long lastAckWritten;
    private boolean inputEnded;
    private boolean finished;
    private Channel channel;
    /** With --key connection, this connection's id; a session's ID; null otherwise. */
    private byte[] key;

    BridgeHandler(final RecordSender sender, final BridgeMeters meters, final InFlightBytes inFlight,
                  final String client, final ConnectionRules rules) {
        this.sender = sender;
        this.meters = meters;
        this.inFlight = inFlight;
        this.client = client;
        this.rules = rules;
        this.awaitingHeader = rules.header();
        this.acks = rules.ack() ? new AckWindow() : null;
        this.key = rules.keyByConnection() ? UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII) : null;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        readingSinceNanos = ctx.executor().ticker().nanoTime();
        channel = ctx.channel();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (refused && (msg instanceof LineFramer.Line || msg instanceof LineFramer.OverlongLine)) {
            return;
        }
        if (awaitingSession && (msg instanceof LineFramer.Line || msg instanceof LineFramer.OverlongLine)) {
            awaitingSession = false;
            if (msg instanceof LineFramer.Line line && SessionLine.isSessionLine(line.bytes())) {
                openSession(ctx, line.bytes());
                return;
            }
            if (msg instanceof LineFramer.OverlongLine line && SessionLine.isSessionLine(line.firstBytes())) {
                refuseSession(ctx, "the session line is longer than --" + BridgeConfig.MAX_LINE_BYTES + " " + line.limit());
                return;
            }
        }
        if (awaitingHeader && msg instanceof LineFramer.Line line) {
            awaitingHeader = false;
            if (line.bytes().length > 0 && Utf8Check.firstInvalidByte(line.bytes()) < 0) {
                columns = line.bytes();
                meters.headers.increment();
                return;
            }
            // Every later line would be misnamed: set the header aside if it is bad input, and tell the client.
            refuseHeader(ctx, line.bytes().length == 0 ? "it is empty" : "it is not valid UTF-8");
            if (line.bytes().length == 0) {
                return;
            }
        } else if (awaitingHeader && msg instanceof LineFramer.OverlongLine) {
            awaitingHeader = false;
            refuseHeader(ctx, "it is longer than --" + BridgeConfig.MAX_LINE_BYTES + " " + rules.maxLineBytes());
        }
        if (msg instanceof LineFramer.Line line) {
            meters.received.increment();
            final int invalid = Utf8Check.firstInvalidByte(line.bytes());
            if (invalid < 0) {
                // Keyed lines go where their key does; the others to this event loop's partition.
                final Integer partition = key == null
                        ? sender.linePartition(InFlightBytes.RECORD_OVERHEAD + line.bytes().length) : null;
                send(ctx.channel(), new ProducerRecord<>(Topics.RAW_LINES, partition, line.receivedAt(), key, line.bytes()));
            } else {
                meters.invalidUtf8.increment();
                reject(ctx.channel(), line.bytes(), line.receivedAt(), RejectReason.INVALID_UTF8,
                        "line is not valid UTF-8: byte " + invalid + " (0x" + Integer.toHexString(line.bytes()[invalid] & 0xFF)
                                + ") does not begin a well-formed sequence");
            }
        } else if (msg instanceof LineFramer.OverlongLine line) {
            meters.received.increment();
            meters.tooLong.increment();
            reject(ctx.channel(), line.firstBytes(), line.receivedAt(), RejectReason.LINE_TOO_LONG,
                    "line of at least " + line.bytesSeen() + " bytes exceeds --" + BridgeConfig.MAX_LINE_BYTES + " " + line.limit());
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** The connection's lines continue the session its first line names; the session line is not one of them. */
    private void openSession(final ChannelHandlerContext ctx, final byte[] line) {
        final SessionLine opened;
        try {
            if (acks == null) {
                throw new IllegalArgumentException("sessions need acknowledged mode (--" + BridgeConfig.ACK
                        + " true): a client resumes from the last 'ok N', and this bridge writes none");
            }
            opened = SessionLine.parse(line);
        } catch (IllegalArgumentException e) {
            refuseSession(ctx, e.getMessage());
            return;
        }
        session = opened.id().getBytes(StandardCharsets.US_ASCII);
        key = session;
        acks.resumeAt(opened.acknowledged());
        (opened.acknowledged() == 0 ? meters.sessionsStarted : meters.sessionsResumed).increment();
        LOG.debug("The connection from {} continues session {} after its line {}", client, opened.id(), opened.acknowledged());
    }

    private void refuseSession(final ChannelHandlerContext ctx, final String why) {
        refused = true;
        meters.sessionsRefused.increment();
        LOG.debug("Closing the connection from {}: its session line is unusable, {}", client, why);
        ctx.writeAndFlush(ClientMessages.error("session: " + why)).addListener(ChannelFutureListener.CLOSE);
    }

    private void refuseHeader(final ChannelHandlerContext ctx, final String why) {
        refused = true;
        LOG.debug("Closing the connection from {}: its header line is unusable, {}", client, why);
        ctx.writeAndFlush(ClientMessages.error("the first line must name the columns (--" + BridgeConfig.HEADER + "): " + why))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void reject(final Channel channel, final byte[] value, final long receivedAt, final RejectReason reason,
                        final String detail) {
        LOG.debug("A line from {} goes to {}: {}", client, Topics.RAW_LINES_DLQ, detail);
        final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.RAW_LINES_DLQ, null, receivedAt, key, value);
        DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.REASON, reason.code());
        DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.DETAIL, detail);
        DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.SOURCE_CLIENT, client);
        send(channel, record);
    }

    private void send(final Channel channel, final ProducerRecord<byte[], byte[]> record) {
        if (columns != null) {
            record.headers().add(LineHeaders.COLUMNS, columns);
        }
        final long line = acks == null ? 0 : acks.next();
        if (session != null) {
            record.headers().add(LineHeaders.SESSION, session);
            record.headers().add(LineHeaders.SEQUENCE, LineHeaders.encodeSequence(line));
        }
        final Delivery delivery = new Delivery(channel, record.topic(), size(record), line);
        inFlight.sending(channel, delivery.size);
        sender.send(record, delivery);
    }

    private static long size(final ProducerRecord<byte[], byte[]> record) {
        long size = InFlightBytes.RECORD_OVERHEAD + record.value().length + (record.key() == null ? 0 : record.key().length);
        for (final Header header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    /** Kafka's answer to one line's record. */
    private final class Delivery extends PendingSend {

        private final Channel channel;
        private final String topic;
        private final long size;
        private final long line;

        Delivery(final Channel channel, final String topic, final long size, final long line) {
            this.channel = channel;
            this.topic = topic;
            this.size = size;
            this.line = line;
        }

        @Override
        void answered(final Exception error) {
            if (error == null) {
                meters.published.increment();
                if (acks != null && acks.answered(line)) {
                    scheduleAckWrite();
                }
            } else {
                meters.sendFailures.increment();
                meters.failureLog.failed(client, topic, error);
                deliveryFailed(channel, error);
            }
            inFlight.answered(size);
        }
    }

    /**
     * Tells the client that a line it sent is lost, once, and closes: a client that keeps writing
     * would not know. In acknowledged mode the last count comes first, so the client knows which
     * of its lines are safe.
     */
    private void deliveryFailed(final Channel channel, final Exception error) {
        if (failed.compareAndSet(false, true)) {
            meters.connectionsFailed.increment();
            onEventLoop(() -> {
                finished = true;
                if (acks != null && acks.acknowledged() > lastAckWritten) {
                    channel.write(ClientMessages.ok(acks.acknowledged()));
                }
                channel.writeAndFlush(ClientMessages.error("Kafka did not acknowledge a line of this connection: " + error.getMessage()))
                        .addListener(ChannelFutureListener.CLOSE);
            });
        }
    }

    private void onEventLoop(final Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            // The bridge is shutting down and has closed every connection.
        }
    }

    /** From the producer's I/O thread: one write task at a time, which writes the latest count. */
    private void scheduleAckWrite() {
        if (ackWriteScheduled.compareAndSet(false, true)) {
            onEventLoop(() -> {
                ackWriteScheduled.set(false);
                writeAcks();
            });
        }
    }

    /**
     * Writes the latest count when it grew: a later count says all an earlier one would, so while
     * the client does not read (the socket is not writable) none piles up. Once the client has
     * ended its side and every line is answered, the final count, then the close.
     */
    private void writeAcks() {
        if (finished) {
            return;
        }
        final long acknowledged = acks.acknowledged();
        if (inputEnded && acknowledged == acks.sent()) {
            // The last count before the end of the stream is the final one: written unless it already was.
            finished = true;
            if (acknowledged > lastAckWritten || acknowledged == 0) {
                channel.write(ClientMessages.ok(acknowledged));
            }
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (acknowledged > lastAckWritten && channel.isWritable()) {
            lastAckWritten = acknowledged;
            channel.writeAndFlush(ClientMessages.ok(acknowledged));
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        if (acks != null && ctx.channel().isWritable()) {
            writeAcks();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
        if (evt instanceof ChannelInputShutdownEvent || evt instanceof DrainGate.InputStopped) {
            // The client ended its side, or the bridge is stopping and has read what it sent: finish alike.
            inputEnded = true;
            if (acks == null) {
                // The client has said all it will; the bridge sends nothing back.
                ctx.close();
            } else if (!refused) {
                writeAcks();
            }
        } else if (evt instanceof InFlightBytes.ReadingResumed) {
            readingSinceNanos = ctx.executor().ticker().nanoTime();
        } else if (evt instanceof IdleStateEvent && idle(ctx.channel())) {
            meters.idleClosed.increment();
            LOG.debug("Closing the connection from {}: nothing received for {} s", client, rules.idleTimeout().toSeconds());
            ctx.writeAndFlush(ClientMessages.error("idle: nothing received for " + rules.idleTimeout().toSeconds()
                    + " s (--" + BridgeConfig.IDLE_TIMEOUT + ")")).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Netty's reader-idle event counts paused time too; only time spent reading counts here. */
    private boolean idle(final Channel channel) {
        // A client that ended its side waits for its final count, however long Kafka takes.
        return !inputEnded && channel.config().isAutoRead()
                && channel.eventLoop().ticker().nanoTime() - readingSinceNanos >= rules.idleTimeout().toNanos();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Connection from {} failed: {}", client, cause.toString());
        } else {
            LOG.warn("Closing the connection from {}", client, cause);
        }
        ctx.close();
    }
}
