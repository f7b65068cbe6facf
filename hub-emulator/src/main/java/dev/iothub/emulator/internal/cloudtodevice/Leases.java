package dev.iothub.emulator.internal.cloudtodevice;

import java.util.Optional;
import java.util.UUID;

/**
 * One receiver's side of a queue the hub delivers under locks (a device's messages, the service's feedback): the
 * next item locked for it, and how it settles each. Locks it still holds when it closes go back to the queue.
 */
public interface Leases<T> {

    /** The next item, locked for this receiver; empty if none waits. */
    Optional<Lease<T>> next();

    /** The receiver is done with it: it goes. */
    void complete(UUID lockToken);

    /** The receiver gives it back, to be delivered again. */
    void abandon(UUID lockToken);

    /** The receiver refuses it: it is not delivered again. */
    void reject(UUID lockToken);

    /** Whether this receiver still holds {@code lockToken}: not once settled, or once its lock ran out. */
    boolean holds(UUID lockToken);

    /** The receiver is gone; what it held goes back to the queue. Idempotent. */
    void close();
}
