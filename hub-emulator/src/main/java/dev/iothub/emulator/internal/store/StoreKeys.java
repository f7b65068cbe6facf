package dev.iothub.emulator.internal.store;

import dev.iothub.emulator.internal.model.IdentityId;

/**
 * Sorted-map keys for identities: {@code d} for a device, {@code d/m} for its modules. Ids cannot
 * contain '/', so a device's modules are exactly the keys from {@code d/} up to {@code d0}
 * ('0' follows '/'). A queued message is its identity's key, the character U+0001 (which no id holds) and its
 * sequence number in 19 digits: an identity's messages sort in order from {@code d\u0001} up to {@code d\u0002},
 * and a device's modules' messages sort among its modules. An event is its partition and its sequence number, in
 * 3 and 19 digits, so that a partition's events sort in order.
 */
final class StoreKeys {
    private StoreKeys() {
    }

    static String of(IdentityId id) {
        return id.toString();
    }

    static String message(IdentityId id, long sequence) {
        return messagesFrom(id) + String.format("%019d", sequence);
    }

    static String messagesFrom(IdentityId id) {
        return of(id) + '\u0001';
    }

    static String messagesTo(IdentityId id) {
        return of(id) + '\u0002';
    }

    /** The sequence number in a {@link #message} key. */
    static long sequenceOf(String messageKey) {
        return Long.parseLong(messageKey.substring(messageKey.indexOf('\u0001') + 1));
    }

    static String event(int partition, long sequence) {
        return String.format("%03d/%019d", partition, sequence);
    }

    /** The first key a partition's events may have; the next partition's is the first after them. */
    static String eventsFrom(int partition) {
        return String.format("%03d/", partition);
    }

    /** The sequence number in an {@link #event} key. */
    static long eventSequenceOf(String eventKey) {
        return Long.parseLong(eventKey.substring(eventKey.indexOf('/') + 1));
    }

    static String modulesFrom(String deviceId) {
        return deviceId + "/";
    }

    static String modulesTo(String deviceId) {
        return deviceId + "0";
    }
}
