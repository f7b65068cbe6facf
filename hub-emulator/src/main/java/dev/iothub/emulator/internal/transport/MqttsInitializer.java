package dev.iothub.emulator.internal.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.function.Supplier;

/** Port 8883: MQTT 3.1.1 over TLS. */
final class MqttsInitializer extends ChannelInitializer<SocketChannel> {
    private final SslContext sslContext;
    private final Supplier<ChannelHandler> mqttHandler;
    private final EventExecutorGroup handlerExecutor;

    MqttsInitializer(SslContext sslContext, Supplier<ChannelHandler> mqttHandler, EventExecutorGroup handlerExecutor) {
        this.sslContext = sslContext;
        this.mqttHandler = mqttHandler;
        this.handlerExecutor = handlerExecutor;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline().addLast("tls", sslContext.newHandler(channel.alloc()));
        MqttPipeline.addTo(channel.pipeline(), handlerExecutor, mqttHandler);
    }
}
