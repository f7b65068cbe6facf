package dev.iothub.emulator.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link HubStore} does; each implementation runs these through a subclass. */
abstract class HubStoreContract {
    @TempDir
    Path directory;
    HubStore store;

    abstract HubStore open(Path directory) throws Exception;

    /**
     * What the store would write for an identity: stored JSON numbers may come back as other node classes
     * (a long 2 as an int 2), equal as JSON but not by {@code equals}, so identities are compared this way.
     */
    static Optional<String> stored(Optional<Identity> identity) {
        return identity.map(SampleIdentities::stored);
    }

    static List<String> stored(List<Identity> identities) {
        return identities.stream().map(SampleIdentities::stored).toList();
    }

    static Optional<String> stored(Identity identity) {
        return Optional.of(SampleIdentities.stored(identity));
    }

    @BeforeEach
    void openStore() throws Exception {
        store = open(directory);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void listsDevicesInIdOrderWithoutModules() {
        for (String id : List.of("c", "a", "b")) {
            store.put(SampleIdentities.device(id));
            store.put(SampleIdentities.module(id, "m"));
        }

        assertEquals(List.of("a", "b", "c"), store.devices(10).stream().map(d -> d.id().deviceId()).toList());
        assertEquals(List.of("a", "b"), store.devices(2).stream().map(d -> d.id().deviceId()).toList());
    }

    @Test
    void keepsASessionUntilItIsForgottenOrItsIdentityGoes() {
        store.put(SampleIdentities.device("d"));
        store.put(SampleIdentities.module("d", "m"));
        store.put(SampleIdentities.device("e"));
        store.putSession(IdentityId.module("d", "m"), "{\"desired\":1}");
        store.putSession(IdentityId.device("e"), "{}");

        assertEquals(Optional.of("{\"desired\":1}"), store.session(IdentityId.module("d", "m")));
        store.putSession(IdentityId.device("e"), null);
        assertEquals(Optional.empty(), store.session(IdentityId.device("e")));
        store.delete(IdentityId.device("d"));
        assertEquals(Optional.empty(), store.session(IdentityId.module("d", "m")), "gone with the device");
    }

    @Test
    void findsWhatWasPut() {
        Identity device = SampleIdentities.device("d");
        Identity module = SampleIdentities.module("d", "m");
        store.put(device);
        store.put(module);

        assertEquals(stored(device), stored(store.find(IdentityId.device("d"))));
        assertEquals(stored(module), stored(store.find(IdentityId.module("d", "m"))));
        assertEquals(Optional.empty(), store.find(IdentityId.device("other")));
        assertEquals(Optional.empty(), store.find(IdentityId.module("d", "other")));
    }

    @Test
    void putReplaces() {
        store.put(SampleIdentities.device("d"));
        Identity edge = SampleIdentities.edgeDevice("d");
        store.put(edge);

        assertEquals(stored(edge), stored(store.find(IdentityId.device("d"))));
        assertEquals(1, store.devices(Integer.MAX_VALUE).size());
    }

    @Test
    void modulesAreInIdOrderAndOnlyTheDevicesOwn() {
        for (String deviceId : List.of("d", "d-x", "d.x", "d0", "dd", "c")) {
            store.put(SampleIdentities.device(deviceId));
            store.put(SampleIdentities.module(deviceId, "m2"));
            store.put(SampleIdentities.module(deviceId, "m1"));
        }

        assertEquals(stored(List.of(SampleIdentities.module("d", "m1"), SampleIdentities.module("d", "m2"))),
                stored(store.modules("d")));
        assertEquals(stored(List.of(SampleIdentities.module("d-x", "m1"), SampleIdentities.module("d-x", "m2"))),
                stored(store.modules("d-x")));
        assertEquals(stored(List.of(SampleIdentities.module("d0", "m1"), SampleIdentities.module("d0", "m2"))),
                stored(store.modules("d0")));
        assertEquals(List.of(), store.modules("none"));
    }

    @Test
    void deletingADeviceTakesItsModulesAlong() {
        for (String deviceId : List.of("d", "d-x", "d.x", "d0")) {
            store.put(SampleIdentities.device(deviceId));
            store.put(SampleIdentities.module(deviceId, "m"));
        }

        store.delete(IdentityId.device("d"));

        assertEquals(Optional.empty(), store.find(IdentityId.device("d")));
        assertEquals(Optional.empty(), store.find(IdentityId.module("d", "m")));
        assertEquals(List.of(), store.modules("d"));
        for (String deviceId : List.of("d-x", "d.x", "d0")) {
            assertTrue(store.find(IdentityId.device(deviceId)).isPresent(), deviceId);
            assertEquals(stored(List.of(SampleIdentities.module(deviceId, "m"))), stored(store.modules(deviceId)));
        }
    }

    @Test
    void deletingAModuleLeavesItsDevice() {
        store.put(SampleIdentities.device("d"));
        store.put(SampleIdentities.module("d", "m1"));
        store.put(SampleIdentities.module("d", "m2"));

        store.delete(IdentityId.module("d", "m1"));

        assertTrue(store.find(IdentityId.device("d")).isPresent());
        assertEquals(stored(List.of(SampleIdentities.module("d", "m2"))), stored(store.modules("d")));
    }

    @Test
    void deletingWhatIsNotThereIsFine() {
        store.delete(IdentityId.device("nothing"));
        store.delete(IdentityId.module("nothing", "m"));

        assertEquals(0, store.devices(Integer.MAX_VALUE).size());
    }

    @Test
    void countsDevicesNotModules() {
        assertEquals(0, store.devices(Integer.MAX_VALUE).size());
        store.put(SampleIdentities.device("a"));
        store.put(SampleIdentities.device("b"));
        store.put(SampleIdentities.module("a", "m1"));
        store.put(SampleIdentities.module("a", "m2"));

        assertEquals(2, store.devices(Integer.MAX_VALUE).size());

        store.delete(IdentityId.device("a"));
        assertEquals(1, store.devices(Integer.MAX_VALUE).size());
    }

    @Test
    void keepsAQueueOfMessagesInOrderUntilEachIsRemoved() {
        IdentityId device = IdentityId.device("d");
        store.put(SampleIdentities.device("d"));
        store.put(SampleIdentities.device("d0"));
        store.putMessage(device, 10, bytes("ten"));
        store.putMessage(device, 2, bytes("two"));
        store.putMessage(IdentityId.device("d0"), 1, bytes("other device"));
        store.putMessage(device, 2, bytes("two, delivered once"));

        assertEquals(List.of(2L, 10L), List.copyOf(store.messages(device).keySet()));
        assertArrayEquals(bytes("two, delivered once"), store.messages(device).get(2L));
        store.deleteMessage(device, 2);
        store.deleteMessage(device, 3);
        assertEquals(List.of(10L), List.copyOf(store.messages(device).keySet()));
        assertEquals(List.of(1L), List.copyOf(store.messages(IdentityId.device("d0")).keySet()));
    }

    @Test
    void messagesGoWithTheirIdentityAndADevicesWithItsModules() {
        for (String deviceId : List.of("d", "d-x", "d0")) {
            store.put(SampleIdentities.device(deviceId));
            store.put(SampleIdentities.module(deviceId, "m"));
            store.putMessage(IdentityId.device(deviceId), 1, bytes(deviceId));
            store.putMessage(IdentityId.module(deviceId, "m"), 1, bytes(deviceId + "/m"));
        }
        store.put(SampleIdentities.module("d", "m2"));
        store.putMessage(IdentityId.module("d", "m2"), 1, bytes("d/m2"));

        store.delete(IdentityId.module("d", "m2"));
        assertEquals(List.of(), List.copyOf(store.messages(IdentityId.module("d", "m2")).keySet()));
        assertEquals(1, store.messages(IdentityId.module("d", "m")).size());
        store.delete(IdentityId.device("d"));

        assertEquals(0, store.messages(IdentityId.device("d")).size());
        assertEquals(0, store.messages(IdentityId.module("d", "m")).size());
        for (String deviceId : List.of("d-x", "d0")) {
            assertArrayEquals(bytes(deviceId), store.messages(IdentityId.device(deviceId)).get(1L), deviceId);
            assertArrayEquals(bytes(deviceId + "/m"), store.messages(IdentityId.module(deviceId, "m")).get(1L));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsSettings() {
        assertEquals(Optional.empty(), store.setting("policies"));
        store.putSetting("policies", "{\"iothubowner\":\"k1\"}");
        store.putSetting("other", "x");
        store.putSetting("policies", "{\"iothubowner\":\"k2\"}");

        assertEquals(Optional.of("{\"iothubowner\":\"k2\"}"), store.setting("policies"));
        assertEquals(Optional.of("x"), store.setting("other"));
    }

    @Test
    void keepsEachPartitionsEventsInOrderApartFromTheOthers() {
        store.appendEvents(1, 0, List.of(bytes("a"), bytes("b"))).awaitDurable();
        store.appendEvents(0, 5, List.of(bytes("x"))).awaitDurable();
        store.appendEvents(1, 2, List.of(bytes("c"))).awaitDurable();
        store.appendEvents(10, 0, List.of(bytes("p10"))).awaitDurable();

        assertEquals(List.of("a", "b", "c"), texts(store.events(1, 0, 10).values()));
        assertEquals(List.of(0L, 1L, 2L), List.copyOf(store.events(1, 0, 10).keySet()));
        assertEquals(List.of("b"), texts(store.events(1, 1, 1).values()));
        assertEquals(List.of("x"), texts(store.events(0, 0, 10).values()));
        assertEquals(List.of(), texts(store.events(2, 0, 10).values()));
        assertEquals(OptionalLong.of(2), store.lastEvent(1));
        assertEquals(OptionalLong.of(5), store.lastEvent(0));
        assertEquals(OptionalLong.empty(), store.lastEvent(2));
        assertEquals(OptionalLong.of(0), store.lastEvent(10));
    }

    @Test
    void trimmingRemovesOnlyTheEventsBefore() {
        store.appendEvents(0, 0, List.of(bytes("a"), bytes("b"), bytes("c"))).awaitDurable();
        store.appendEvents(1, 0, List.of(bytes("x"))).awaitDurable();

        store.trimEvents(0, 2);

        assertEquals(List.of(2L), List.copyOf(store.events(0, 0, 10).keySet()));
        assertEquals(OptionalLong.of(2), store.lastEvent(0));
        assertEquals(List.of("x"), texts(store.events(1, 0, 10).values()));
        store.trimEvents(0, 3);
        assertEquals(OptionalLong.empty(), store.lastEvent(0));
    }

    @Test
    void eventsOutliveTheIdentitiesThatSentThem() {
        store.put(SampleIdentities.device("d"));
        store.appendEvents(0, 0, List.of(bytes("a"))).awaitDurable();

        store.delete(IdentityId.device("d"));

        assertEquals(List.of("a"), texts(store.events(0, 0, 10).values()));
    }

    private static List<String> texts(Collection<byte[]> events) {
        return events.stream().map(event -> new String(event, StandardCharsets.UTF_8)).toList();
    }
}
