package dev.iothub.emulator.testing;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.PartitionOwnership;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where EventProcessorClients keep their partitions' owners and checkpoints, in memory, as the Blob Storage store
 * does: a claim succeeds only with the etag the ownership has now (none for a partition never owned), and gets a
 * new one. The Event Hubs library ships no such store. Each answer reads or writes the store when it is subscribed
 * to, as the Blob Storage store's requests do: the processor's load balancer subscribes to one listing again on each
 * of its iterations.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {
    private final Map<String, PartitionOwnership> ownerships = new ConcurrentHashMap<>();
    private final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();

    @Override
    public Flux<PartitionOwnership> listOwnership(String namespace, String eventHub, String consumerGroup) {
        return Flux.defer(() -> Flux.fromIterable(List.copyOf(ownerships.values())));
    }

    @Override
    public Flux<PartitionOwnership> claimOwnership(List<PartitionOwnership> requested) {
        return Flux.defer(() -> Flux.fromIterable(claim(requested)));
    }

    private synchronized List<PartitionOwnership> claim(List<PartitionOwnership> requested) {
        List<PartitionOwnership> claimed = new ArrayList<>();
        for (PartitionOwnership claim : requested) {
            PartitionOwnership present = ownerships.get(claim.getPartitionId());
            if (Objects.equals(present == null ? null : present.getETag(), claim.getETag())) {
                PartitionOwnership owned = new PartitionOwnership()
                        .setFullyQualifiedNamespace(claim.getFullyQualifiedNamespace())
                        .setEventHubName(claim.getEventHubName()).setConsumerGroup(claim.getConsumerGroup())
                        .setPartitionId(claim.getPartitionId()).setOwnerId(claim.getOwnerId())
                        .setLastModifiedTime(System.currentTimeMillis()).setETag(UUID.randomUUID().toString());
                ownerships.put(claim.getPartitionId(), owned);
                claimed.add(owned);
            }
        }
        return claimed;
    }

    @Override
    public Flux<Checkpoint> listCheckpoints(String namespace, String eventHub, String consumerGroup) {
        return Flux.defer(() -> Flux.fromIterable(List.copyOf(checkpoints.values())));
    }

    @Override
    public Mono<Void> updateCheckpoint(Checkpoint checkpoint) {
        return Mono.fromRunnable(() -> checkpoints.put(checkpoint.getPartitionId(), checkpoint));
    }

    /** The owner of each partition owned, by partition id. */
    public Map<String, String> owners() {
        Map<String, String> owners = new ConcurrentHashMap<>();
        ownerships.forEach((partition, ownership) -> owners.put(partition, ownership.getOwnerId()));
        return owners;
    }
}
