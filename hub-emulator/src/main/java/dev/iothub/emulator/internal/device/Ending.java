package dev.iothub.emulator.internal.device;

/** Why the hub ends a device's connection; each protocol says it in its own terms. */
public enum Ending {
    /** The identity (or, for a module, its device) was deleted. */
    IDENTITY_DELETED("the identity was deleted"),
    /** The device (or, for a module, its device) was disabled. */
    DISABLED("the device was disabled"),
    /** A test asked the emulator to drop the connection, as the hub does now and then (a fault as data). */
    DROPPED("the emulator was asked to drop it"),
    /** The SAS token the identity connected with expired, and no renewal (AMQP's CBS) came before. */
    TOKEN_EXPIRED("its SAS token expired"),
    /**
     * A newer connection of the same identity took its place: the hub keeps one per identity, as an MQTT
     * server keeps one per client id (MQTT 3.1.1, 3.1.4).
     */
    REPLACED("a newer connection of the same identity took its place");

    private final String description;

    Ending(String description) {
        this.description = description;
    }

    @Override
    public String toString() {
        return description;
    }
}
