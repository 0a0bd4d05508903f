package io.streamavg.bridge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The shutdown's reading, frame by frame: what is read before the input stops is sent, nothing after it, no half line. */
class DrainGateTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final BridgeMeters tally = new BridgeMeters(new SimpleMeterRegistry());

    private EmbeddedChannel connect(final String... options) {
        final EmbeddedChannel channel = new EmbeddedChannel(new TestConnections(producer, tally, options).initializer);
        // Only elapse() moves the clock: on a loaded machine 100 ms of real time could pass between two writes.
        channel.freezeTime();
        return channel;
    }

    private static void write(final EmbeddedChannel channel, final String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, UTF_8));
    }

    private List<String> sent() {
        return producer.history().stream().map(ProducerRecord::value).map(value -> new String(value, UTF_8)).toList();
    }

    private static List<String> answers(final EmbeddedChannel channel) {
        channel.runPendingTasks(); // acknowledgements are written by a task on the connection's event loop
        final List<String> lines = new ArrayList<>();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            if (out.isReadable()) {
                lines.addAll(List.of(out.toString(UTF_8).split("\n")));
            }
            out.release();
        }
        return lines;
    }

    private static void elapse(final EmbeddedChannel channel, final Duration time) {
        channel.advanceTimeBy(time.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    @Test
    void shouldReadUntilTheClientIsQuietThenSendTheFinalCountAndDropTheUnfinishedLine() {
        final EmbeddedChannel channel = connect("ack", "true");
        write(channel, "1,2\n3,4\n5,");

        DrainGate.drain(channel, Duration.ofSeconds(10));
        channel.runPendingTasks();
        elapse(channel, DrainGate.QUIET.dividedBy(2));
        write(channel, "6\n7,");  // still arriving: the reading goes on, and completes the line
        elapse(channel, DrainGate.QUIET.dividedBy(2));
        assertThat(DrainGate.stopped(channel)).isFalse();
        elapse(channel, DrainGate.QUIET);
        assertThat(DrainGate.stopped(channel)).isTrue();
        write(channel, "8\n9,10\n");  // after the stop: discarded, and "7," with it

        assertThat(sent()).containsExactly("1,2", "3,4", "5,6");
        assertThat(answers(channel)).isEmpty();
        producer.completeNext();
        producer.completeNext();
        assertThat(answers(channel)).containsExactly("ok 2");
        producer.completeNext();
        assertThat(answers(channel)).containsExactly("ok 3");
        assertThat(channel.isOpen()).isFalse(); // EmbeddedChannel has no half-close: closed at once, no lingering
        assertThat(tally.snapshot().received()).isEqualTo(3);
    }

    @Test
    void shouldStopReadingAtTheTimeoutFromAClientThatNeverPauses() {
        final EmbeddedChannel channel = connect();
        DrainGate.drain(channel, Duration.ofSeconds(1));
        channel.runPendingTasks();
        // EmbeddedChannel has no half-close: the stopped connection closes at once, and takes no more.
        for (int i = 0; i < 20 && channel.isOpen(); i++) {
            write(channel, i + "\n");
            elapse(channel, Duration.ofMillis(100));
        }

        assertThat(sent()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldLeaveAConnectionWhoseClientEndedItsSideToFinishAsBefore() {
        final EmbeddedChannel channel = connect("ack", "true");
        write(channel, "1\n2");
        channel.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        DrainGate.drain(channel, Duration.ofSeconds(10));
        channel.runPendingTasks();
        elapse(channel, Duration.ofSeconds(1));

        producer.completeNext();
        producer.completeNext();
        assertThat(sent()).containsExactly("1", "2");  // the last line, ended by the client's FIN, counts
        assertThat(answers(channel)).containsExactly("ok 2");
        assertThat(channel.isOpen()).isFalse();
    }
}
