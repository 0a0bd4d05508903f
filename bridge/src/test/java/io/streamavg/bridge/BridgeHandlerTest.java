package io.streamavg.bridge;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** What happens to sends and connections, with a producer whose answers the test controls. */
class BridgeHandlerTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final BridgeMeters tally = new BridgeMeters(new SimpleMeterRegistry());
    private final BridgeChannelInitializer initializer = new BridgeChannelInitializer(producer, tally,
            new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), TestRules.with("max-line-bytes", "100", "max-connections", "2"));

    private static void writeLines(final EmbeddedChannel channel, final int lines) {
        channel.writeInbound(Unpooled.copiedBuffer("1,2\n".repeat(lines), UTF_8));
    }

    @Test
    void shouldCountFailedSendAsFailureNotAsPublishedWhenKafkaRejectsIt() {
        final EmbeddedChannel channel = new EmbeddedChannel(initializer);
        writeLines(channel, 3);

        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.errorNext(new TimeoutException("expired in the producer's buffer"))).isTrue();
        assertThat(producer.completeNext()).isTrue();

        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(3, 2, 1, 0, 0, 0, 0, 1));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldCountUnansweredSendsAsNeitherPublishedNorFailedWhileKafkaHasNotAnswered() {
        final EmbeddedChannel channel = new EmbeddedChannel(initializer);
        writeLines(channel, 2);

        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(2, 0, 0, 0, 0, 0, 0, 1));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldStopReadingWhenTooManySendsAreUnansweredAndResumeWhenHalfAreAnswered() {
        final EmbeddedChannel channel = new EmbeddedChannel(initializer);
        writeLines(channel, BridgeHandler.MAX_UNACKNOWLEDGED - 1);
        assertThat(channel.config().isAutoRead()).isTrue();

        writeLines(channel, 1);
        assertThat(channel.config().isAutoRead()).isFalse();

        for (int i = 0; i < BridgeHandler.MAX_UNACKNOWLEDGED - BridgeHandler.RESUME_AT - 1; i++) {
            producer.completeNext();
        }
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).isFalse();

        producer.completeNext();
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(tally.snapshot().published()).isEqualTo(BridgeHandler.MAX_UNACKNOWLEDGED - BridgeHandler.RESUME_AT);
    }

    @Test
    void shouldRefuseAndCountConnectionSayingWhyWhenMaxConnectionsAreOpen() {
        final EmbeddedChannel first = new EmbeddedChannel(initializer);
        final EmbeddedChannel second = new EmbeddedChannel(initializer);
        final EmbeddedChannel refused = new EmbeddedChannel(initializer);

        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isTrue();
        assertThat(text(refused.readOutbound()))
                .isEqualTo("error refused: 2 clients are connected, the most this bridge serves (--max-connections); try again later\n");
        // What a refused client sends is read and dropped, never published.
        writeLines(refused, 3);
        assertThat(producer.history()).isEmpty();
        refused.advanceTimeBy(RefusedClient.LINGER.toMillis(), TimeUnit.MILLISECONDS);
        refused.runScheduledPendingTasks();
        assertThat(refused.isOpen()).isFalse();
        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(0, 0, 0, 0, 0, 1, 0, 2));

        first.close();
        final EmbeddedChannel accepted = new EmbeddedChannel(initializer);
        assertThat(accepted.isOpen()).isTrue();
        assertThat((Object) accepted.readOutbound()).isNull();
        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(0, 0, 0, 0, 0, 1, 0, 2));
    }

    @Test
    void shouldCloseAClientSayingWhyWhenItSendsNothingForTheIdleTimeout() {
        final EmbeddedChannel channel = new EmbeddedChannel(new BridgeChannelInitializer(producer, tally,
                new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), TestRules.with("idle-timeout", "60")));
        channel.advanceTimeBy(59, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        writeLines(channel, 1);
        channel.advanceTimeBy(59, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();

        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(text(channel.readOutbound())).isEqualTo("error idle: nothing received for 60 s (--idle-timeout)\n");
        assertThat(channel.isOpen()).isFalse();
        assertThat(tally.snapshot().idleClosed()).isEqualTo(1);
    }

    @Test
    void shouldNotCloseAClientAsIdleWhileItsReadingIsPaused() {
        final EmbeddedChannel channel = new EmbeddedChannel(new BridgeChannelInitializer(producer, tally,
                new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), TestRules.with("idle-timeout", "60")));
        channel.config().setAutoRead(false);
        channel.advanceTimeBy(200, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isTrue();
        assertThat(tally.snapshot().idleClosed()).isZero();
    }

    private static String text(final Object message) {
        final ByteBuf bytes = (ByteBuf) message;
        try {
            return bytes.toString(UTF_8);
        } finally {
            bytes.release();
        }
    }
}
