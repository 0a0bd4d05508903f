package io.streamavg.bridge;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.streamavg.testkit.Eventually;
import java.time.Duration;
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
    private final TestConnections connections = new TestConnections(producer, tally,
            "max-line-bytes", "100", "max-connections", "2", "max-bytes-in-flight", "1024");
    private final BridgeChannelInitializer initializer = connections.initializer;

    private static void writeLines(final EmbeddedChannel channel, final int lines) {
        channel.writeInbound(Unpooled.copiedBuffer("1,2\n".repeat(lines), UTF_8));
    }

    @Test
    void shouldCountFailedSendAndCloseItsConnectionSayingWhyWhenKafkaRejectsIt() {
        final EmbeddedChannel channel = new EmbeddedChannel(initializer);
        final EmbeddedChannel other = new EmbeddedChannel(initializer);
        writeLines(channel, 3);
        writeLines(other, 1);

        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.errorNext(new TimeoutException("Expiring 1 record(s) for raw-lines-0: 120000 ms has passed"))).isTrue();
        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.completeNext()).isTrue();
        channel.runPendingTasks();

        assertThat(text(channel.readOutbound())).isEqualTo(
                "error Kafka did not acknowledge a line of this connection: Expiring 1 record(s) for raw-lines-0: 120000 ms has passed\n");
        assertThat(channel.isOpen()).isFalse();
        assertThat(other.isOpen()).isTrue();
        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(4, 3, 1, 0, 0, 0, 0, 1));
        assertThat(connections.inFlight.bytes()).isZero();
    }

    @Test
    void shouldCountUnansweredSendsAsNeitherPublishedNorFailedWhileKafkaHasNotAnswered() {
        final EmbeddedChannel channel = new EmbeddedChannel(initializer);
        writeLines(channel, 2);

        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(2, 0, 0, 0, 0, 0, 0, 1));
        assertThat(connections.inFlight.bytes()).isEqualTo(2 * (InFlightBytes.RECORD_OVERHEAD + 3));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldStopReadingOnEveryConnectionAtTheBoundAndResumeAllAtHalfOfIt() {
        final int lineCost = InFlightBytes.RECORD_OVERHEAD + "1,2".length();
        final int toReachBound = (1024 + lineCost - 1) / lineCost;
        final TestConnections bounded = new TestConnections(producer, tally, "max-bytes-in-flight", "1024");
        // Ids of their own: EmbeddedChannels share one by default, and a channel group holds one channel per id.
        final EmbeddedChannel writer = new EmbeddedChannel(DefaultChannelId.newInstance(), bounded.initializer);
        final EmbeddedChannel quiet = new EmbeddedChannel(DefaultChannelId.newInstance(), bounded.initializer);
        writeLines(writer, toReachBound - 1);
        assertThat(writer.config().isAutoRead()).isTrue();
        assertThat(quiet.config().isAutoRead()).isTrue();

        writeLines(writer, 1);
        assertThat(writer.config().isAutoRead()).isFalse();
        assertThat(quiet.config().isAutoRead()).isFalse();
        assertThat(bounded.inFlight.paused()).isTrue();
        final EmbeddedChannel late = new EmbeddedChannel(DefaultChannelId.newInstance(), bounded.initializer);
        assertThat(late.config().isAutoRead()).as("a client arriving now starts paused").isFalse();

        final int toResume = toReachBound - 512 / lineCost;
        for (int i = 0; i < toResume - 1; i++) {
            assertThat(producer.completeNext()).isTrue();
        }
        assertThat(writer.config().isAutoRead()).isFalse();
        assertThat(producer.completeNext()).isTrue();
        assertThat(bounded.inFlight.bytes()).isLessThanOrEqualTo(512);
        assertThat(writer.config().isAutoRead()).isTrue();
        assertThat(quiet.config().isAutoRead()).isTrue();
        assertThat(late.config().isAutoRead()).isTrue();
        assertThat(tally.snapshot().published()).isEqualTo(toResume);
    }

    @Test
    void shouldKeepLinesTheProducerCannotQueueAtOnceAndSendThemInOrderWhenItCan() {
        final EmbeddedChannel channel = new EmbeddedChannel(initializer);
        // What a producer that never waits says while it has no metadata (after a rebootstrap).
        producer.sendException = new org.apache.kafka.common.errors.TimeoutException("Topic raw-lines not present in metadata after 0 ms.");
        channel.writeInbound(Unpooled.copiedBuffer("1\n2\n3\n", UTF_8));
        assertThat(producer.history()).isEmpty();
        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(3, 0, 0, 0, 0, 0, 0, 1));
        assertThat(tally.parked.count()).isEqualTo(3);

        producer.sendException = null;
        Eventually.assertWithin(Duration.ofSeconds(10), () -> assertThat(producer.history()).hasSize(3));
        assertThat(producer.history()).extracting(record -> new String(record.value(), UTF_8)).containsExactly("1", "2", "3");
        while (producer.completeNext()) {
            // answer every send
        }
        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(3, 3, 0, 0, 0, 0, 0, 1));
        assertThat(connections.inFlight.bytes()).isZero();
        assertThat(channel.isOpen()).isTrue();
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
        final EmbeddedChannel channel = new EmbeddedChannel(new TestConnections(producer, tally, "idle-timeout", "60").initializer);
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
        final EmbeddedChannel channel = new EmbeddedChannel(new TestConnections(producer, tally, "idle-timeout", "60").initializer);
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
