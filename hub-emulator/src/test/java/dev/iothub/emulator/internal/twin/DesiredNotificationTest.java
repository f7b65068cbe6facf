package dev.iothub.emulator.internal.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Authentication;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.model.Twin;
import dev.iothub.emulator.internal.registry.ConnectionStates;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A device hears of a desired change only once the change is durable, and of a twin's versions in order. */
class DesiredNotificationTest {
    private static final IdentityId MODULE = IdentityId.module("d", "m");

    private final GatedStore store = new GatedStore();
    private final List<Long> heard = new CopyOnWriteArrayList<>();
    private final ExecutorService writers = Executors.newCachedThreadPool();
    private TwinService twins;

    @BeforeEach
    void createModule() {
        Clock clock = Clock.systemUTC();
        IdentityRegistry registry = new IdentityRegistry(store, new ConnectionStates(clock), clock);
        store.makeDurableThrough(2);
        registry.create(draft(IdentityId.device(MODULE.deviceId())));
        registry.create(draft(MODULE));
        twins = new TwinService(registry, clock);
        twins.addListener((id, patch) -> heard.add(patch.get("$version").asLong()));
    }

    @AfterEach
    void stopWriters() {
        store.makeDurableThrough(Long.MAX_VALUE);
        writers.shutdownNow();
    }

    @Test
    void aDesiredChangeIsAnnouncedOnlyOnceDurable() throws Exception {
        Future<Identity> patched = writers.submit(() -> patch(7));
        store.awaitWaiting(1);
        assertEquals(List.of(), heard, "announced before the change was durable");

        store.makeDurableThrough(3);
        assertEquals(2, patched.get().twin().desired().version());
        assertEquals(List.of(2L), heard);
    }

    @Test
    void changesAreAnnouncedInVersionOrderWhicheverWriterWakesFirst() throws Exception {
        store.holdBack(3);
        Future<Identity> first = writers.submit(() -> patch(1));
        store.awaitWaiting(1);
        Future<Identity> second = writers.submit(() -> patch(2));
        store.awaitWaiting(2);

        store.makeDurableThrough(4);
        assertEquals(3, second.get().twin().desired().version());
        assertEquals(List.of(2L, 3L), heard, "the second writer announces the first change before its own");

        store.wake(3);
        assertEquals(2, first.get().twin().desired().version());
        assertEquals(List.of(2L, 3L), heard, "each change is announced once");
    }

    private Identity patch(int value) {
        ObjectNode body = Json.object();
        body.putObject("properties").putObject("desired").put("telemetryInterval", value);
        return twins.patch(MODULE, body, null);
    }

    private static Identity draft(IdentityId id) {
        return new Identity(id, null, null, Identity.ENABLED, null, null, Authentication.sas(null, null), null, false,
                null, List.of(), Twin.created("2026-01-01T00:00:00.0000000Z"));
    }
}
