package dev.iothub.emulator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.messaging.eventhubs.models.PartitionOwnership;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The checkpoint store the processor tests share answers as the Blob Storage store does: each subscription reads
 * the store as it is then. The processor's load balancer subscribes to one listing on each of its iterations; with a
 * listing read once, it saw no owner for good, claimed partitions as if new, was refused every time, and spun.
 */
class InMemoryCheckpointStoreTest {
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore();

    @Test
    void aListingSubscribedAgainSeesTheClaimsMadeSince() {
        Flux<PartitionOwnership> listing = store.listOwnership("hub", "hub-emulator", "$Default");
        assertEquals(0, listing.count().block());

        store.claimOwnership(List.of(claim("0", null))).blockLast();

        assertEquals(List.of("processor-a"), listing.map(PartitionOwnership::getOwnerId).collectList().block());
    }

    @Test
    void aClaimTakesOnlyWithTheEtagTheOwnershipHasWhenItIsSubscribed() {
        Flux<PartitionOwnership> asIfNew = store.claimOwnership(List.of(claim("0", null)));
        store.claimOwnership(List.of(claim("0", null))).blockLast();

        assertEquals(0, asIfNew.count().block(), "refused: the partition has an owner by then");
        String etag = store.listOwnership("hub", "hub-emulator", "$Default").blockFirst().getETag();
        assertEquals(1, store.claimOwnership(List.of(claim("0", etag))).count().block());
    }

    private static PartitionOwnership claim(String partition, String etag) {
        return new PartitionOwnership().setFullyQualifiedNamespace("hub").setEventHubName("hub-emulator")
                .setConsumerGroup("$Default").setPartitionId(partition).setOwnerId("processor-a").setETag(etag);
    }
}
