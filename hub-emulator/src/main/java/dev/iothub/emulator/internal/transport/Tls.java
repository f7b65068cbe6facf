package dev.iothub.emulator.internal.transport;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;

/** The hub's TLS in front of every port, with a handshake that must be done within the opening limit. */
record Tls(SslContext context, Duration handshakeTimeout) {
    SslHandler newHandler(Channel channel) {
        SslHandler handler = context.newHandler(channel.alloc());
        handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        handler.handshakeFuture().addListener(new TlsHandshakeFailures(channel));
        return handler;
    }
}
