package dev.iothub.bench;

import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
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
 * Figure 3: module connections over one device protocol (MQTT or AMQP, over TLS) held by one emulator
 * process, each subscribed to desired patches as the device SDK does, opened by a light Netty client (not
 * one SDK client per connection); at each of the protocol's steps (1, 100, 1,000 modules and more), the
 * emulator's memory and the time from the first of one desired patch per module (sent through REST by
 * 8 clients) until every module has received its own.
 */
final class Connections {
    private static final int MODULES_PER_DEVICE = 100;
    private static final int REST_CLIENTS = 8;
    /** TLS handshakes in flight at once: enough to keep both processes busy, few enough for the accept backlog. */
    private static final int CONNECTING_AT_ONCE = 200;

    static void run(String address, ModuleProtocol protocol) throws Exception {
        String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
        EventLoopGroup group = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
        List<Channel> open = new ArrayList<>();
        try (Emulator hub = Emulator.start(address, null)) {
            SSLContext tls = hub.sslContext();
            SslContext moduleTls = SslContextBuilder.forClient().trustManager(hub.caCertificatePem().toFile()).build();
            AtomicReference<CountDownLatch> patches = new AtomicReference<>(new CountDownLatch(0));
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true);
            Report.note("%s: %s modules, seconds to create and connect the new ones, emulator RSS and live heap"
                    + " (MiB), ms until all got one desired patch", protocol.figurePrefix(), protocol);
            List<String> table = new ArrayList<>();
            int created = 0;
            for (int size : protocol.sizes()) {
                long started = System.nanoTime();
                List<ModuleId> added = modules(created, size);
                createIdentities(hub, tls, added, key);
                created = size;
                open.addAll(connect(bootstrap, hub, moduleTls, protocol, added, key, patches));
                double connectSeconds = (System.nanoTime() - started) / 1e9;
                double rss = hub.residentMiB();
                double heap = hub.liveHeapMiB();
                double patchedMs = patchAll(hub, tls, protocol, modules(0, size), patches, size);
                String name = protocol.figurePrefix() + "_" + size;
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

    /** Opens one connection per module, at most CONNECTING_AT_ONCE at a time, and waits until each is subscribed. */
    private static List<Channel> connect(Bootstrap bootstrap, Emulator hub, SslContext tls, ModuleProtocol protocol,
                                         List<ModuleId> modules, String key, AtomicReference<CountDownLatch> patches)
            throws InterruptedException {
        Semaphore connecting = new Semaphore(CONNECTING_AT_ONCE);
        CountDownLatch settled = new CountDownLatch(modules.size());
        AtomicInteger failed = new AtomicInteger();
        List<Channel> channels = new ArrayList<>();
        Instant expiry = Instant.now().plus(Duration.ofHours(1));
        for (ModuleId module : modules) {
            connecting.acquire();
            String sasToken = SharedAccessSignature.sign(hub.hostName() + module.path(), key, null, expiry);
            ModuleEvents events = new ModuleEvents(patches, () -> {
                connecting.release();
                settled.countDown();
            }, failed);
            Channel channel = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc(), hub.address(), protocol.port()));
                    protocol.addStages(ch.pipeline(), hub.hostName(), module, sasToken, events);
                }
            }).connect(new InetSocketAddress(hub.address(), protocol.port()), sourceAddress(channels.size())).addListener(f -> {
                if (!f.isSuccess()) {
                    events.settle(false);
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

    /** Sends one desired patch to every module through REST and returns the ms until all have arrived over {@code protocol}. */
    private static double patchAll(Emulator hub, SSLContext tls, ModuleProtocol protocol, List<ModuleId> modules,
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
        Report.note("%s %d: PATCHes sent in %.0f ms, all arrived %.0f ms after the first was sent",
                protocol.figurePrefix(), modules.size(), (sent - started) / 1e6, (done - started) / 1e6);
        return (done - started) / 1e6;
    }

    private Connections() {
    }
}
