package dev.iothub.emulator.store;

import dev.iothub.emulator.registry.Identity;
import dev.iothub.emulator.registry.IdentityId;
import java.util.List;
import java.util.Optional;

/**
 * Where the hub keeps its identities (each with its twin) and its own settings. Every write is durable
 * when the call returns: an acknowledged write survives the process being killed. Implementations are
 * thread-safe per call; read-modify-write sequences are serialised by the caller.
 */
public interface HubStore extends AutoCloseable {

    Optional<Identity> find(IdentityId id);

    /** The modules of a device, in id order. */
    List<Identity> modules(String deviceId);

    /** The number of device identities, for the hub's statistics and the benchmarks. */
    long deviceCount();

    void put(Identity identity);

    /** Removes an identity; a device takes its modules along, in one step. */
    void delete(IdentityId id);

    /** Small named values the hub keeps for itself, such as the shared access policies' keys. */
    Optional<String> setting(String name);

    void putSetting(String name, String value);

    @Override
    void close();
}
