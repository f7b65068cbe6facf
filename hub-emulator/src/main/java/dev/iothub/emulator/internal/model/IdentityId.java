package dev.iothub.emulator.internal.model;

import java.util.Objects;

/** Names one identity of the registry: a device, or a module on a device ({@code moduleId} null for a device). */
public record IdentityId(String deviceId, String moduleId) {

    public IdentityId {
        Objects.requireNonNull(deviceId, "deviceId");
    }

    public static IdentityId device(String deviceId) {
        return new IdentityId(deviceId, null);
    }

    public static IdentityId module(String deviceId, String moduleId) {
        return new IdentityId(deviceId, Objects.requireNonNull(moduleId, "moduleId"));
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
