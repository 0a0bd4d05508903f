package io.streamavg.bridge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.RejectReason;
import io.streamavg.wire.Topics;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: publishes each line the {@link LineFramer} cuts, unchanged, to
 * raw-lines (over-long ones and those that are not UTF-8 to raw-lines-dlq), and stops reading from the client while too many
 * of its sends are unanswered.
 */
final class BridgeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeHandler.class);

    /**
     * Unanswered sends at which the connection stops reading. 10k typical lines (about 0.7 MB)
     * cover several linger-and-acknowledge round trips at the 300k lines/s one producer sustains,
     * so a healthy broker never pauses a client; a slow or absent one stops the client instead of
     * filling the producer's buffer, whose exhaustion would block the event loop in send().
     */
    static final int MAX_UNACKNOWLEDGED = 10_000;
    /** Reading resumes once half are answered, so that a client is not paused and resumed line by line. */
    static final int RESUME_AT = MAX_UNACKNOWLEDGED / 2;

    private final Producer<byte[], byte[]> producer;
    private final BridgeMeters meters;
    private final String client;
    private final ConnectionRules rules;
    private final AtomicInteger unacknowledged = new AtomicInteger();
    /** When reading last (re)started, for the idle timeout: a client paused by back-pressure is not idle. */
    private long readingSinceNanos;

    BridgeHandler(final Producer<byte[], byte[]> producer, final BridgeMeters meters, final String client,
                  final ConnectionRules rules) {
        this.producer = producer;
        this.meters = meters;
        this.client = client;
        this.rules = rules;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        readingSinceNanos = ctx.executor().ticker().nanoTime();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof LineFramer.Line line) {
            meters.received.increment();
            final int invalid = Utf8Check.firstInvalidByte(line.bytes());
            if (invalid < 0) {
                send(ctx.channel(), new ProducerRecord<>(Topics.RAW_LINES, null, line.receivedAt(), null, line.bytes()));
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

    private void reject(final Channel channel, final byte[] value, final long receivedAt, final RejectReason reason,
                        final String detail) {
        LOG.debug("A line from {} goes to {}: {}", client, Topics.RAW_LINES_DLQ, detail);
        final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.RAW_LINES_DLQ, null, receivedAt, null, value);
        DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.REASON, reason.code());
        DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.DETAIL, detail);
        DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.SOURCE_CLIENT, client);
        send(channel, record);
    }

    private void send(final Channel channel, final ProducerRecord<byte[], byte[]> record) {
        if (unacknowledged.incrementAndGet() >= MAX_UNACKNOWLEDGED && channel.config().isAutoRead()) {
            LOG.debug("Pausing {}: {} sends unanswered", client, MAX_UNACKNOWLEDGED);
            channel.config().setAutoRead(false);
        }
        try {
            // May block the event loop while the producer fetches metadata or waits for buffer
            // space; the pause above keeps the latter rare.
            producer.send(record, (metadata, error) -> answered(channel, record.topic(), error));
        } catch (RuntimeException e) {
            answered(channel, record.topic(), e);
        }
    }

    /** Runs on the producer's I/O thread: count, log, and hand any resume to the event loop. */
    private void answered(final Channel channel, final String topic, final Exception error) {
        if (error == null) {
            meters.published.increment();
        } else {
            meters.sendFailures.increment();
            meters.failureLog.failed(client, topic, error);
        }
        if (unacknowledged.decrementAndGet() == RESUME_AT) {
            try {
                channel.eventLoop().execute(() -> resume(channel));
            } catch (RejectedExecutionException e) {
                // The bridge is shutting down: there is nothing left to read.
            }
        }
    }

    private void resume(final Channel channel) {
        // Reading may have pushed the count up again since this was scheduled; a later descent
        // through RESUME_AT schedules another resume.
        if (unacknowledged.get() <= RESUME_AT && !channel.config().isAutoRead()) {
            LOG.debug("Resuming {}", client);
            readingSinceNanos = channel.eventLoop().ticker().nanoTime();
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The client has said all it will; the bridge sends nothing back.
            ctx.close();
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
        return channel.config().isAutoRead()
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
