package dev.iothub.emulator.internal.model;

import java.util.Objects;

/** Names one identity of the registry: a device, or a module on a device ({@code moduleId} null for a device). */
public record IdentityId(String deviceId, String moduleId) {
    private static final int MAX_LENGTH = 128;
    /** What an id may hold besides ASCII letters and digits. */
    public static final String SYMBOLS = "-.+%_#*?!(),:=@$'";

    public IdentityId {
        Objects.requireNonNull(deviceId, "deviceId");
    }

    public static IdentityId device(String deviceId) {
        return new IdentityId(deviceId, null);
    }

    public static IdentityId module(String deviceId, String moduleId) {
        return new IdentityId(deviceId, Objects.requireNonNull(moduleId, "moduleId"));
    }

    /** The hub's rule for device and module ids: 1 to 128 ASCII letters, digits and {@link #SYMBOLS}. */
    public static boolean isValidId(String id) {
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

    /** Whether both ids follow {@link #isValidId the hub's rule}. */
    public boolean isValid() {
        return isValidId(deviceId) && (moduleId == null || isValidId(moduleId));
    }

    public boolean isModule() {
        return moduleId != null;
    }

    public IdentityId deviceOnly() {
        return isModule() ? device(deviceId) : this;
    }

    /** Whether {@code id} is {@code scope} itself or, when {@code scope} is a device, one of its modules. */
    public static boolean isWithin(IdentityId id, IdentityId scope) {
        return id.equals(scope) || (!scope.isModule() && id.deviceId().equals(scope.deviceId()));
    }

    /** {@code d} or {@code d/m}: ids cannot contain '/', so this names an identity uniquely. */
    @Override
    public String toString() {
        return isModule() ? deviceId + "/" + moduleId : deviceId;
    }
}
