package dev.iothub.emulator.internal.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SharedAccessSignatureTest {
    private static final String KEY = Keys.generate();

    @Test
    void coversItsResourceAndThePathsBelowIt() {
        SharedAccessSignature token = token("Hub.Example/devices/d1/");

        assertTrue(token.covers("hub.example/devices/d1"));
        assertTrue(token.covers("HUB.example/devices/D1/modules/m"));
        assertFalse(token.covers("hub.example/devices/d10"), "whole segments only");
        assertFalse(token.covers("hub.example/devices"));
        assertTrue(token("hub.example").covers("hub.example/twins/d"));
    }

    @Test
    void isSignedOnlyWithTheKeyThatSignedIt() {
        SharedAccessSignature token = token("hub.example");

        assertTrue(token.isSignedWith(KEY));
        assertTrue(token.isSignedWithAnyOf(null, Keys.generate(), KEY));
        assertFalse(token.isSignedWith(Keys.generate()));
        assertFalse(token.isSignedWith(null));
    }

    private static SharedAccessSignature token(String resource) {
        return SharedAccessSignature.parse(SharedAccessSignature.sign(resource, KEY, null, Instant.now().plusSeconds(60)))
                .orElseThrow();
    }
}
