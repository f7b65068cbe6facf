package dev.iothub.emulator.internal.cloudtodevice;

import java.util.UUID;

/** Something the hub handed out under a lock ({@code lockToken}) until the receiver settles it. */
public record Lease<T>(UUID lockToken, T item) {
}
