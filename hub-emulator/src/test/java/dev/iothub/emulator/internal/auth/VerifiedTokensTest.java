package dev.iothub.emulator.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {
    private static final Instant EXPIRY = Instant.now().plusSeconds(3600);

    private final VerifiedTokens tokens = new VerifiedTokens();
    private final String key = Keys.generate();

    @Test
    void aVerifiedTokenIsFoundAsParsed() {
        String authorization = SharedAccessSignature.sign("hub", key, "iothubowner", EXPIRY);
        SharedAccessSignature token = parse(authorization);

        assertEquals(Optional.empty(), tokens.find(authorization));
        assertTrue(tokens.isSignedWithAnyOf(authorization, token, Keys.generate(), key));
        assertEquals(Optional.of(token), tokens.find(authorization));
        assertTrue(tokens.isSignedWithAnyOf(authorization, token, key));
    }

    @Test
    void aTokenSignedWithAKeyThatWasSinceChangedIsRefused() {
        String authorization = SharedAccessSignature.sign("hub", key, "iothubowner", EXPIRY);
        SharedAccessSignature token = parse(authorization);
        assertTrue(tokens.isSignedWithAnyOf(authorization, token, key));

        String regenerated = Keys.generate();
        assertFalse(tokens.isSignedWithAnyOf(authorization, token, regenerated, null));
        assertTrue(tokens.isSignedWithAnyOf(authorization, token, regenerated, key), "the old key, still the secondary");
    }

    @Test
    void aWrongSignatureIsNeverKept() {
        String forged = SharedAccessSignature.sign("hub", Keys.generate(), "iothubowner", EXPIRY);

        assertFalse(tokens.isSignedWithAnyOf(forged, parse(forged), key));
        assertEquals(Optional.empty(), tokens.find(forged));
        assertFalse(tokens.isSignedWithAnyOf(forged, parse(forged), key), "asked again, still checked");
    }

    @Test
    void keepsAtMostItsCapacity() {
        String first = SharedAccessSignature.sign("hub", key, "iothubowner", EXPIRY);
        assertTrue(tokens.isSignedWithAnyOf(first, parse(first), key));
        for (int i = 1; i <= VerifiedTokens.CAPACITY; i++) {
            String another = SharedAccessSignature.sign("hub/" + i, key, "iothubowner", EXPIRY);
            assertTrue(tokens.isSignedWithAnyOf(another, parse(another), key));
        }

        assertEquals(Optional.empty(), tokens.find(first));
        assertTrue(tokens.isSignedWithAnyOf(first, parse(first), key), "forgotten, checked again");
    }

    private static SharedAccessSignature parse(String authorization) {
        return SharedAccessSignature.parse(authorization).orElseThrow();
    }
}
