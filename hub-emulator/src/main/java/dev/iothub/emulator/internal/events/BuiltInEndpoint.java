package dev.iothub.emulator.internal.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.store.HubStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The hub's built-in endpoint, {@code messages/events}: every device-to-cloud message a device or module sends is
 * stamped with the hub's system properties and enqueued on the partition its device id hashes to, where Event Hubs
 * clients read it. The partition count is fixed when the hub is first created, as on Azure.
 */
public final class BuiltInEndpoint {
    /** The consumer group every hub has. */
    public static final String DEFAULT_CONSUMER_GROUP = "$Default";
    /** What Azure allows in a consumer group's name (its portal and ARM: letters, digits, '.', '-', '_', up to 50). */
    public static final Pattern CONSUMER_GROUP_NAME = Pattern.compile("[A-Za-z0-9._-]{1,50}");
    /** The count Azure's portal and templates create a hub with. */
    public static final int DEFAULT_PARTITIONS = 4;
    /** The hub's default retention for the built-in endpoint. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(1);
    /** What each partition keeps at most, so that a device sending without pause cannot fill memory or disk. */
    public static final long DEFAULT_PARTITION_BYTES = 16L * 1024 * 1024;
    private static final String PARTITIONS_SETTING = "events.partitions";
    private static final String CREATED_SETTING = "events.created";
    /** What the hub stamps on every message, and a device cannot set. */
    private static final Set<String> STAMPED = Set.of(Event.DEVICE_ID, Event.MODULE_ID, Event.AUTH_METHOD,
            Event.AUTH_GENERATION_ID, Event.MESSAGE_SOURCE, Event.IOTHUB_ENQUEUED_TIME);

    private final Partitions partitions;
    private final PartitionLog[] logs;
    private final Clock clock;
    private final Instant createdAt;
    private final PartitionOwners owners = new PartitionOwners();
    /** {@code $default} and the groups the hub was started with, in lower case. */
    private final Set<String> consumerGroups;

    /**
     * The endpoint of the hub in {@code store}: with {@code partitionCount} partitions if it is new, or the count it
     * was created with, which {@code partitionCount} (null if not asked for) may not contradict.
     */
    public BuiltInEndpoint(HubStore store, Clock clock, Integer partitionCount, Set<String> consumerGroups,
                           Duration retention, long maxPartitionBytes) {
        this.clock = clock;
        Set<String> groups = new HashSet<>(Set.of(DEFAULT_CONSUMER_GROUP.toLowerCase(Locale.ROOT)));
        consumerGroups.forEach(group -> groups.add(group.toLowerCase(Locale.ROOT)));
        this.consumerGroups = Set.copyOf(groups);
        int count = store.setting(PARTITIONS_SETTING).map(Integer::parseInt).orElse(-1);
        if (count < 0) {
            count = partitionCount == null ? DEFAULT_PARTITIONS : partitionCount;
            partitions = new Partitions(count); // refuses a count out of range before it is kept
            store.putSetting(CREATED_SETTING, clock.instant().toString());
            store.putSetting(PARTITIONS_SETTING, Integer.toString(count));
        } else if (partitionCount != null && partitionCount != count) {
            throw new IllegalArgumentException("This hub was created with " + count + " partitions, and a hub's "
                    + "partition count cannot change: leave out the partition count, or start a new hub in another "
                    + "data directory");
        } else {
            partitions = new Partitions(count);
        }
        createdAt = store.setting(CREATED_SETTING).map(Instant::parse).orElse(clock.instant());
        logs = new PartitionLog[count];
        for (int partition = 0; partition < count; partition++) {
            logs[partition] = new PartitionLog(partition, store, retention, maxPartitionBytes, createdAt);
        }
    }

    /**
     * Enqueues what {@code source} sent, in order, and returns once it is durable; {@code authScope} says what its
     * token was signed with ({@code device}, {@code module}, or {@code hub} for a shared access policy).
     */
    public void append(IdentityId source, String authScope, String generationId, List<Telemetry> sent) {
        if (sent.isEmpty()) {
            return;
        }
        enqueue(source.deviceId(), systemProperties(source, authScope, generationId),
                sent.stream().map(BuiltInEndpoint::asTaken).toList());
    }

    /**
     * Enqueues an event the hub itself raised about {@code about}'s device (a twin changed, a module was created),
     * from {@code messageSource} ({@code twinChangeEvents}, say), and returns once it is durable. Such events carry
     * the module id as a system property only where {@code moduleAnnotated}, and no authentication.
     */
    public void appendHubEvent(IdentityId about, boolean moduleAnnotated, String messageSource, Telemetry event) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(Event.DEVICE_ID, about.deviceId());
        if (about.isModule() && moduleAnnotated) {
            properties.put(Event.MODULE_ID, about.moduleId());
        }
        properties.put(Event.MESSAGE_SOURCE, messageSource);
        enqueue(about.deviceId(), properties, List.of(event));
    }

    private void enqueue(String deviceId, Map<String, String> systemProperties, List<Telemetry> events) {
        PartitionLog log = logs[partitions.of(deviceId)];
        PartitionLog.Appended appended = log.append(systemProperties, events, clock.instant());
        try {
            appended.pending().awaitDurable();
        } catch (HubException e) {
            log.failed(appended);
            throw e;
        }
        log.durable(appended.last());
        log.trim(false);
    }

    /**
     * A message as the hub passes it on: an application property named as one the hub stamps is dropped (the Java
     * SDK sends {@code iothub-connection-device-id} as one over AMQP), and the creation time a device may set goes
     * with the system properties, as MQTT's {@code $.ctime} does.
     */
    private static Telemetry asTaken(Telemetry sent) {
        Map<String, String> properties = new LinkedHashMap<>(sent.properties());
        properties.keySet().removeAll(STAMPED);
        Map<String, String> annotations = new LinkedHashMap<>(sent.annotations());
        String creationTime = properties.remove(Telemetry.CREATION_TIME);
        if (creationTime != null) {
            annotations.putIfAbsent(Telemetry.CREATION_TIME, creationTime);
        }
        return new Telemetry(sent.body(), properties, sent.messageId(), sent.correlationId(), sent.userId(),
                sent.contentType(), sent.contentEncoding(), annotations);
    }

    private static Map<String, String> systemProperties(IdentityId source, String authScope, String generationId) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(Event.DEVICE_ID, source.deviceId());
        if (source.isModule()) {
            properties.put(Event.MODULE_ID, source.moduleId());
        }
        ObjectNode authMethod = Json.object();
        authMethod.put("scope", authScope);
        authMethod.put("type", "sas");
        authMethod.put("issuer", "iothub");
        authMethod.putNull("acceptingIpFilterRule");
        properties.put(Event.AUTH_METHOD, authMethod.toString());
        properties.put(Event.AUTH_GENERATION_ID, generationId);
        properties.put(Event.MESSAGE_SOURCE, Event.TELEMETRY);
        return properties;
    }

    public int partitionCount() {
        return logs.length;
    }

    /** The partition a client names ({@code "0"} to {@code "3"}), if there is one of that name. */
    public OptionalInt partition(String id) {
        for (int partition = 0; partition < logs.length; partition++) {
            if (Integer.toString(partition).equals(id)) {
                return OptionalInt.of(partition);
            }
        }
        return OptionalInt.empty();
    }

    /** When the hub, and so its endpoint, was created. */
    public Instant createdAt() {
        return createdAt;
    }

    public PartitionProperties properties(int partition) {
        return logs[partition].properties(clock.instant());
    }

    /** The sequence number a receiver of {@code partition} starting at {@code position} reads first. */
    public long first(int partition, StartPosition position) {
        return logs[partition].first(position, clock.instant());
    }

    /** At most {@code max} events of {@code partition} from sequence number {@code from} on, in order. */
    public List<Event> read(int partition, long from, int max) {
        return logs[partition].read(from, max, clock.instant());
    }

    /** Whether the endpoint has a consumer group of that name, which it matches without regard to case. */
    public boolean isConsumerGroup(String name) {
        return name != null && consumerGroups.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * A receiver of {@code partition} in {@code consumerGroup}, with an owner level or none (null): let in, and
     * others whose partition it takes told why through their {@code stolen}, which runs while the endpoint holds
     * its lock (it must only schedule their end); answers what ends its turn. Refused if a receiver of a higher
     * level has the partition.
     */
    public Runnable joinReceivers(String consumerGroup, int partition, Long ownerLevel, Consumer<String> stolen)
            throws ReceiverRefusal {
        return owners.join(consumerGroup, partition, ownerLevel, stolen);
    }

    /** {@code receiver} runs, on any thread, whenever events of {@code partition} arrive; until the answer runs. */
    public Runnable watch(int partition, Runnable receiver) {
        return logs[partition].watch(receiver);
    }

    /** Every event kept, in the order the hub enqueued them. */
    public List<Event> events() {
        List<Event> events = new ArrayList<>();
        for (int partition = 0; partition < logs.length; partition++) {
            events.addAll(read(partition, 0, Integer.MAX_VALUE));
        }
        events.sort(Comparator.comparing(Event::enqueued).thenComparing(Event::partition)
                .thenComparing(Event::sequence));
        return events;
    }

    /** Drops every event kept; sequence numbers go on. */
    public void clear() {
        for (PartitionLog log : logs) {
            log.clear();
        }
    }
}
