package dev.iothub.emulator.testing;

import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.store.HubStore;
import dev.iothub.emulator.internal.store.InMemoryHubStore;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;

/** The emulator's store in memory, for a test store to override the few calls it changes. */
public abstract class ForwardingStore implements HubStore {
    private final InMemoryHubStore stored = new InMemoryHubStore();

    @Override
    public Optional<Identity> find(IdentityId id) {
        return stored.find(id);
    }

    @Override
    public List<Identity> modules(String deviceId) {
        return stored.modules(deviceId);
    }

    @Override
    public List<Identity> devices(int max) {
        return stored.devices(max);
    }

    @Override
    public Pending putPending(Identity identity) {
        return stored.putPending(identity);
    }

    @Override
    public void delete(IdentityId id) {
        stored.delete(id);
    }

    @Override
    public Optional<String> session(IdentityId id) {
        return stored.session(id);
    }

    @Override
    public void putSession(IdentityId id, String session) {
        stored.putSession(id, session);
    }

    @Override
    public SortedMap<Long, byte[]> messages(IdentityId id) {
        return stored.messages(id);
    }

    @Override
    public void putMessage(IdentityId id, long sequence, byte[] message) {
        stored.putMessage(id, sequence, message);
    }

    @Override
    public void deleteMessage(IdentityId id, long sequence) {
        stored.deleteMessage(id, sequence);
    }

    @Override
    public Pending appendEvents(int partition, long firstSequence, List<byte[]> events) {
        return stored.appendEvents(partition, firstSequence, events);
    }

    @Override
    public SortedMap<Long, byte[]> events(int partition, long from, int max) {
        return stored.events(partition, from, max);
    }

    @Override
    public OptionalLong lastEvent(int partition) {
        return stored.lastEvent(partition);
    }

    @Override
    public void trimEvents(int partition, long before) {
        stored.trimEvents(partition, before);
    }

    @Override
    public Optional<String> setting(String name) {
        return stored.setting(name);
    }

    @Override
    public void putSetting(String name, String value) {
        stored.putSetting(name, value);
    }

    @Override
    public void close() {
        stored.close();
    }
}
