package dev.iothub.emulator.internal.device;

/**
 * What a connection asks of the session the hub may keep for its identity while it is away: MQTT's
 * persistent sessions (cleanSession=0), which the hub keeps across disconnects and restarts, subscriptions
 * and all. The Node device SDK relies on that and does not subscribe again after a reconnect.
 */
public enum SessionKeeping {
    /** The protocol has no such session (AMQP): what is kept for MQTT stays as it is. */
    NONE,
    /** Start afresh and forget what was kept (MQTT cleanSession=1). */
    CLEAN,
    /** Resume what was kept, and keep what changes (MQTT cleanSession=0). */
    PERSISTENT
}
