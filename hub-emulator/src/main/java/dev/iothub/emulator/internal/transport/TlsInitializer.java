package dev.iothub.emulator.internal.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutorGroup;

/** A device protocol's own port, MQTT on 8883 or AMQP on 5671: TLS in front of the protocol's stages. */
final class TlsInitializer extends ChannelInitializer<SocketChannel> {
    private final SslContext sslContext;
    private final ProtocolStages protocol;
    private final EventExecutorGroup handlerExecutor;

    TlsInitializer(SslContext sslContext, ProtocolStages protocol, EventExecutorGroup handlerExecutor) {
        this.sslContext = sslContext;
        this.protocol = protocol;
        this.handlerExecutor = handlerExecutor;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline().addLast("tls", sslContext.newHandler(channel.alloc()));
        protocol.addTo(channel.pipeline(), handlerExecutor);
    }
}
