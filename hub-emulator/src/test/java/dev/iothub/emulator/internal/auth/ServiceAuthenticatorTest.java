package dev.iothub.emulator.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.store.InMemoryHubStore;
import dev.iothub.emulator.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the SharedAccessSignature checks decide, also for a token whose signature was verified before. */
class ServiceAuthenticatorTest {
    private static final String HUB = "127.0.0.1";

    private final SharedAccessPolicies policies = SharedAccessPolicies.loadOrCreate(new InMemoryHubStore(), false);
    private final MovableClock clock = new MovableClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final ServiceAuthenticator authenticator = new ServiceAuthenticator(policies, new HubNames(List.of(HUB)), clock);

    @Test
    void anExpiredTokenIsRefusedAlthoughItWasVerifiedBefore() {
        String token = SharedAccessSignature.sign(HUB, policies.owner().primaryKey(), "iothubowner",
                clock.instant().plusSeconds(60));
        authenticator.authorize(token, "/devices/d", Permission.RegistryRead);
        authenticator.authorize(token, "/devices/d", Permission.RegistryRead);

        clock.advance(Duration.ofSeconds(60));

        assertUnauthorized("Unauthorized: The SharedAccessSignature has expired.", token, Permission.RegistryRead);
    }

    @Test
    void aVerifiedTokenStillNeedsThePermissionAndTheResource() {
        String token = SharedAccessSignature.sign(HUB, policies.find("registryRead").orElseThrow().primaryKey(),
                "registryRead", clock.instant().plusSeconds(60));
        authenticator.authorize(token, "/devices/d", Permission.RegistryRead);

        assertUnauthorized("Unauthorized: Policy 'registryRead' does not grant RegistryWrite.", token, Permission.RegistryWrite);
        String otherHub = SharedAccessSignature.sign("127.0.0.2", policies.owner().primaryKey(), "iothubowner",
                clock.instant().plusSeconds(60));
        assertUnauthorized("Unauthorized: The token's resource (sr) is not this hub.", otherHub, Permission.RegistryRead);
    }

    @Test
    void aTokenOfAnotherPolicyWithTheSameTextIsCheckedWithThatPolicysKeys() {
        String owner = SharedAccessSignature.sign(HUB, policies.owner().primaryKey(), "iothubowner",
                clock.instant().plusSeconds(60));
        authenticator.authorize(owner, "/devices/d", Permission.RegistryRead);

        String sameSignatureOtherPolicy = owner.replace("skn=iothubowner", "skn=registryRead");
        assertUnauthorized("Unauthorized: The SharedAccessSignature's signature is invalid.", sameSignatureOtherPolicy,
                Permission.RegistryRead);
    }

    @Test
    void aDevicesOwnTokenIsToldFromAPolicysVerifiedOrNot() {
        String device = SharedAccessSignature.sign(HUB + "/devices/d", policies.owner().primaryKey(), null,
                clock.instant().plusSeconds(60));
        String owner = SharedAccessSignature.sign(HUB, policies.owner().primaryKey(), "iothubowner",
                clock.instant().plusSeconds(60));

        assertTrue(authenticator.isIdentitysOwn(device));
        assertFalse(authenticator.isIdentitysOwn(owner));
        authenticator.authorize(owner, "/devices/d", Permission.RegistryRead);
        assertFalse(authenticator.isIdentitysOwn(owner));
        assertFalse(authenticator.isIdentitysOwn(null));
    }

    private void assertUnauthorized(String message, String token, Permission needed) {
        HubException refused = assertThrows(HubException.class, () -> authenticator.authorize(token, "/devices/d", needed));
        assertEquals(message, refused.getMessage());
    }
}
