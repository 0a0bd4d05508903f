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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code session ID N} line of acknowledged mode, frame by frame, with a producer whose answers the test controls. */
class SessionProtocolTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final BridgeMeters tally = new BridgeMeters(new SimpleMeterRegistry());

    private EmbeddedChannel connect(final String... options) {
        return new EmbeddedChannel(new TestConnections(producer, tally, options).initializer);
    }

    private static void write(final EmbeddedChannel channel, final String text) {
        final byte[] bytes = text.getBytes(UTF_8);
        // Cut at every third byte: a session line split over reads is still one line.
        for (int from = 0; from < bytes.length; from += 3) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, Math.min(3, bytes.length - from)));
        }
    }

    private void acknowledgeAll(final EmbeddedChannel channel) {
        while (producer.completeNext()) {
            channel.runPendingTasks();
        }
        channel.runPendingTasks();
    }

    private static List<String> answers(final EmbeddedChannel channel) {
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

    private static String header(final ProducerRecord<byte[], byte[]> record, final String key) {
        final Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), UTF_8);
    }

    /** value, key, session header, sequence header of each record sent. */
    private List<String> sent() {
        return producer.history().stream().map(record -> new String(record.value(), UTF_8) + " key=" + (record.key() == null ? null
                : new String(record.key(), UTF_8)) + " session=" + header(record, LineHeaders.SESSION) + " seq="
                + header(record, LineHeaders.SEQUENCE)).toList();
    }

    @Test
    void shouldNumberTheLinesOfANewSessionFromOneAndKeyThemByItsId() {
        final EmbeddedChannel channel = connect("ack", "true");
        write(channel, "session sensor-7.a_b 0\n1,2\n3,4\n");
        acknowledgeAll(channel);

        assertThat(sent()).containsExactly("1,2 key=sensor-7.a_b session=sensor-7.a_b seq=1",
                "3,4 key=sensor-7.a_b session=sensor-7.a_b seq=2");
        assertThat(answers(channel)).last().isEqualTo("ok 2");
        assertThat(tally.sessionsStarted.count()).isEqualTo(1);
        assertThat(tally.sessionsResumed.count()).isZero();
        // The session line is not a line of the data.
        assertThat(tally.snapshot().received()).isEqualTo(2);
    }

    @Test
    void shouldContinueAResumedSessionAfterTheClientsCountAndCountOkFromThere() {
        final EmbeddedChannel channel = connect("ack", "true");
        write(channel, "session s 41\n5\n6\n");
        producer.completeNext();
        channel.runPendingTasks();
        assertThat(answers(channel)).containsExactly("ok 42");

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        acknowledgeAll(channel);

        assertThat(sent()).containsExactly("5 key=s session=s seq=42", "6 key=s session=s seq=43");
        assertThat(answers(channel)).containsExactly("ok 43");
        assertThat(channel.isOpen()).isFalse();
        assertThat(tally.sessionsResumed.count()).isEqualTo(1);
    }

    @Test
    void shouldAnswerTheClientsOwnCountWhenItResumesAndSendsNothing() {
        final EmbeddedChannel channel = connect("ack", "true");
        write(channel, "session s 12\n");
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(answers(channel)).containsExactly("ok 12");
        assertThat(channel.isOpen()).isFalse();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldReadTheHeaderLineAfterTheSessionLine() {
        final EmbeddedChannel channel = connect("ack", "true", "header", "true");
        write(channel, "session s 3\na,b\n1,2\n");
        acknowledgeAll(channel);

        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(header(record, LineHeaders.COLUMNS)).isEqualTo("a,b");
            assertThat(header(record, LineHeaders.SEQUENCE)).isEqualTo("4");
        });
        assertThat(answers(channel)).containsExactly("ok 4");
    }

    @Test
    void shouldNumberLinesSetAsideAsLinesOfTheSessionAndMarkThemToo() {
        final EmbeddedChannel channel = connect("ack", "true", "max-line-bytes", "12");
        write(channel, "session s 0\n1234567890123\n1\n");
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, '\n'}));
        acknowledgeAll(channel);

        final List<ProducerRecord<byte[], byte[]>> records = producer.history();
        assertThat(records).extracting(ProducerRecord::topic).containsExactly(Topics.RAW_LINES_DLQ, Topics.RAW_LINES, Topics.RAW_LINES_DLQ);
        assertThat(records).extracting(record -> header(record, LineHeaders.SEQUENCE)).containsExactly("1", "2", "3");
        assertThat(records).allSatisfy(record -> {
            assertThat(header(record, LineHeaders.SESSION)).isEqualTo("s");
            assertThat(new String(record.key(), UTF_8)).isEqualTo("s");
        });
        assertThat(DeadLetterHeaders.get(records.get(0).headers(), DeadLetterHeaders.REASON)).isEqualTo(RejectReason.LINE_TOO_LONG.code());
        assertThat(answers(channel)).last().isEqualTo("ok 3");
    }

    @Test
    void shouldKeyASessionByItsIdWhateverKeySays() {
        final EmbeddedChannel channel = connect("ack", "true", "key", "connection");
        write(channel, "session abc 0\n1\n");

        assertThat(sent()).containsExactly("1 key=abc session=abc seq=1");
    }

    @Test
    void shouldLeaveAnonymousConnectionsAsTheyWere() {
        final EmbeddedChannel channel = connect("ack", "true");
        // A session line that is not the first is a line like any other (the topology rejects it as non-numeric).
        write(channel, "1\nsession s 0\n");
        acknowledgeAll(channel);

        assertThat(sent()).containsExactly("1 key=null session=null seq=null", "session s 0 key=null session=null seq=null");
        assertThat(answers(channel)).last().isEqualTo("ok 2");
        assertThat(tally.sessionsStarted.count() + tally.sessionsResumed.count()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "session|expected 'session ID N' (three words, one space apart), got 1 word",
            "session s|expected 'session ID N' (three words, one space apart), got 2 words",
            "session s 1 2|expected 'session ID N' (three words, one space apart), got 4 words",
            "session  s 1|expected 'session ID N' (three words, one space apart), got 4 words",
            "session s 1 |expected 'session ID N' (three words, one space apart), got 4 words",
            "session s/t 1|the session ID must be 1 to 64 characters of [A-Za-z0-9._-]",
            "session xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx 1|the session ID must be 1 to 64 characters of [A-Za-z0-9._-]",
            "session s -1|N must be the count of the session's lines already acknowledged (the last 'ok N'; 0 for a new session): 1 to 18"
                    + " decimal digits, no sign or leading zero",
            "session s 01|N must be the count of the session's lines already acknowledged (the last 'ok N'; 0 for a new session): 1 to 18"
                    + " decimal digits, no sign or leading zero",
            "session s x|N must be the count of the session's lines already acknowledged (the last 'ok N'; 0 for a new session): 1 to 18"
                    + " decimal digits, no sign or leading zero",
    })
    void shouldCloseSayingWhatIsWrongWithAMalformedSessionLine(final String line, final String why) {
        final EmbeddedChannel channel = connect("ack", "true");
        // In one read: the bridge closes after the session line, and what follows it is not read.
        channel.writeInbound(Unpooled.copiedBuffer(line + "\n1,2\n", UTF_8));

        assertThat(answers(channel)).containsExactly("error session: " + why);
        assertThat(channel.isOpen()).isFalse();
        assertThat(producer.history()).isEmpty();
        assertThat(tally.sessionsRefused.count()).isEqualTo(1);
    }

    @Test
    void shouldRefuseASessionWithoutAcknowledgedModeSayingWhy() {
        final EmbeddedChannel channel = connect();
        channel.writeInbound(Unpooled.copiedBuffer("session s 0\n1,2\n", UTF_8));

        assertThat(answers(channel)).containsExactly(
                "error session: sessions need acknowledged mode (--ack true): a client resumes from the last 'ok N', and this bridge writes none");
        assertThat(channel.isOpen()).isFalse();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldCloseSayingWhyWhenTheSessionLineIsOverTheLineLimit() {
        final EmbeddedChannel channel = connect("ack", "true", "max-line-bytes", "10");
        channel.writeInbound(Unpooled.copiedBuffer("session sensor-1 0\n1,2\n", UTF_8));

        assertThat(answers(channel)).containsExactly("error session: the session line is longer than --max-line-bytes 10");
        assertThat(channel.isOpen()).isFalse();
        assertThat(producer.history()).isEmpty();
    }
}
