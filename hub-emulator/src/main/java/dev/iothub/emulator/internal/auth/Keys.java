package dev.iothub.emulator.internal.auth;

import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

    /**
     * A key everyone knows, the same on every start, for {@code --well-known-keys}: base64 of the SHA-256 of
     * {@code "hub-emulator well-known key: <policy> <primary|secondary>"}. README lists them.
     */
    public static String wellKnown(String policy, String which) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("hub-emulator well-known key: " + policy + " " + which).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
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
