package dev.iothub.emulator.auth;

/** The rights a shared access policy grants. */
public enum Permission {
    RegistryRead,
    RegistryWrite,
    ServiceConnect,
    DeviceConnect
}
