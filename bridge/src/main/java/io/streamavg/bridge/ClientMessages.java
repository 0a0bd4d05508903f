package io.streamavg.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The lines the bridge writes back to a client. Clients that only write never read them, and a
 * client reading them tells an answer from a reason for closing by the first word.
 */
final class ClientMessages {

    private ClientMessages() {
    }

    /** In acknowledged mode: Kafka has acknowledged the first {@code lines} lines of the connection. */
    static ByteBuf ok(final long lines) {
        return Unpooled.copiedBuffer("ok " + lines + "\n", StandardCharsets.US_ASCII);
    }

    /** The last line before the bridge closes a connection: {@code error <sentence>}. */
    static ByteBuf error(final String reason) {
        return Unpooled.copiedBuffer("error " + reason + "\n", StandardCharsets.UTF_8);
    }
}
