package dev.iothub.emulator.internal.registry;

import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.model.IdentityId;

/** The registry's answer to an id that breaks the hub's rule ({@link IdentityId#isValidId}). */
public final class IdentityIds {
    private IdentityIds() {
    }

    public static void check(IdentityId id) {
        if (!IdentityId.isValidId(id.deviceId())) {
            throw HubException.badFormat("DeviceId is invalid: it must be 1 to 128 ASCII letters, digits or "
                    + IdentityId.SYMBOLS + ".");
        }
        if (id.isModule() && !IdentityId.isValidId(id.moduleId())) {
            throw HubException.badFormat("ModuleId is invalid: it must be 1 to 128 ASCII letters, digits or "
                    + IdentityId.SYMBOLS + ".");
        }
    }
}
