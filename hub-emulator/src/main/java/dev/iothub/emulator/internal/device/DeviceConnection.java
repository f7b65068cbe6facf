package dev.iothub.emulator.internal.device;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One protocol connection of an identity, as the device side of the hub sees it: what a protocol adapter
 * implements so that the hub can reach the device. Called from any thread; the adapter hands the work to
 * its connection's own thread, in the order of the calls.
 */
public interface DeviceConnection {

    /** A desired-properties change, with {@code $version} set: only after a subscription, in version order. */
    void desiredChanged(ObjectNode patch);

    /** The hub ends the connection, for the reason given. */
    void close(Ending why);
}
