package io.streamavg.bridge;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;

/** Connections set up as a bridge started with given options sets them up, for tests on EmbeddedChannels. */
final class TestConnections {

    /** The producer's default delivery.timeout.ms. */
    static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(2);

    final ChannelGroup clients = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    final InFlightBytes inFlight;
    final RecordSender sender;
    final BridgeChannelInitializer initializer;

    /** @param options name, value, … as on the command line without the dashes; the defaults otherwise */
    TestConnections(final Producer<byte[], byte[]> producer, final BridgeMeters meters, final String... options) {
        final Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap-servers", "unused:9092");
        for (int i = 0; i < options.length; i += 2) {
            settings.put(options[i], options[i + 1]);
        }
        final BridgeConfig config = new BridgeConfig(settings);
        inFlight = new InFlightBytes(config.maxBytesInFlight(), clients, meters);
        sender = new RecordSender(producer, DELIVERY_TIMEOUT, meters);
        initializer = new BridgeChannelInitializer(sender, meters, clients, inFlight, ConnectionRules.of(config));
    }
}
