package dev.iothub.emulator.internal.registry;

import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.model.IdentityId;

/** The hub's rule for device and module ids: 1 to 128 ASCII letters, digits and {@code -.+%_#*?!(),:=@$'}. */
public final class IdentityIds {
    private static final int MAX_LENGTH = 128;
    private static final String SYMBOLS = "-.+%_#*?!(),:=@$'";

    private IdentityIds() {
    }

    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!letterOrDigit && SYMBOLS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    public static void check(IdentityId id) {
        if (!isValid(id.deviceId())) {
            throw HubException.badFormat("DeviceId is invalid: it must be 1 to 128 ASCII letters, digits or "
                    + SYMBOLS + ".");
        }
        if (id.isModule() && !isValid(id.moduleId())) {
            throw HubException.badFormat("ModuleId is invalid: it must be 1 to 128 ASCII letters, digits or "
                    + SYMBOLS + ".");
        }
    }
}
