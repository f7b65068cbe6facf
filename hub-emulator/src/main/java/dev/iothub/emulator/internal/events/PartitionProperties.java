package dev.iothub.emulator.internal.events;

import java.time.Instant;

/**
 * A partition as Event Hubs describes it: the first sequence number kept, the last one given (-1 if none ever
 * was), when the last event was enqueued (when the hub was created, if none was), and whether any is kept.
 */
public record PartitionProperties(int partition, long beginSequence, long lastSequence, Instant lastEnqueued,
                                  boolean empty) {
}
