package dev.iothub.emulator.internal.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Who receives from each partition of each consumer group, by Event Hubs' rule for owner levels (epochs): a receiver
 * with an owner level takes the partition from every receiver with a lower or equal level and from those with none;
 * a receiver whose level is lower than the owner's, or that has none while there is an owner, is refused. Receivers
 * without levels share a partition. This is how an EventProcessorClient taking a partition over (at level 0)
 * ends the receiver of the processor that had it.
 */
final class PartitionOwners {
    /** A receiver: its owner level (null for none), and how to tell it that it lost the partition. */
    private record Receiver(Long ownerLevel, Consumer<String> stolen) {
    }

    /** The receivers of each partition of each consumer group, by group (lower case) and partition. */
    private final Map<String, List<Receiver>> receivers = new HashMap<>();

    /** Lets a receiver in, ending those it takes over from; answers what ends its own turn, or throws why not. */
    synchronized Runnable join(String consumerGroup, int partition, Long ownerLevel, Consumer<String> stolen)
            throws ReceiverRefusal {
        String key = consumerGroup.toLowerCase(Locale.ROOT) + "/" + partition;
        List<Receiver> present = receivers.computeIfAbsent(key, k -> new ArrayList<>());
        Long owner = present.stream().map(Receiver::ownerLevel).filter(level -> level != null)
                .max(Long::compare).orElse(null);
        if (owner != null && (ownerLevel == null || ownerLevel < owner)) {
            throw new ReceiverRefusal("Receiver with owner level '" + owner + "' already exists on partition '"
                    + partition + "': a receiver " + (ownerLevel == null ? "without an owner level"
                    : "with owner level '" + ownerLevel + "'") + " cannot be created.");
        }
        Receiver joined = new Receiver(ownerLevel, stolen);
        if (ownerLevel != null) {
            for (Receiver other : List.copyOf(present)) {
                present.remove(other);
                other.stolen().accept("New receiver with owner level '" + ownerLevel + "' was created on partition '"
                        + partition + "': the receiver " + (other.ownerLevel() == null ? "without an owner level"
                        : "with owner level '" + other.ownerLevel() + "'") + " is disconnected.");
            }
        }
        present.add(joined);
        return () -> leave(key, joined);
    }

    private synchronized void leave(String key, Receiver receiver) {
        List<Receiver> present = receivers.get(key);
        if (present != null) {
            present.remove(receiver);
            if (present.isEmpty()) {
                receivers.remove(key);
            }
        }
    }
}
