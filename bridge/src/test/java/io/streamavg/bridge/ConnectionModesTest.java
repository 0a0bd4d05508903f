package io.streamavg.bridge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.LineHeaders;
import io.streamavg.wire.RejectReason;
import io.streamavg.wire.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The header and acknowledged modes, frame by frame, with a producer whose answers the test controls. */
class ConnectionModesTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final BridgeMeters tally = new BridgeMeters(new SimpleMeterRegistry());

    private EmbeddedChannel connect(final String... options) {
        return new EmbeddedChannel(new TestConnections(producer, tally, options).initializer);
    }

    private static void write(final EmbeddedChannel channel, final byte[] bytes, final int chunk) {
        for (int from = 0; from < bytes.length; from += chunk) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, Math.min(chunk, bytes.length - from)));
        }
    }

    private static List<String> answers(final EmbeddedChannel channel) {
        final List<String> lines = new ArrayList<>();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            if (out.isReadable()) { // the flush before a close is an empty write
                lines.addAll(List.of(out.toString(UTF_8).split("\n")));
            }
            out.release();
        }
        return lines;
    }

    private static String columns(final ProducerRecord<byte[], byte[]> record) {
        final Header header = record.headers().lastHeader(LineHeaders.COLUMNS);
        return header == null ? null : new String(header.value(), UTF_8);
    }

    @Test
    void shouldSendTheFirstLineAsTheColumnsOfEveryLaterLineWhenHeaderModeIsOn() {
        final EmbeddedChannel channel = connect("header", "true");
        write(channel, "\uFEFF\"mean radius\",\"mean, texture\",x\r\n1,2,3\n4,5,6\n".getBytes(UTF_8), 5);
        producer.completeNext();
        producer.completeNext();

        assertThat(producer.history()).hasSize(2).allSatisfy(record -> {
            assertThat(record.topic()).isEqualTo(Topics.RAW_LINES);
            // As received: no byte-order mark, no line end, quotes and all; the topology splits it.
            assertThat(columns(record)).isEqualTo("\"mean radius\",\"mean, texture\",x");
        });
        assertThat(producer.history()).extracting(record -> new String(record.value(), UTF_8)).containsExactly("1,2,3", "4,5,6");
        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(2, 2, 0, 0, 0, 0, 0, 1));
        assertThat(tally.headers.count()).isEqualTo(1);
    }

    @Test
    void shouldKeepEachConnectionsOwnHeader() {
        final EmbeddedChannel first = connect("header", "true");
        final EmbeddedChannel second = connect("header", "true");
        write(first, "a,b\n".getBytes(UTF_8), 100);
        write(second, "c,d\n".getBytes(UTF_8), 100);
        write(first, "1,2\n".getBytes(UTF_8), 100);
        write(second, "3,4\n".getBytes(UTF_8), 100);

        assertThat(producer.history()).extracting(record -> new String(record.value(), UTF_8) + " " + columns(record))
                .containsExactly("1,2 a,b", "3,4 c,d");
    }

    @Test
    void shouldSendNoColumnsHeaderWhenHeaderModeIsOff() {
        final EmbeddedChannel channel = connect();
        write(channel, "a,b\n1,2\n".getBytes(UTF_8), 100);

        assertThat(producer.history()).hasSize(2).allSatisfy(record -> assertThat(columns(record)).isNull());
    }

    @Test
    void shouldKeyEveryRecordOfAConnectionWithItsOwnIdWhenKeyIsConnection() {
        final EmbeddedChannel first = connect("key", "connection");
        final EmbeddedChannel second = connect("key", "connection");
        write(first, "1\n2\n".getBytes(UTF_8), 100);
        write(second, "3\n".getBytes(UTF_8), 100);
        write(first, new byte[] {(byte) 0xFF, '\n'}, 100);

        final List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).hasSize(4).allSatisfy(record -> assertThat(new String(record.key(), UTF_8)).hasSize(36));
        assertThat(sent.get(1).key()).isEqualTo(sent.get(0).key());
        assertThat(sent.get(3).topic()).isEqualTo(Topics.RAW_LINES_DLQ);
        assertThat(sent.get(3).key()).isEqualTo(sent.get(0).key());
        assertThat(sent.get(2).key()).isNotEqualTo(sent.get(0).key());
    }

    @Test
    void shouldCloseSayingWhyAndSetTheHeaderAsideWhenItIsNotUtf8() {
        final EmbeddedChannel channel = connect("header", "true");
        write(channel, new byte[] {'a', (byte) 0xFF, '\n', '1', '\n'}, 100);

        assertThat(answers(channel)).containsExactly("error the first line must name the columns (--header): it is not valid UTF-8");
        assertThat(channel.isOpen()).isFalse();
        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo(Topics.RAW_LINES_DLQ);
            assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON)).isEqualTo(RejectReason.INVALID_UTF8.code());
        });
    }

    @Test
    void shouldCloseSayingWhyWhenTheHeaderIsEmpty() {
        final EmbeddedChannel channel = connect("header", "true");
        write(channel, "\n1,2\n".getBytes(UTF_8), 100);

        assertThat(answers(channel)).containsExactly("error the first line must name the columns (--header): it is empty");
        assertThat(channel.isOpen()).isFalse();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldAnswerTheLatestCountAsKafkaAcknowledgesLines() {
        // Answers arriving out of order are AckWindowTest's; here the count reaches the client.
        final EmbeddedChannel channel = connect("ack", "true");
        write(channel, "1\n2\n3\n4\n".getBytes(UTF_8), 3);
        assertThat(answers(channel)).isEmpty();

        producer.completeNext();
        channel.runPendingTasks();
        assertThat(answers(channel)).containsExactly("ok 1");
        producer.completeNext();
        producer.completeNext();
        channel.runPendingTasks();
        // One write for both: a later count says all an earlier one would.
        assertThat(answers(channel)).containsExactly("ok 3");
        producer.completeNext();
        channel.runPendingTasks();
        assertThat(answers(channel)).containsExactly("ok 4");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldAnswerTheFinalCountAndCloseOnceEveryLineReadIsAcknowledgedAfterTheClientEndsItsSide() {
        final EmbeddedChannel channel = connect("ack", "true", "header", "true");
        write(channel, "a,b\n1,2\n3,4\n5,6".getBytes(UTF_8), 4);
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(channel.isOpen()).isTrue();
        producer.completeNext();
        producer.completeNext();
        channel.runPendingTasks();
        assertThat(answers(channel)).containsExactly("ok 2");
        assertThat(channel.isOpen()).isTrue();

        producer.completeNext();
        channel.runPendingTasks();
        // The header is not a line of the count; the unterminated last line is.
        assertThat(answers(channel)).containsExactly("ok 3");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldAnswerOkZeroAndCloseWhenTheClientSendsNothing() {
        final EmbeddedChannel channel = connect("ack", "true");
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(answers(channel)).containsExactly("ok 0");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldCountLinesSentToTheDeadLetterTopicAsLinesOfTheSession() {
        final EmbeddedChannel channel = connect("ack", "true", "max-line-bytes", "4");
        write(channel, "1\n12345\n\u00ff\n".getBytes(UTF_8), 100);
        write(channel, new byte[] {(byte) 0xFF, '\n'}, 100);
        while (producer.completeNext()) {
            channel.runPendingTasks();
        }
        channel.runPendingTasks();

        assertThat(answers(channel)).last().isEqualTo("ok 4");
    }

    @Test
    void shouldTellTheLastCountThenWhyAndCloseWhenKafkaFinallyRefusesALine() {
        final EmbeddedChannel channel = connect("ack", "true");
        write(channel, "1\n2\n3\n".getBytes(UTF_8), 100);
        producer.completeNext();
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for raw-lines-1: 120000 ms has passed"));
        producer.completeNext();
        channel.runPendingTasks();

        assertThat(answers(channel)).containsExactly("ok 1",
                "error Kafka did not acknowledge a line of this connection: Expiring 1 record(s) for raw-lines-1: 120000 ms has passed");
        assertThat(channel.isOpen()).isFalse();
    }
}
