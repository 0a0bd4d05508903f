package io.streamavg.bridge;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.streamavg.wire.DeadLetterHeaders;
import io.streamavg.wire.RejectReason;
import io.streamavg.wire.Topics;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How bytes written by a client become records, through the real initializer, framer and handler. */
class LineFramerTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final BridgeMeters tally = new BridgeMeters(new SimpleMeterRegistry());

    private EmbeddedChannel connect(final int maxLineBytes) {
        return new EmbeddedChannel(new TestConnections(producer, tally, "max-line-bytes", String.valueOf(maxLineBytes)).initializer);
    }

    private static void write(final EmbeddedChannel channel, final byte[] bytes, final int chunk) {
        for (int from = 0; from < bytes.length; from += chunk) {
            channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunk))));
        }
    }

    private static void write(final EmbeddedChannel channel, final String... chunks) {
        for (final String chunk : chunks) {
            channel.writeInbound(Unpooled.copiedBuffer(chunk, UTF_8));
        }
    }

    private List<ProducerRecord<byte[], byte[]>> sent(final String topic) {
        return producer.history().stream().filter(record -> record.topic().equals(topic)).toList();
    }

    private List<String> published() {
        return sent(Topics.RAW_LINES).stream().map(record -> new String(record.value(), UTF_8)).toList();
    }

    @Test
    void shouldPublishOneLineWhenItArrivesSplitAcrossManyWrites() {
        final EmbeddedChannel channel = connect(100);
        write(channel, "12.5,".getBytes(UTF_8), 1);
        write(channel, "3,4", "4", "\r", "\n");

        assertThat(published()).containsExactly("12.5,3,44");
        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(1, 1, 0, 0, 0, 0, 0, 1));
    }

    @Test
    void shouldPublishEveryLineInOrderWhenManyArriveInOneWrite() {
        final EmbeddedChannel channel = connect(100);
        write(channel, "1,2\n3,4\n5,6\n7");
        write(channel, ",8\n");

        assertThat(published()).containsExactly("1,2", "3,4", "5,6", "7,8");
    }

    @Test
    void shouldEndLinesAtLfAndCrLfAndKeepALoneCrWhenMixed() {
        final EmbeddedChannel channel = connect(100);
        write(channel, "a\r\nb\nc\r\nd\re\n");

        assertThat(published()).containsExactly("a", "b", "c", "d\re");
    }

    @Test
    void shouldPublishLastLineWithoutNewlineWhenInputEndsCleanly() {
        final EmbeddedChannel channel = connect(100);
        write(channel, "1,2\n3,");
        write(channel, "4");
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(published()).containsExactly("1,2", "3,4");
        assertThat(channel.isOpen()).isFalse();
        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(2, 2, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void shouldDropPartialLineWhenConnectionIsReset() {
        final EmbeddedChannel channel = connect(100);
        write(channel, "1,2\n3,4");
        // What Netty does when a read fails: the error first, then the end of input.
        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(published()).containsExactly("1,2");
        assertThat(channel.isOpen()).isFalse();
        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(1, 1, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void shouldDropPartialLineWhenBridgeClosesConnection() {
        final EmbeddedChannel channel = connect(100);
        write(channel, "1,2\n3,4");
        channel.close();

        assertThat(published()).containsExactly("1,2");
    }

    @ParameterizedTest(name = "written {0} bytes at a time")
    @CsvSource({"1, 17", "7, 21", "1000, 40"})
    void shouldSendFirstBytesToDeadLetterTopicAndPublishNextLineWhenLineIsTooLong(final int chunk, final int bytesSeen) {
        final EmbeddedChannel channel = connect(16);
        final String tooLong = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
        final long before = System.currentTimeMillis();
        write(channel, (tooLong + "\r\nnext,1\n").getBytes(UTF_8), chunk);
        final long after = System.currentTimeMillis();

        assertThat(published()).containsExactly("next,1");
        final List<ProducerRecord<byte[], byte[]>> rejected = sent(Topics.RAW_LINES_DLQ);
        assertThat(rejected).hasSize(1);
        final ProducerRecord<byte[], byte[]> record = rejected.get(0);
        assertThat(record.key()).isNull();
        assertThat(new String(record.value(), UTF_8)).isEqualTo("0123456789abcdef");
        assertThat(record.timestamp()).isBetween(before, after);
        assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON)).isEqualTo(RejectReason.LINE_TOO_LONG.code());
        assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.DETAIL))
                .isEqualTo("line of at least " + bytesSeen + " bytes exceeds --max-line-bytes 16");
        assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SOURCE_CLIENT)).isEqualTo("embedded");
        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(2, 2, 0, 1, 0, 0, 0, 1));
    }

    @Test
    void shouldPublishLineOfExactlyTheLimitWhenItsCrLfArrivesInTwoWrites() {
        final EmbeddedChannel channel = connect(4);
        write(channel, "abcd\r", "\n", "efgh\r");
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(published()).containsExactly("abcd", "efgh");
        assertThat(sent(Topics.RAW_LINES_DLQ)).isEmpty();
    }

    @Test
    void shouldHoldAtMostTheLimitWhenALineNeverEnds() {
        final EmbeddedChannel channel = connect(1000);
        final LineFramer framer = channel.pipeline().get(LineFramer.class);
        final byte[] chunk = new byte[4096];
        Arrays.fill(chunk, (byte) '7');
        for (int i = 0; i < 256; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(chunk));
            assertThat(framer.buffered()).isZero();
        }
        write(channel, "77", "7");
        assertThat(framer.buffered()).isZero();
        write(channel, "\nnext\n");

        assertThat(published()).containsExactly("next");
        assertThat(sent(Topics.RAW_LINES_DLQ)).hasSize(1);
        assertThat(DeadLetterHeaders.get(sent(Topics.RAW_LINES_DLQ).get(0).headers(), DeadLetterHeaders.DETAIL))
                .isEqualTo("line of at least 4096 bytes exceeds --max-line-bytes 1000");
    }

    @Test
    void shouldHoldAnUnterminatedLineWhileItFitsTheLimit() {
        final EmbeddedChannel channel = connect(10);
        final LineFramer framer = channel.pipeline().get(LineFramer.class);
        write(channel, "0123456789", "\r");

        assertThat(framer.buffered()).isEqualTo(11);
        assertThat(producer.history()).isEmpty();
        write(channel, "\n");
        assertThat(framer.buffered()).isZero();
        assertThat(published()).containsExactly("0123456789");
    }

    @Test
    void shouldSendLineToDeadLetterTopicWholeWithItsReasonWhenItIsNotUtf8() {
        final EmbeddedChannel channel = connect(100);
        final byte[] line = {'1', (byte) 0xC3, '(', ',', (byte) 0xFF, (byte) 0xFE, '2'};
        final byte[] terminated = Arrays.copyOf(line, line.length + 1);
        terminated[line.length] = '\n';
        write(channel, terminated, 3);
        write(channel, "température,2\n");

        assertThat(published()).containsExactly("température,2");
        assertThat(sent(Topics.RAW_LINES_DLQ)).singleElement().satisfies(record -> {
            assertThat(record.value()).isEqualTo(line);
            assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON)).isEqualTo(RejectReason.INVALID_UTF8.code());
            assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.DETAIL))
                    .isEqualTo("line is not valid UTF-8: byte 1 (0xc3) does not begin a well-formed sequence");
            assertThat(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SOURCE_CLIENT)).isEqualTo("embedded");
        });
        assertThat(tally.snapshot()).isEqualTo(new BridgeCounters(2, 2, 0, 0, 1, 0, 0, 1));
        assertThat(channel.isOpen()).isTrue();
    }

    @ParameterizedTest(name = "written {0} bytes at a time")
    @CsvSource({"1", "2", "3", "100"})
    void shouldDropByteOrderMarkWhenItStartsTheConnection(final int chunk) {
        final EmbeddedChannel channel = connect(100);
        write(channel, "\uFEFF1,2\n\uFEFF3,4\n".getBytes(UTF_8), chunk);

        // Only the first is a byte-order mark; later it is a character of a line (the topology's to judge).
        assertThat(published()).containsExactly("1,2", "\uFEFF3,4");
    }

    @Test
    void shouldKeepBytesThatOnlyBeginLikeAByteOrderMark() {
        final EmbeddedChannel channel = connect(100);
        write(channel, new byte[] {(byte) 0xEF, (byte) 0xBB}, 1);
        write(channel, "\u00e9,1\n".getBytes(UTF_8), 1);

        assertThat(sent(Topics.RAW_LINES)).isEmpty();
        assertThat(sent(Topics.RAW_LINES_DLQ)).singleElement()
                .satisfies(record -> assertThat(record.value()).isEqualTo(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xC3, (byte) 0xA9, ',', '1'}));
    }

    @Test
    void shouldPublishAByteOrderMarkAloneAsNothingWhenInputEndsAfterIt() {
        final EmbeddedChannel channel = connect(100);
        write(channel, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, 1);
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(producer.history()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldPublishEmptyValueWithoutKeyWhenLineIsEmpty() {
        final EmbeddedChannel channel = connect(100);
        write(channel, "\n\r\n1\n");

        assertThat(sent(Topics.RAW_LINES)).hasSize(3).allSatisfy(record -> assertThat(record.key()).isNull());
        assertThat(published()).containsExactly("", "", "1");
    }

    @Test
    void shouldStampEachRecordWithTheTimeItsLineWasReceived() {
        final EmbeddedChannel channel = connect(100);
        final long before = System.currentTimeMillis();
        write(channel, "1,2\n");
        final long after = System.currentTimeMillis();

        assertThat(sent(Topics.RAW_LINES)).singleElement()
                .satisfies(record -> assertThat(record.timestamp()).isBetween(before, after));
    }
}
