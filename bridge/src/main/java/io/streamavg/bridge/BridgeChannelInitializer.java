package io.streamavg.bridge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sets up each accepted connection, framer then handler, or refuses it when --max-connections are open. */
final class BridgeChannelInitializer extends ChannelInitializer<Channel> {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeChannelInitializer.class);

    private final Producer<byte[], byte[]> producer;
    private final BridgeCounters.Tally tally;
    private final ChannelGroup clients;
    private final int maxLineBytes;
    private final int maxConnections;

    BridgeChannelInitializer(final Producer<byte[], byte[]> producer, final BridgeCounters.Tally tally,
                             final ChannelGroup clients, final int maxLineBytes, final int maxConnections) {
        this.producer = producer;
        this.tally = tally;
        this.clients = clients;
        this.maxLineBytes = maxLineBytes;
        this.maxConnections = maxConnections;
    }

    @Override
    protected void initChannel(final Channel channel) {
        final String client = describe(channel.remoteAddress());
        if (tally.openConnections.incrementAndGet() > maxConnections) {
            tally.openConnections.decrementAndGet();
            tally.connectionsRefused.increment();
            LOG.warn("Refused a connection from {}: --{} {} are open", client, BridgeConfig.MAX_CONNECTIONS, maxConnections);
            channel.close();
            return;
        }
        channel.closeFuture().addListener(closed -> tally.openConnections.decrementAndGet());
        clients.add(channel);
        channel.pipeline()
                .addLast("framer", new LineFramer(maxLineBytes))
                .addLast("publisher", new BridgeHandler(producer, tally, client));
        LOG.debug("Accepted a connection from {}", client);
    }

    private static String describe(final SocketAddress address) {
        return address instanceof InetSocketAddress inet ? NetUtil.toSocketAddressString(inet) : String.valueOf(address);
    }
}
