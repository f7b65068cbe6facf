package dev.iothub.emulator.internal.amqp;

import java.util.Locale;

/**
 * The address of a link to the built-in endpoint, as Event Hubs clients write it: its management node,
 * {@code $management} (Java, Python) or {@code {entity}/$management} (JS, the Azure CLI), or a partition of a
 * consumer group, {@code {entity}/ConsumerGroups/{group}/Partitions/{id}}, each a path or an {@code amqps://} URI
 * ({@link LinkAddress#path}). Literal segments and the entity match without regard to case.
 */
record EventHubAddress(String consumerGroup, String partition) {
    private static final String MANAGEMENT = "$management";

    boolean isManagement() {
        return partition == null;
    }

    /** The address {@code path} names on the endpoint of {@code entity}, or null if it is none of its addresses. */
    static EventHubAddress parse(String path, String entity) {
        if (path == null) {
            return null;
        }
        String[] segments = path.substring(1).split("/", -1);
        if (segments.length == 1 && segments[0].equalsIgnoreCase(MANAGEMENT)) {
            return new EventHubAddress(null, null);
        }
        if (segments.length < 2 || !segments[0].equalsIgnoreCase(entity)) {
            return null;
        }
        if (segments.length == 2 && segments[1].equalsIgnoreCase(MANAGEMENT)) {
            return new EventHubAddress(null, null);
        }
        if (segments.length == 5 && segments[1].toLowerCase(Locale.ROOT).equals("consumergroups")
                && segments[3].toLowerCase(Locale.ROOT).equals("partitions")) {
            return new EventHubAddress(segments[2], segments[4]);
        }
        return null;
    }
}
