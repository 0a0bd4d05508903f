package io.streamavg.bridge;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A client over {@code --max-connections}: it reads one line saying why, then the bridge's end of
 * the stream. What it sends meanwhile is read and dropped, and the socket closes once the client
 * closes its side or after {@link #LINGER}: closing with its bytes unread would send a reset, and a
 * reset may destroy the reason before the client reads it.
 */
final class RefusedClient extends ChannelInboundHandlerAdapter {

    static final Duration LINGER = Duration.ofSeconds(1);

    private final String reason;

    RefusedClient(final String reason) {
        this.reason = reason;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        ctx.writeAndFlush(ClientMessages.error(reason)).addListener((ChannelFutureListener) written -> {
            if (written.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            }
        });
        ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        ctx.close();
    }
}
