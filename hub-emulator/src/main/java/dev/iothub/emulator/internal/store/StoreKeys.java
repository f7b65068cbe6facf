package dev.iothub.emulator.internal.store;

import dev.iothub.emulator.internal.model.IdentityId;

/**
 * Sorted-map keys for identities: {@code d} for a device, {@code d/m} for its modules. Ids cannot
 * contain '/', so a device's modules are exactly the keys from {@code d/} up to {@code d0}
 * ('0' follows '/').
 */
final class StoreKeys {
    private StoreKeys() {
    }

    static String of(IdentityId id) {
        return id.toString();
    }

    static String modulesFrom(String deviceId) {
        return deviceId + "/";
    }

    static String modulesTo(String deviceId) {
        return deviceId + "0";
    }
}
