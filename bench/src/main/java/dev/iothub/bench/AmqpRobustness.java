package dev.iothub.bench;

import dev.iothub.bench.ProtonClientHandler.Ending;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import io.netty.channel.Channel;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;

/**
 * The hostile AMQP clients of issue 16, one after the other, each against an emulator of its own (in memory):
 * strangers that flood {@code $cbs} with messages they never finish, a module that asks for its twin 5,000 times
 * and gives no credit for the answers, and clients asking for an idle time-out of 1 ms. For each, how its
 * connections ended and the emulator's {@link Vitals} before, while they were there, and once they had gone.
 */
final class AmqpRobustness {
    private static final String PREFIX = "robustness_amqp_";
    private static final int AMQPS = 5671;
    /** The flood: 1,000 links on a connection, 230 KB begun on each; 2 or 3 connections ran -Xmx384m out. */
    private static final int FLOOD_CONNECTIONS = 3;
    private static final int FLOOD_LINKS = 1000;
    private static final int FLOOD_PART_BYTES = 230 * 1024;
    /** The twin: 31 KB of desired properties (strings are at most 4 KB each). */
    private static final int TWIN_STRINGS = 8;
    private static final int TWIN_STRING_BYTES = 31_000 / TWIN_STRINGS;
    /** The idle clients: 20 of them grew the heap by 228 MB in 90 s. */
    private static final int IDLE_CLIENTS = 20;
    /** 1 ms advertised: Proton-J advertises half of what it is given. */
    private static final int IDLE_TIMEOUT_MILLIS = 2;
    private static final Duration IDLE_WATCHED = Duration.ofSeconds(30);
    /** How long a client may take to do what it came for; much more than any takes. */
    private static final Duration DONE = Duration.ofSeconds(60);
    /** How long the emulator has to end a connection once its client is done. */
    private static final Duration ENDING = Duration.ofSeconds(5);

    private AmqpRobustness() {
    }

    static void run(String address) throws Exception {
        hostile(address, "flood", AmqpRobustness::flood);
        hostile(address, "no_credit", AmqpRobustness::noCredit);
        hostile(address, "idle_1ms", AmqpRobustness::idle);
    }

    /** A hostile case: what it does, and the figures it takes, each named {@code name} and what it is. */
    @FunctionalInterface
    private interface Case {
        void run(Emulator hub, SSLContext tls, ClientChannels channels, String name) throws Exception;
    }

    /** Runs {@code hostile} against an emulator of its own: what one case leaves behind does not count in the next. */
    private static void hostile(String address, String name, Case hostile) throws Exception {
        try (Emulator hub = Emulator.start(address, null); ClientChannels channels = new ClientChannels(hub)) {
            SSLContext tls = hub.sslContext();
            Vitals.report(hub, tls, PREFIX + name + "_baseline");
            hostile.run(hub, tls, channels, PREFIX + name);
        }
    }

    /** Strangers attach links to $cbs one after the other and begin on each a message they never finish. */
    private static void flood(Emulator hub, SSLContext tls, ClientChannels channels, String name) throws Exception {
        byte[] part = new byte[FLOOD_PART_BYTES];
        List<StrangerAmqpClient> clients = IntStream.range(0, FLOOD_CONNECTIONS)
                .mapToObj(i -> new StrangerAmqpClient(hub.hostName(), FLOOD_LINKS, part)).toList();
        List<ProtonClientHandler> handlers = new ArrayList<>();
        long started = System.nanoTime();
        List<Channel> open = connectAll(channels, clients, ProtonClientHandler::new, handlers);
        Report.figure(name + "_seconds", (System.nanoTime() - started) / 1e9, "s");
        Report.figure(name + "_links_attached", clients.stream().mapToInt(StrangerAmqpClient::attached).sum(), "links");
        Report.figure(name + "_begun", clients.stream().mapToLong(StrangerAmqpClient::bytesBegun).sum() / 1048576.0,
                "MiB");
        endings(name, handlers);
        Vitals.report(hub, tls, name);
        ClientChannels.closeAll(open);
        Vitals.report(hub, tls, name + "_gone");
    }

    /** An authenticated module asks for its 31 KB twin 5,000 times, with no credit on the link the answers come by. */
    private static void noCredit(Emulator hub, SSLContext tls, ClientChannels channels, String name) throws Exception {
        String key = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
        ModuleId module = Connections.modules(0, 1).get(0);
        Connections.createIdentities(hub, tls, List.of(module), key);
        StringBuilder desired = new StringBuilder();
        for (int i = 0; i < TWIN_STRINGS; i++) {
            desired.append(i == 0 ? "" : ",").append("\"large").append(i).append("\":\"")
                    .append("x".repeat(TWIN_STRING_BYTES)).append('"');
        }
        try (Rest rest = new Rest(hub, tls)) {
            Clients.expect(200, rest.send("PATCH", "/twins/" + module.deviceId() + "/modules/" + module.moduleId(),
                    "{\"properties\":{\"desired\":{" + desired + "}}}"), "the twin");
        }
        String token = SharedAccessSignature.sign(hub.hostName() + module.path(), key, null,
                Instant.now().plus(Duration.ofHours(1)));
        CountDownLatch done = new CountDownLatch(1);
        ModuleEvents events = new ModuleEvents(new AtomicReference<>(new CountDownLatch(0)), done::countDown,
                new AtomicInteger());
        AmqpModuleConnection client = new AmqpModuleConnection(hub.hostName(), module, token, events,
                AmqpModuleConnection.TwinUse.GETS_WITHOUT_CREDIT);
        List<ProtonClientHandler> handlers = new ArrayList<>();
        Channel channel = connect(channels, new ProtonClientHandler(client), handlers);
        awaitDone(done);
        Report.figure(name + "_gets_taken", client.getsTaken(), "requests");
        endings(name, handlers);
        Vitals.report(hub, tls, name);
        ClientChannels.closeAll(List.of(channel));
        Vitals.report(hub, tls, name + "_gone");
    }

    /**
     * Clients ask for an idle time-out of 1 ms and, once the emulator has answered their Open, read nothing more:
     * the emulator's CPU while they are watched, and its vitals at the end.
     */
    private static void idle(Emulator hub, SSLContext tls, ClientChannels channels, String name) throws Exception {
        List<StrangerAmqpClient> clients = IntStream.range(0, IDLE_CLIENTS)
                .mapToObj(i -> new StrangerAmqpClient(hub.hostName(), 0, new byte[0])).toList();
        List<ProtonClientHandler> handlers = new ArrayList<>();
        List<Channel> open = connectAll(channels, clients,
                client -> new ProtonClientHandler(client, IDLE_TIMEOUT_MILLIS), handlers);
        endings(name, handlers);
        open.forEach(channel -> channel.config().setAutoRead(false));
        double cpu = hub.cpuSeconds();
        long started = System.nanoTime();
        Thread.sleep(IDLE_WATCHED.toMillis()); // what is measured is the CPU over this time
        double seconds = (System.nanoTime() - started) / 1e9;
        Report.figure(name + "_emulator_cpu", 100 * (hub.cpuSeconds() - cpu) / seconds, "%_of_a_core");
        Vitals.report(hub, tls, name);
        ClientChannels.closeAll(open);
        Vitals.report(hub, tls, name + "_gone");
    }

    /** Connects each client through the handler {@code driver} makes for it, and waits until each is done. */
    private static List<Channel> connectAll(ClientChannels channels, List<StrangerAmqpClient> clients,
                                            Function<AmqpClient, ProtonClientHandler> driver,
                                            List<ProtonClientHandler> handlers) throws InterruptedException {
        List<Channel> open = new ArrayList<>();
        for (StrangerAmqpClient client : clients) {
            open.add(connect(channels, driver.apply(client), handlers));
        }
        for (StrangerAmqpClient client : clients) {
            awaitDone(client.done());
        }
        return open;
    }

    private static Channel connect(ClientChannels channels, ProtonClientHandler handler, List<ProtonClientHandler> handlers) {
        handlers.add(handler);
        return channels.connect(AMQPS, pipeline -> pipeline.addLast(handler)).channel();
    }

    private static void awaitDone(CountDownLatch done) throws InterruptedException {
        if (!done.await(DONE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("a client was not done in " + DONE.toSeconds() + " s");
        }
    }

    /** How many connections the emulator ended within ENDING, and a note for each way it ended them. */
    private static void endings(String name, List<ProtonClientHandler> handlers) throws Exception {
        CompletableFuture<?>[] all = handlers.stream().map(ProtonClientHandler::ending).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all).get(ENDING.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // those still open are held, which the figure says
        }
        Map<String, Integer> ways = new TreeMap<>();
        for (ProtonClientHandler handler : handlers) {
            Ending ending = handler.ending().getNow(null);
            ways.merge(ending == null ? "held open by the emulator"
                    : "ended: " + ending.condition() + " \"" + ending.description() + "\"", 1, Integer::sum);
        }
        Report.figure(name + "_ended_by_emulator",
                handlers.stream().filter(handler -> handler.ending().isDone()).count(), "connections");
        ways.forEach((way, count) -> Report.note("%s: %d of %d connections %s", name, count, handlers.size(), way));
    }
}
