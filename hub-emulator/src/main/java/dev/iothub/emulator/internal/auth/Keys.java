package dev.iothub.emulator.internal.auth;

import java.security.SecureRandom;
import java.util.Base64;

/** Symmetric keys as the hub makes them: 32 random bytes, base64. */
public final class Keys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {
    }

    public static String generate() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Whether a key is one the hub would take: base64 of 16 to 64 bytes. */
    public static boolean isValid(String key) {
        if (key == null) {
            return false;
        }
        try {
            int length = Base64.getDecoder().decode(key).length;
            return length >= 16 && length <= 64;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
