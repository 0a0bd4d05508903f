package io.streamavg.bridge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Right after the TLS handler: a client that cannot complete the handshake (plain text on a TLS
 * port, no certificate or one --tls-client-ca does not accept) is counted and logged in one line,
 * and closed; no byte it sent reaches the framer. Its exception stops here, so that the handler
 * does not log it as a failure of the bridge.
 */
final class TlsHandshakeFailures extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeFailures.class);

    private static final int MAX_LOGGED = 160;

    private final BridgeMeters meters;
    private final String client;

    TlsHandshakeFailures(final BridgeMeters meters, final String client) {
        this.meters = meters;
        this.client = client;
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            meters.tlsRefused.increment();
            LOG.info("Closed the connection from {}: TLS handshake failed: {}", client, brief(handshake.cause()));
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Netty's message for a client that does not speak TLS quotes its bytes in hex, however many. */
    private static String brief(final Throwable cause) {
        final String text = cause.toString();
        return text.length() <= MAX_LOGGED ? text : text.substring(0, MAX_LOGGED) + "…";
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (cause instanceof SSLException || (cause instanceof DecoderException && cause.getCause() instanceof SSLException)) {
            LOG.debug("TLS error on the connection from {}", client, cause);
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
