package dev.iothub.emulator.internal.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/** A device protocol's own port, MQTT on 8883 or AMQP on 5671: TLS in front of the protocol's stages. */
final class TlsInitializer extends ChannelInitializer<SocketChannel> {
    private final Tls tls;
    private final ProtocolStages protocol;
    private final HandlerThreads handlerThreads;

    TlsInitializer(Tls tls, ProtocolStages protocol, HandlerThreads handlerThreads) {
        this.tls = tls;
        this.protocol = protocol;
        this.handlerThreads = handlerThreads;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline().addLast("tls", tls.newHandler(channel));
        protocol.addTo(channel.pipeline(), handlerThreads);
    }
}
