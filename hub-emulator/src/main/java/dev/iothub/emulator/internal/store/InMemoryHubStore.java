package dev.iothub.emulator.internal.store;

import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A store that forgets everything on close: for tests and {@code --in-memory}. */
public final class InMemoryHubStore implements HubStore {
    private final ConcurrentSkipListMap<String, Identity> identities = new ConcurrentSkipListMap<>();
    private final Map<String, String> settings = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, String> sessions = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, byte[]> messages = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, byte[]> events = new ConcurrentSkipListMap<>();

    @Override
    public Optional<Identity> find(IdentityId id) {
        return Optional.ofNullable(identities.get(StoreKeys.of(id)));
    }

    @Override
    public List<Identity> modules(String deviceId) {
        return List.copyOf(identities.subMap(StoreKeys.modulesFrom(deviceId), StoreKeys.modulesTo(deviceId)).values());
    }

    @Override
    public List<Identity> devices(int max) {
        return identities.values().stream().filter(identity -> !identity.id().isModule()).limit(max).toList();
    }


    @Override
    public Pending putPending(Identity identity) {
        identities.put(StoreKeys.of(identity.id()), identity);
        return Pending.DURABLE;
    }

    @Override
    public void delete(IdentityId id) {
        for (ConcurrentSkipListMap<String, ?> map : List.of(identities, sessions, messages)) {
            map.remove(StoreKeys.of(id));
            map.subMap(StoreKeys.messagesFrom(id), StoreKeys.messagesTo(id)).clear();
            if (!id.isModule()) {
                map.subMap(StoreKeys.modulesFrom(id.deviceId()), StoreKeys.modulesTo(id.deviceId())).clear();
            }
        }
    }

    @Override
    public SortedMap<Long, byte[]> messages(IdentityId id) {
        SortedMap<Long, byte[]> queued = new TreeMap<>();
        messages.subMap(StoreKeys.messagesFrom(id), StoreKeys.messagesTo(id))
                .forEach((key, message) -> queued.put(StoreKeys.sequenceOf(key), message));
        return queued;
    }

    @Override
    public void putMessage(IdentityId id, long sequence, byte[] message) {
        messages.put(StoreKeys.message(id, sequence), message);
    }

    @Override
    public void deleteMessage(IdentityId id, long sequence) {
        messages.remove(StoreKeys.message(id, sequence));
    }

    @Override
    public Pending appendEvents(int partition, long firstSequence, List<byte[]> appended) {
        for (int i = 0; i < appended.size(); i++) {
            events.put(StoreKeys.event(partition, firstSequence + i), appended.get(i));
        }
        return Pending.DURABLE;
    }

    @Override
    public SortedMap<Long, byte[]> events(int partition, long from, int max) {
        SortedMap<Long, byte[]> read = new TreeMap<>();
        for (Map.Entry<String, byte[]> event : events.subMap(StoreKeys.event(partition, from),
                StoreKeys.eventsFrom(partition + 1)).entrySet()) {
            if (read.size() == max) {
                break;
            }
            read.put(StoreKeys.eventSequenceOf(event.getKey()), event.getValue());
        }
        return read;
    }

    @Override
    public OptionalLong lastEvent(int partition) {
        String last = events.lowerKey(StoreKeys.eventsFrom(partition + 1));
        return last == null || !last.startsWith(StoreKeys.eventsFrom(partition))
                ? OptionalLong.empty() : OptionalLong.of(StoreKeys.eventSequenceOf(last));
    }

    @Override
    public void trimEvents(int partition, long before) {
        events.subMap(StoreKeys.eventsFrom(partition), StoreKeys.event(partition, before)).clear();
    }

    @Override
    public Optional<String> session(IdentityId id) {
        return Optional.ofNullable(sessions.get(StoreKeys.of(id)));
    }

    @Override
    public void putSession(IdentityId id, String session) {
        if (session == null) {
            sessions.remove(StoreKeys.of(id));
        } else {
            sessions.put(StoreKeys.of(id), session);
        }
    }

    @Override
    public Optional<String> setting(String name) {
        return Optional.ofNullable(settings.get(name));
    }

    @Override
    public void putSetting(String name, String value) {
        settings.put(name, value);
    }

    @Override
    public void close() {
        identities.clear();
        settings.clear();
        sessions.clear();
        messages.clear();
        events.clear();
    }
}
