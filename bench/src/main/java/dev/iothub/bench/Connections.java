package dev.iothub.bench;

import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * Figure 3: module connections over MQTT/TLS held by one emulator process, each subscribed to desired
 * patches as the device SDK does, opened by a light Netty client (not one SDK client per connection);
 * at 1, 100, 1,000 and 10,000 modules, the emulator's memory and the time from the first of one desired
 * patch per module (sent through REST by 8 clients) until every module has received its own.
 */
final class Connections {
    private static final int[] SIZES = {1, 100, 1_000, 10_000};
    private static final int MODULES_PER_DEVICE = 100;
    private static final int REST_CLIENTS = 8;
    /** TLS handshakes in flight at once: enough to keep both processes busy, few enough for the accept backlog. */
    private static final int CONNECTING_AT_ONCE = 200;
    static final String DESIRED_PATCHES = "$iothub/twin/PATCH/properties/desired/#";

    private record ModuleId(String deviceId, String moduleId) {
        String path() {
            return "/devices/" + deviceId + "/modules/" + moduleId;
        }
    }

    static void run(String address) throws Exception {
        String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
        EventLoopGroup group = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
        List<Channel> open = new ArrayList<>();
        try (Emulator hub = Emulator.start(address, null)) {
            SSLContext tls = hub.sslContext();
            SslContext mqttTls = SslContextBuilder.forClient().trustManager(hub.caCertificatePem().toFile()).build();
            AtomicReference<CountDownLatch> patches = new AtomicReference<>(new CountDownLatch(0));
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true);
            Report.note("connections: modules, seconds to create and connect the new ones, emulator RSS and live heap"
                    + " (MiB), ms until all got one desired patch");
            List<String> table = new ArrayList<>();
            int created = 0;
            for (int size : SIZES) {
                long started = System.nanoTime();
                List<ModuleId> added = modules(created, size);
                createIdentities(hub, tls, added, key);
                created = size;
                open.addAll(connect(bootstrap, hub, mqttTls, added, key, patches));
                double connectSeconds = (System.nanoTime() - started) / 1e9;
                double rss = hub.residentMiB();
                double heap = hub.liveHeapMiB();
                double patchedMs = patchAll(hub, tls, modules(0, size), patches, size);
                String name = "connections_" + size;
                Report.figure(name + "_connected", open.stream().filter(Channel::isActive).count(), "modules");
                Report.figure(name + "_rss", Math.round(rss), "MiB");
                Report.figure(name + "_live_heap", Math.round(heap), "MiB");
                Report.figure(name + "_all_patched", Math.round(patchedMs), "ms");
                table.add(String.format("%9d %10.1f %8.0f %9.0f %12.0f", size, connectSeconds, rss, heap, patchedMs));
            }
            Report.note("  modules  connect_s  rss_MiB  heap_MiB  all_patched_ms");
            table.forEach(row -> Report.note("%s", row));
        } finally {
            open.forEach(Channel::close);
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Modules {@code from} to {@code to - 1}: a hundred to a device. */
    private static List<ModuleId> modules(int from, int to) {
        List<ModuleId> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add(new ModuleId("bench-" + i / MODULES_PER_DEVICE, "m" + i % MODULES_PER_DEVICE));
        }
        return ids;
    }

    /** Creates the modules, and their devices where a module is its device's first, through REST, 8 at a time. */
    private static void createIdentities(Emulator hub, SSLContext tls, List<ModuleId> modules, String key) throws Exception {
        String authentication = "\"authentication\":{\"type\":\"sas\",\"symmetricKey\":{\"primaryKey\":\"" + key
                + "\",\"secondaryKey\":\"" + key + "\"}}";
        List<String> devices = modules.stream().filter(m -> m.moduleId().equals("m0")).map(ModuleId::deviceId).toList();
        Clients.forEach(hub, tls, REST_CLIENTS, devices, (rest, device) -> Clients.expect(200,
                rest.send("PUT", "/devices/" + device, "{\"deviceId\":\"" + device + "\"," + authentication + "}"), device));
        Clients.forEach(hub, tls, REST_CLIENTS, modules, (rest, m) -> Clients.expect(200, rest.send("PUT", m.path(),
                "{\"deviceId\":\"" + m.deviceId() + "\",\"moduleId\":\"" + m.moduleId() + "\"," + authentication + "}"),
                m.path()));
    }

    /** Opens one MQTT connection per module, at most CONNECTING_AT_ONCE at a time, and waits until each is subscribed. */
    private static List<Channel> connect(Bootstrap bootstrap, Emulator hub, SslContext tls, List<ModuleId> modules,
                                         String key, AtomicReference<CountDownLatch> patches) throws InterruptedException {
        Semaphore connecting = new Semaphore(CONNECTING_AT_ONCE);
        CountDownLatch settled = new CountDownLatch(modules.size());
        AtomicInteger failed = new AtomicInteger();
        List<Channel> channels = new ArrayList<>();
        Instant expiry = Instant.now().plus(Duration.ofHours(1));
        for (ModuleId module : modules) {
            connecting.acquire();
            String password = SharedAccessSignature.sign(hub.hostName() + module.path(), key, null, expiry);
            ModuleConnection connection = new ModuleConnection(hub.hostName(), module, password, patches, () -> {
                connecting.release();
                settled.countDown();
            }, failed);
            Channel channel = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc(), hub.address(), 8883),
                            new MqttDecoder(), MqttEncoder.INSTANCE, connection);
                }
            }).connect(new InetSocketAddress(hub.address(), 8883), sourceAddress(channels.size())).addListener(f -> {
                if (!f.isSuccess()) {
                    connection.settle(false);
                }
            }).channel();
            channels.add(channel);
        }
        if (!settled.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException(settled.getCount() + " connections neither subscribed nor failed in 5 minutes");
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + modules.size() + " connections failed");
        }
        return channels;
    }

    /**
     * The local address of the n-th connection: spread over 127.0.0.110 to 127.0.0.119 so that a run soon
     * after another does not run out of ephemeral ports (each address has its own ~28,000, and a closed
     * connection holds its port for a minute).
     */
    private static InetSocketAddress sourceAddress(int n) {
        return new InetSocketAddress("127.0.0." + (110 + n % 10), 0);
    }

    /** Sends one desired patch to every module through REST and returns the ms until all have arrived over MQTT. */
    private static double patchAll(Emulator hub, SSLContext tls, List<ModuleId> modules,
                                   AtomicReference<CountDownLatch> patches, int round) throws Exception {
        CountDownLatch arrived = new CountDownLatch(modules.size());
        patches.set(arrived);
        String body = "{\"properties\":{\"desired\":{\"round\":" + round + "}}}";
        long started = System.nanoTime();
        Clients.forEach(hub, tls, REST_CLIENTS, modules, (rest, m) ->
                Clients.expect(200, rest.send("PATCH", "/twins/" + m.deviceId() + "/modules/" + m.moduleId(), body), m.path()));
        long sent = System.nanoTime();
        if (!arrived.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(arrived.getCount() + " of " + modules.size() + " patches never arrived");
        }
        long done = System.nanoTime();
        Report.note("connections %d: PATCHes sent in %.0f ms, all arrived %.0f ms after the first was sent",
                modules.size(), (sent - started) / 1e6, (done - started) / 1e6);
        return (done - started) / 1e6;
    }

    /** One module's connection: CONNECT as the device SDK does, SUBSCRIBE to desired patches, count what arrives. */
    private static final class ModuleConnection extends SimpleChannelInboundHandler<MqttMessage> {
        private final String host;
        private final ModuleId module;
        private final String password;
        private final AtomicReference<CountDownLatch> patches;
        private final Runnable onSettled;
        private final AtomicInteger failed;
        private boolean settled;

        ModuleConnection(String host, ModuleId module, String password, AtomicReference<CountDownLatch> patches,
                         Runnable onSettled, AtomicInteger failed) {
            this.host = host;
            this.module = module;
            this.password = password;
            this.patches = patches;
            this.onSettled = onSettled;
            this.failed = failed;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String clientId = module.deviceId() + "/" + module.moduleId();
            ctx.writeAndFlush(MqttMessageBuilders.connect()
                    .protocolVersion(MqttVersion.MQTT_3_1_1)
                    .clientId(clientId)
                    .username(host + "/" + clientId + "/?api-version=2021-04-12")
                    .password(password.getBytes(StandardCharsets.UTF_8))
                    .cleanSession(false)
                    .keepAlive(230)
                    .build());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
            MqttMessageType type = message.fixedHeader().messageType();
            if (type == MqttMessageType.CONNACK) {
                if (((MqttConnAckMessage) message).variableHeader().connectReturnCode()
                        != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                    ctx.close();
                    return;
                }
                ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1)
                        .addSubscription(MqttQoS.AT_LEAST_ONCE, DESIRED_PATCHES).build());
            } else if (type == MqttMessageType.SUBACK) {
                settle(true);
            } else if (type == MqttMessageType.PUBLISH) {
                MqttPublishMessage publish = (MqttPublishMessage) message;
                if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                    ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
                }
                patches.get().countDown();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            settle(false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        /** Reports once whether the connection got as far as its SUBACK. */
        synchronized void settle(boolean subscribed) {
            if (!settled) {
                settled = true;
                if (!subscribed) {
                    failed.incrementAndGet();
                }
                onSettled.run();
            }
        }
    }

    private Connections() {
    }
}
