package dev.iothub.emulator.internal.transport;

import dev.iothub.emulator.internal.logging.RateLimitedLog;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the hub's real ports on one address: 443 (HTTPS, and MQTT and AMQP over WebSocket), 8883 (MQTT over
 * TLS) and 5671 (AMQP over TLS).
 */
public final class HubServer implements AutoCloseable {
    public static final int HTTPS_PORT = 443;
    public static final int MQTTS_PORT = 8883;
    public static final int AMQPS_PORT = 5671;

    private static final Logger log = LoggerFactory.getLogger(HubServer.class);
    /** How long the threads must have had nothing to do before they stop. */
    private static final long QUIET_MILLIS = 50;

    private final EventLoopGroup bossGroup = new NioEventLoopGroup(1);
    private final EventLoopGroup workerGroup = new NioEventLoopGroup();
    private final HandlerThreads handlerThreads = new HandlerThreads();
    private final List<Channel> listeners = new ArrayList<>();
    /** Every accepted connection, so that close() ends them before it stops the threads they use. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Teardowns teardowns = new Teardowns();

    private final Limits limits;
    private final RateLimitedLog refusals = new RateLimitedLog(log);
    private volatile boolean refusing;

    private HubServer(Limits limits) {
        this.limits = limits;
    }

    /** Starts listening, or explains in one line why a port could not be bound. */
    public static HubServer start(String address, SslContext sslContext, ChannelHandler restHandler,
                                  Supplier<ChannelHandler> mqttHandler, Supplier<ChannelHandler> amqpHandler,
                                  Limits limits) throws IOException {
        HubServer server = new HubServer(limits);
        ProtocolStages mqtt = ProtocolStages.mqtt(mqttHandler);
        ProtocolStages amqp = ProtocolStages.amqp(amqpHandler);
        Tls tls = new Tls(sslContext, limits.opening());
        try {
            server.bind(address, HTTPS_PORT,
                    new HttpsInitializer(tls, restHandler, mqtt, amqp, server.handlerThreads, limits));
            server.bind(address, MQTTS_PORT, new TlsInitializer(tls, mqtt, server.handlerThreads));
            server.bind(address, AMQPS_PORT, new TlsInitializer(tls, amqp, server.handlerThreads));
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void bind(String address, int port, ChannelInitializer<SocketChannel> initializer) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .handler(new AcceptFailures(new RateLimitedLog(log)))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (refusing) {
                            channel.close(); // a fault a test asked for
                            return;
                        }
                        if (!admitted(channel)) {
                            refusals.warn("Refusing connections to " + address + ": " + connections.size()
                                    + " are open, the most allowed (--max-connections)");
                            channel.close();
                            return;
                        }
                        channel.pipeline().addLast(teardowns, Backpressure.INSTANCE, initializer);
                    }
                });
        try {
            listeners.add(bootstrap.bind(new InetSocketAddress(address, port)).sync().channel());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + address + ":" + port, e);
        } catch (Exception e) {
            throw bindFailure(address, port, e);
        }
    }

    /**
     * Counts {@code channel} among the open connections if there is room. Channels are initialised on several event
     * loops at once: the check and the count are one step, or two loops may both take the last place (a CI run held
     * 145 connections under a limit of 144).
     */
    private boolean admitted(SocketChannel channel) {
        synchronized (connections) {
            if (connections.size() >= limits.maxConnections()) {
                return false;
            }
            return connections.add(channel);
        }
    }

    private static IOException bindFailure(String address, int port, Exception cause) {
        String where = address + ":" + port;
        String message = String.valueOf(cause.getMessage());
        if (message.contains("Permission denied")) {
            // not setcap on java: a binary with file capabilities ignores $ORIGIN, and java then cannot find libjli.so
            return new IOException("Cannot listen on " + where + ": ports below 1024 need privileges. Run as root, "
                    + "or let every user bind from 443 on, by running as root (for example with sudo): "
                    + "sysctl net.ipv4.ip_unprivileged_port_start=443 (put that setting in /etc/sysctl.d/ to keep it)", cause);
        }
        if (message.contains("assign")) { // EADDRNOTAVAIL: a BindException too, but not "in use"
            return new IOException("Cannot listen on " + where + ": it is not an address of this machine. Use a "
                    + "loopback address such as 127.0.0.1 to 127.255.255.254", cause);
        }
        if (cause instanceof BindException || message.contains("in use")) {
            return new AddressInUse(where, cause);
        }
        return new IOException("Cannot listen on " + where + ": " + message, cause);
    }

    /** While {@code refuse}, closes new connections as they come: a fault a test asks for. */
    public void refuseConnections(boolean refuse) {
        refusing = refuse;
    }

    /**
     * A failed accept, such as with no descriptor left: one log line per 10 s and a pause of a second, as
     * Netty's acceptor would pause, instead of a stack trace for each try.
     */
    private static final class AcceptFailures extends ChannelInboundHandlerAdapter {
        private final RateLimitedLog log;

        AcceptFailures(RateLimitedLog log) {
            this.log = log;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("Cannot accept connections on " + ctx.channel().localAddress() + ": " + cause.getMessage());
            ctx.channel().config().setAutoRead(false);
            ctx.channel().eventLoop().schedule(() -> ctx.channel().config().setAutoRead(true), 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        handlerThreads.beginStopping();
        listeners.forEach(Channel::close);
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (!teardowns.awaitAll(Duration.ofSeconds(5))) {
            log.warn("Stopping while {} connections are still being closed", connections.size());
        }
        // The event loops stop first: the handler threads still take whatever a last hop hands on. A hop the
        // other way fails its write's promise quietly, as every promise a handler listens on is its own.
        Stream.of(bossGroup, workerGroup)
                .map(group -> group.shutdownGracefully(QUIET_MILLIS, 2000, TimeUnit.MILLISECONDS))
                .toList()
                .forEach(Future::syncUninterruptibly);
        handlerThreads.shutdownGracefully(QUIET_MILLIS, 2000).syncUninterruptibly();
    }
}
