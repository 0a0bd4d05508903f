package io.streamavg.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up each accepted connection, TLS (with --tls-cert), the shutdown's gate, framer then
 * handler, or refuses it, saying why, when --max-connections are open.
 */
final class BridgeChannelInitializer extends ChannelInitializer<Channel> {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeChannelInitializer.class);

    private final RecordSender sender;
    private final BridgeMeters meters;
    private final ChannelGroup clients;
    private final InFlightBytes inFlight;
    private final ConnectionRules rules;
    private final ByteMeter bytesIn;
    /** Null for plain TCP. */
    private final SslContext tls;

    BridgeChannelInitializer(final RecordSender sender, final BridgeMeters meters,
                             final ChannelGroup clients, final InFlightBytes inFlight, final ConnectionRules rules) {
        this(sender, meters, clients, inFlight, rules, null);
    }

    BridgeChannelInitializer(final RecordSender sender, final BridgeMeters meters, final ChannelGroup clients,
                             final InFlightBytes inFlight, final ConnectionRules rules, final SslContext tls) {
        this.tls = tls;
        this.sender = sender;
        this.meters = meters;
        this.clients = clients;
        this.inFlight = inFlight;
        this.rules = rules;
        this.bytesIn = new ByteMeter(meters);
    }

    @Override
    protected void initChannel(final Channel channel) {
        final String client = describe(channel.remoteAddress());
        if (tls != null) {
            // First: a client that does not speak TLS, or has no certificate --tls-client-ca
            // accepts, fails the handshake and is closed with no line read; a refused one reads why.
            channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()))
                    .addLast("tls-failures", new TlsHandshakeFailures(meters, client));
        }
        if (meters.openConnections.incrementAndGet() > rules.maxConnections()) {
            meters.openConnections.decrementAndGet();
            meters.connectionsRefused.increment();
            LOG.warn("Refused a connection from {}: --{} {} are open", client, BridgeConfig.MAX_CONNECTIONS, rules.maxConnections());
            channel.pipeline().addLast("refused", new RefusedClient("refused: " + rules.maxConnections()
                    + " clients are connected, the most this bridge serves (--" + BridgeConfig.MAX_CONNECTIONS + "); try again later"));
            return;
        }
        channel.closeFuture().addListener(closed -> meters.openConnections.decrementAndGet());
        channel.pipeline().addLast("drain", new DrainGate());
        clients.add(channel);
        inFlight.accepted(channel);
        if (!rules.idleTimeout().isZero()) {
            channel.pipeline().addLast("idle", new IdleStateHandler(rules.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        }
        channel.pipeline()
                .addLast("bytes-in", bytesIn)
                .addLast("framer", new LineFramer(rules.maxLineBytes()))
                .addLast("publisher", new BridgeHandler(sender, meters, inFlight, client, rules));
        LOG.debug("Accepted a connection from {}", client);
    }

    /** Counts the bytes clients send, before the framer holds any of them. */
    @ChannelHandler.Sharable
    private static final class ByteMeter extends ChannelInboundHandlerAdapter {

        private final BridgeMeters meters;

        ByteMeter(final BridgeMeters meters) {
            this.meters = meters;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            if (msg instanceof ByteBuf bytes) {
                meters.bytesReceived.increment(bytes.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static String describe(final SocketAddress address) {
        return address instanceof InetSocketAddress inet ? NetUtil.toSocketAddressString(inet) : String.valueOf(address);
    }
}
