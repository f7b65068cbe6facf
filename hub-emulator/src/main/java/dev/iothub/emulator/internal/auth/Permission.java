package dev.iothub.emulator.internal.auth;

/** The rights a shared access policy grants. */
public enum Permission {
    RegistryRead,
    RegistryWrite,
    ServiceConnect,
    DeviceConnect
}
