package dev.iothub.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The light clients' connections to one emulator: Netty channels over TLS (trusting the emulator's CA), on
 * event loops of their own, one per core. Closing it closes every channel it opened.
 */
final class ClientChannels implements AutoCloseable {
    private final Emulator hub;
    private final EventLoopGroup group = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
    private final Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true);
    private final SslContext tls;
    private final AtomicInteger opened = new AtomicInteger();

    ClientChannels(Emulator hub) throws IOException {
        this.hub = hub;
        this.tls = SslContextBuilder.forClient().trustManager(hub.caCertificatePem().toFile()).build();
    }

    /** Connects to the emulator's {@code port}; {@code stages} adds what comes after TLS. */
    ChannelFuture connect(int port, Consumer<ChannelPipeline> stages) {
        return bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc(), hub.address(), port));
                stages.accept(ch.pipeline());
            }
        }).connect(new InetSocketAddress(hub.address(), port), sourceAddress(opened.getAndIncrement()));
    }

    /**
     * The local address of the n-th connection: spread over 127.0.0.110 to 127.0.0.119 so that a run soon
     * after another does not run out of ephemeral ports (each address has its own ~28,000, and a closed
     * connection holds its port for a minute).
     */
    private static InetSocketAddress sourceAddress(int n) {
        return new InetSocketAddress("127.0.0." + (110 + n % 10), 0);
    }

    /** Closes {@code channels} and returns once all are closed. */
    static void closeAll(List<Channel> channels) {
        channels.forEach(Channel::close);
        channels.forEach(channel -> channel.closeFuture().syncUninterruptibly());
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
