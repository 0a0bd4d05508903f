package io.streamavg.bridge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Ends one connection's input when the bridge stops, without cutting or losing a line. Asked to
 * {@link #drain}, it goes on passing what the client sends until nothing has arrived for
 * {@link #QUIET} (what the client had sent is then read), the client ends its side, or the
 * shutdown timeout passes. Then it stops the input: it fires {@link InputStopped} (the handler
 * finishes the connection as after a half-close: the final {@code ok N} once Kafka has answered,
 * then the close), drops the unfinished line the framer holds, and discards whatever arrives
 * after. Closing then half-closes our side and waits up to {@link #LINGER} for the client to close
 * its own: closing a socket with unread bytes would send a reset, which can destroy the final
 * {@code ok N} on its way.
 *
 * <p>Everything but {@link #drain} runs on the connection's event loop.
 */
final class DrainGate extends ChannelDuplexHandler {

    /** A connection with nothing arriving for this long while it reads has sent all it had. */
    static final Duration QUIET = Duration.ofMillis(200);
    /** How long a closing, stopped connection waits for its client to close its side. */
    static final Duration LINGER = Duration.ofSeconds(2);

    /** Fired down the pipeline once the input is stopped: nothing more will be read from this connection. */
    enum InputStopped {
        INSTANCE
    }

    private enum State { OPEN, DRAINING, STOPPED, LINGERING }

    private State state = State.OPEN;
    private ChannelHandlerContext context;
    private long lastReadNanos;
    private long deadlineNanos;
    private boolean inputEnded;
    private ChannelPromise closePromise;
    private boolean closing;

    /** Whether {@code channel}'s input is stopped: nothing it sends is read as lines any more. */
    static boolean stopped(final Channel channel) {
        final DrainGate gate = channel.pipeline().get(DrainGate.class);
        return gate != null && (gate.state == State.STOPPED || gate.state == State.LINGERING);
    }

    /** From any thread: reads on what the client already sent, for up to {@code readFor}, then stops the input. */
    static void drain(final Channel channel, final Duration readFor) {
        final DrainGate gate = channel.pipeline().get(DrainGate.class);
        if (gate == null) {
            return;
        }
        try {
            channel.eventLoop().execute(() -> gate.startDraining(readFor));
        } catch (RejectedExecutionException e) {
            // Its event loop has stopped: the connection is closed.
        }
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        context = ctx;
        lastReadNanos = now();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (state == State.STOPPED || state == State.LINGERING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        lastReadNanos = now();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (state == State.LINGERING) {
                closeNow(ctx);
                return;
            }
            if (state == State.STOPPED) {
                // Not passed on: the framer would take the unfinished line it holds as ended, and publish half a line.
                inputEnded = true;
                return;
            }
            inputEnded = true;
        } else if (evt instanceof InFlightBytes.ReadingResumed) {
            // What arrived while paused is in the socket: not quiet yet.
            lastReadNanos = now();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        if (state == State.LINGERING) {
            closeNow(ctx);
        }
        super.channelInactive(ctx);
    }

    private void startDraining(final Duration readFor) {
        if (state != State.OPEN || inputEnded || !context.channel().isActive()) {
            // A client that ended its side is being finished already, and a closed one is done.
            return;
        }
        state = State.DRAINING;
        deadlineNanos = now() + readFor.toNanos();
        check();
    }

    private void check() {
        if (state != State.DRAINING) {
            return;
        }
        final long now = now();
        final boolean reading = context.channel().config().isAutoRead();
        if (inputEnded || now - deadlineNanos >= 0 || (reading && now - lastReadNanos >= QUIET.toNanos())) {
            stop();
            return;
        }
        final long quietAt = reading ? lastReadNanos + QUIET.toNanos() : now + QUIET.toNanos();
        final long next = Math.min(quietAt, deadlineNanos) - now;
        context.executor().schedule(this::check, Math.max(1, next), TimeUnit.NANOSECONDS);
    }

    private void stop() {
        state = State.STOPPED;
        if (inputEnded) {
            return; // the handler had the end of the input already, and finishes the connection
        }
        // Discarded from now on, so read them: unread bytes at the close would reset the connection.
        context.channel().config().setAutoRead(true);
        context.fireUserEventTriggered(InputStopped.INSTANCE);
    }

    @Override
    public void close(final ChannelHandlerContext ctx, final ChannelPromise promise) {
        if (state != State.STOPPED || inputEnded || !ctx.channel().isActive() || !(ctx.channel() instanceof DuplexChannel channel)) {
            ctx.close(promise);
            return;
        }
        state = State.LINGERING;
        closePromise = promise;
        final SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            channel.shutdownOutput();
        } else {
            // close_notify first, so that a TLS client reads a clean end after the last 'ok N'.
            tls.closeOutbound().addListener((ChannelFutureListener) sent -> channel.shutdownOutput());
        }
        ctx.executor().schedule(() -> closeNow(ctx), LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeNow(final ChannelHandlerContext ctx) {
        if (!closing) {
            closing = true;
            ctx.close(closePromise);
        }
    }

    private long now() {
        return context.executor().ticker().nanoTime();
    }
}
