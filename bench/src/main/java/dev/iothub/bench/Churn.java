package dev.iothub.bench;

import io.netty.channel.Channel;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue 16's churn: modules that connect, subscribe to desired patches as the device SDK does, and leave (the
 * client closes its TLS connection), 10,000 times over MQTT and then 10,000 times over AMQP, with SAS tokens
 * good for a year; the emulator once kept what it had of each connection until its token would have expired.
 * For each protocol: the emulator's live heap after a full GC before and after the cycles, the connections'
 * channels and device sessions still live after, its descriptors before and after, and cycles per second.
 */
final class Churn {
    /** Modules connected at once: each round connects them all, then closes them all. */
    private static final int MODULES = 100;
    private static final int CYCLES = 10_000;
    private static final String CHANNEL = "io.netty.channel.socket.nio.NioSocketChannel";
    private static final String DEVICE_SESSION = "dev.iothub.emulator.internal.device.DeviceSession";
    /** How long the emulator may take to let go of the descriptors of connections that were closed. */
    private static final Duration RELEASED = Duration.ofSeconds(30);

    private Churn() {
    }

    static void run(String address) throws Exception {
        String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
        try (Emulator hub = Emulator.start(address, null); ClientChannels channels = new ClientChannels(hub)) {
            List<ModuleId> modules = Connections.modules(0, MODULES);
            Connections.createIdentities(hub, hub.sslContext(), modules, key);
            hub.liveHeapMiB(); // jcmd's first attach opens a socket in the emulator, for good: before descriptors are counted
            for (ModuleProtocol protocol : ModuleProtocol.values()) {
                cycles(hub, channels, protocol, modules, key);
            }
        }
    }

    private static void cycles(Emulator hub, ClientChannels channels, ModuleProtocol protocol, List<ModuleId> modules,
                               String key) throws Exception {
        String prefix = "churn_" + protocol.name().toLowerCase(Locale.ROOT);
        Instant expiry = Instant.now().plus(Duration.ofDays(365));
        long descriptors = Vitals.descriptors(hub);
        round(hub, channels, protocol, modules, key, expiry); // the classes and caches a connection needs, loaded
        awaitReleased(hub, descriptors);
        double heapStart = hub.liveHeapMiB();
        long started = System.nanoTime();
        for (int cycles = 0; cycles < CYCLES; cycles += modules.size()) {
            round(hub, channels, protocol, modules, key, expiry);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        awaitReleased(hub, descriptors);
        double heapAfter = hub.liveHeapMiB();
        Report.figure(prefix + "_cycles", CYCLES, "cycles");
        Report.figure(prefix + "_cycles_per_s", CYCLES / seconds, "cycles/s");
        Report.figure(prefix + "_live_heap_start", heapStart, "MiB");
        Report.figure(prefix + "_live_heap_after", heapAfter, "MiB");
        Report.figure(prefix + "_live_heap_growth", heapAfter - heapStart, "MiB");
        Report.figure(prefix + "_live_channels_after", hub.liveInstances(CHANNEL), "channels");
        Report.figure(prefix + "_live_device_sessions_after", hub.liveInstances(DEVICE_SESSION), "sessions");
        Report.figure(prefix + "_descriptors_start", descriptors, "fds");
        Report.figure(prefix + "_descriptors_after", Vitals.descriptors(hub), "fds");
    }

    /** Waits until the emulator has no more descriptors open than {@code descriptors}, or RELEASED has passed. */
    private static void awaitReleased(Emulator hub, long descriptors) throws Exception {
        long deadline = System.nanoTime() + RELEASED.toNanos();
        while (Vitals.descriptors(hub) > descriptors && System.nanoTime() < deadline) {
            Thread.sleep(100); // polling the emulator's descriptor table, which has no event to wait on
        }
    }

    /** Each module connects and subscribes; then every one leaves, and the round ends once all have gone. */
    private static void round(Emulator hub, ClientChannels channels, ModuleProtocol protocol, List<ModuleId> modules,
                              String key, Instant expiry) throws InterruptedException {
        List<Channel> open = Connections.connect(channels, hub, protocol, modules, key,
                new AtomicReference<>(new CountDownLatch(0)), expiry);
        ClientChannels.closeAll(open);
    }
}
