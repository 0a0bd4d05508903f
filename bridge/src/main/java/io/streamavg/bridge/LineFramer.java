package io.streamavg.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one connection's bytes into lines: {@code \n} or {@code \r\n} ends a line and is not part
 * of it; the bytes are left as they are. A UTF-8 byte-order mark at the very start of the
 * connection (Excel's "CSV UTF-8" writes one) is dropped; anywhere else it is data. A line over the limit becomes
 * an {@link OverlongLine} with its first bytes as soon as it is known to be too long, and the rest
 * of it is skipped as it arrives, so a line that never ends never holds more than about the limit
 * in memory. An unterminated last line counts only when the client ended its output cleanly
 * (FIN); after a reset, an error or a close on our side its bytes are dropped, since a cut-off
 * line would be read as a different, wrong line.
 *
 * <p>Netty's {@code LineBasedFrameDecoder} is not enough here: when a line is too long it
 * discards the bytes the dead-letter record needs.
 */
final class LineFramer extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(LineFramer.class);

    /** A complete line without its terminator, and when it was received (epoch millis). */
    record Line(byte[] bytes, long receivedAt) {
    }

    /** A line over {@code limit} bytes: its first {@code limit} bytes, and how many of its bytes had arrived when it was cut. */
    record OverlongLine(byte[] firstBytes, long bytesSeen, int limit, long receivedAt) {
    }

    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final int maxLineBytes;
    /** No byte of the connection has been framed yet: a byte-order mark may come first. */
    private boolean atConnectionStart = true;
    /** Bytes past the reader index already searched for '\n' in vain: a line arriving in many small reads is scanned once. */
    private int scanned;
    /** Inside an over-long line whose first bytes were already emitted: skip up to its '\n'. */
    private boolean discarding;
    private boolean inputEndedCleanly;
    private boolean failed;

    LineFramer(final int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
        if (atConnectionStart && !passByteOrderMark(in)) {
            return;
        }
        final long now = System.currentTimeMillis();
        while (in.isReadable()) {
            final int start = in.readerIndex();
            final int newline = in.forEachByte(start + scanned, in.readableBytes() - scanned, ByteProcessor.FIND_LF);
            if (newline < 0) {
                unterminated(in, out, now);
                return;
            }
            if (discarding) {
                discarding = false;
            } else {
                final int end = newline > start && in.getByte(newline - 1) == '\r' ? newline - 1 : newline;
                out.add(frame(in, start, end - start, now));
            }
            in.readerIndex(newline + 1);
            scanned = 0;
        }
    }

    /** Skips a byte-order mark at the connection's start; false while the bytes so far may still be one. */
    private boolean passByteOrderMark(final ByteBuf in) {
        final int available = Math.min(in.readableBytes(), BYTE_ORDER_MARK.length);
        for (int i = 0; i < available; i++) {
            if (in.getByte(in.readerIndex() + i) != BYTE_ORDER_MARK[i]) {
                atConnectionStart = false;
                return true;
            }
        }
        if (available < BYTE_ORDER_MARK.length) {
            return false;
        }
        in.skipBytes(BYTE_ORDER_MARK.length);
        atConnectionStart = false;
        return true;
    }

    private void unterminated(final ByteBuf in, final List<Object> out, final long now) {
        final int length = in.readableBytes();
        if (discarding) {
            in.skipBytes(length);
            return;
        }
        // A trailing '\r' may be the first half of a "\r\n" still on its way: a line of exactly
        // the limit must not be cut because its terminator arrives in two reads.
        final int content = in.getByte(in.writerIndex() - 1) == '\r' ? length - 1 : length;
        if (content > maxLineBytes) {
            out.add(new OverlongLine(ByteBufUtil.getBytes(in, in.readerIndex(), maxLineBytes), content, maxLineBytes, now));
            in.skipBytes(length);
            discarding = true;
            scanned = 0;
        } else {
            scanned = length;
        }
    }

    private Object frame(final ByteBuf in, final int start, final int length, final long now) {
        return length > maxLineBytes
                ? new OverlongLine(ByteBufUtil.getBytes(in, start, maxLineBytes), length, maxLineBytes, now)
                : new Line(ByteBufUtil.getBytes(in, start, length), now);
    }

    @Override
    protected void decodeLast(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
        // Complete lines were decoded just before; what is left has no terminator.
        final int length = in.readableBytes();
        if (length == 0) {
            return;
        }
        if (inputEndedCleanly) {
            // The same rule as mid-stream: a final '\r' is read as the start of a terminator.
            final int content = in.getByte(in.writerIndex() - 1) == '\r' ? length - 1 : length;
            out.add(frame(in, in.readerIndex(), content, System.currentTimeMillis()));
        } else {
            LOG.debug("Dropped an unterminated line of {} bytes from {}: the connection {} before the client ended it",
                    length, ctx.channel().remoteAddress(), failed ? "failed" : "was closed");
        }
        in.skipBytes(length);
        scanned = 0;
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            // Netty fires this on a FIN, and also right after a read failed (a reset), which it
            // reports through exceptionCaught first: only the former is a clean end.
            inputEndedCleanly = !failed;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) throws Exception {
        failed = true;
        super.exceptionCaught(ctx, cause);
    }

    /** Bytes held for a line not yet complete. */
    int buffered() {
        return internalBuffer().readableBytes();
    }
}
