package dev.iothub.emulator.internal.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutorGroup;

/** A device protocol's own port, MQTT on 8883 or AMQP on 5671: TLS in front of the protocol's stages. */
final class TlsInitializer extends ChannelInitializer<SocketChannel> {
    private final Tls tls;
    private final ProtocolStages protocol;
    private final EventExecutorGroup handlerExecutor;

    TlsInitializer(Tls tls, ProtocolStages protocol, EventExecutorGroup handlerExecutor) {
        this.tls = tls;
        this.protocol = protocol;
        this.handlerExecutor = handlerExecutor;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline().addLast("tls", tls.newHandler(channel));
        protocol.addTo(channel.pipeline(), handlerExecutor);
    }
}
