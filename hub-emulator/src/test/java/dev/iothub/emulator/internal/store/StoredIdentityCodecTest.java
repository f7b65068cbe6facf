package dev.iothub.emulator.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StoredIdentityCodecTest {

    @Test
    void roundTripsEveryField() {
        for (Identity identity : new Identity[] {SampleIdentities.device("d"), SampleIdentities.module("d", "m"),
                SampleIdentities.edgeDevice("edge")}) {
            Identity read = IdentityCodec.decode(IdentityCodec.encode(identity));

            assertEquals(SampleIdentities.stored(identity), SampleIdentities.stored(read));
            assertEquals(identity.withTwin(null), read.withTwin(null));
            assertEquals(identity.twin().version(), read.twin().version());
            assertEquals(identity.twin().desired().version(), read.twin().desired().version());
            assertEquals(identity.twin().modelId(), read.twin().modelId());
        }
    }

    @Test
    void anIdentityStoredBeforeModelIdsWereKeptHasNone() {
        ObjectNode stored = Json.parseObject(IdentityCodec.encode(SampleIdentities.module("d", "m")));
        ((ObjectNode) stored.get("twin")).remove("modelId");

        Identity read = IdentityCodec.decode(Json.bytes(stored));

        assertEquals("", read.twin().modelId());
        assertEquals(SampleIdentities.module("d", "m").twin().version(), read.twin().version());
    }

    @Test
    void keepsNanosecondsAndNull() {
        Instant updated = SampleIdentities.edgeDevice("e").statusUpdatedTime();
        assertEquals(123456789, updated.getNano());
        assertEquals(updated, IdentityCodec.decode(IdentityCodec.encode(SampleIdentities.edgeDevice("e"))).statusUpdatedTime());
        assertNull(IdentityCodec.decode(IdentityCodec.encode(SampleIdentities.device("d"))).statusUpdatedTime());
    }

    @Test
    void ignoresFieldsItDoesNotKnowAndDefaultsMissingOnes() {
        ObjectNode stored = Json.parseObject(IdentityCodec.encode(SampleIdentities.device("d")));
        stored.put("addedLater", "x");
        ((ObjectNode) stored.get("twin")).putObject("addedLater").put("deep", 1);
        stored.remove("deviceScope");
        stored.remove("parentScopes");

        Identity read = IdentityCodec.decode(Json.bytes(stored));

        assertEquals(IdentityId.device("d"), read.id());
        assertNull(read.deviceScope());
        assertTrue(read.parentScopes().isEmpty());
        assertEquals("north", read.twin().tags().get("site").asText());
    }
}
