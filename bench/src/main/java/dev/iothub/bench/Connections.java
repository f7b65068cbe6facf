package dev.iothub.bench;

import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import io.netty.channel.Channel;
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
        try (Emulator hub = Emulator.start(address, null); ClientChannels channels = new ClientChannels(hub)) {
            SSLContext tls = hub.sslContext();
            AtomicReference<CountDownLatch> patches = new AtomicReference<>(new CountDownLatch(0));
            List<Channel> open = new ArrayList<>();
            Report.note("%s: %s modules, seconds to create and connect the new ones, emulator RSS and live heap"
                    + " (MiB), ms until all got one desired patch", protocol.figurePrefix(), protocol);
            List<String> table = new ArrayList<>();
            int created = 0;
            for (int size : protocol.sizes()) {
                long started = System.nanoTime();
                List<ModuleId> added = modules(created, size);
                createIdentities(hub, tls, added, key);
                created = size;
                open.addAll(connect(channels, hub, protocol, added, key, patches, Instant.now().plus(Duration.ofHours(1))));
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
        }
    }

    /** Modules {@code from} to {@code to - 1}: a hundred to a device. */
    static List<ModuleId> modules(int from, int to) {
        List<ModuleId> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add(new ModuleId("bench-" + i / MODULES_PER_DEVICE, "m" + i % MODULES_PER_DEVICE));
        }
        return ids;
    }

    /** Creates the modules, and their devices where a module is its device's first, through REST, 8 at a time. */
    static void createIdentities(Emulator hub, SSLContext tls, List<ModuleId> modules, String key) throws Exception {
        String authentication = "\"authentication\":{\"type\":\"sas\",\"symmetricKey\":{\"primaryKey\":\"" + key
                + "\",\"secondaryKey\":\"" + key + "\"}}";
        List<String> devices = modules.stream().filter(m -> m.moduleId().equals("m0")).map(ModuleId::deviceId).toList();
        Clients.forEach(hub, tls, REST_CLIENTS, devices, (rest, device) -> Clients.expect(200,
                rest.send("PUT", "/devices/" + device, "{\"deviceId\":\"" + device + "\"," + authentication + "}"), device));
        Clients.forEach(hub, tls, REST_CLIENTS, modules, (rest, m) -> Clients.expect(200, rest.send("PUT", m.path(),
                "{\"deviceId\":\"" + m.deviceId() + "\",\"moduleId\":\"" + m.moduleId() + "\"," + authentication + "}"),
                m.path()));
    }

    /**
     * Opens one connection per module, with SAS tokens good until {@code expiry}, at most CONNECTING_AT_ONCE at a
     * time, and waits until each is subscribed.
     */
    static List<Channel> connect(ClientChannels channels, Emulator hub, ModuleProtocol protocol, List<ModuleId> modules,
                                 String key, AtomicReference<CountDownLatch> patches, Instant expiry)
            throws InterruptedException {
        Semaphore connecting = new Semaphore(CONNECTING_AT_ONCE);
        CountDownLatch settled = new CountDownLatch(modules.size());
        AtomicInteger failed = new AtomicInteger();
        List<Channel> opened = new ArrayList<>();
        for (ModuleId module : modules) {
            connecting.acquire();
            String sasToken = SharedAccessSignature.sign(hub.hostName() + module.path(), key, null, expiry);
            ModuleEvents events = new ModuleEvents(patches, () -> {
                connecting.release();
                settled.countDown();
            }, failed);
            opened.add(channels.connect(protocol.port(),
                    pipeline -> protocol.addStages(pipeline, hub.hostName(), module, sasToken, events)).addListener(f -> {
                        if (!f.isSuccess()) {
                            events.settle(false);
                        }
                    }).channel());
        }
        if (!settled.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException(settled.getCount() + " connections neither subscribed nor failed in 5 minutes");
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + modules.size() + " connections failed");
        }
        return opened;
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
