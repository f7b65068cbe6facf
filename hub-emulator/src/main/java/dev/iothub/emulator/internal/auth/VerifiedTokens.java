package dev.iothub.emulator.internal.auth;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature has been checked, each with the key that made it. A service client signs one
 * token and sends it with every request until it expires; parsing and checking it again (URL decoding,
 * a fresh Mac, an HMAC per key) was a few percent of a request's work. A token string that one key
 * signed stays signed by that key, so the check is remembered for that pair only: asked with other keys,
 * such as a regenerated one, it checks again. Expiry is not remembered; callers check it on every use.
 * Only signatures that checked out are kept, at most {@link #CAPACITY}; when full, it starts again empty.
 */
final class VerifiedTokens {
    static final int CAPACITY = 1024;

    private record Verified(SharedAccessSignature token, String key) {
    }

    private final ConcurrentHashMap<String, Verified> byToken = new ConcurrentHashMap<>();

    /** The token {@code authorization} holds, if its signature has been verified with some key. */
    Optional<SharedAccessSignature> find(String authorization) {
        Verified verified = authorization == null ? null : byToken.get(authorization);
        return verified == null ? Optional.empty() : Optional.of(verified.token());
    }

    /**
     * Whether one of {@code base64Keys} made the signature of {@code token}, parsed from {@code authorization};
     * a key that did is remembered with the token string.
     */
    boolean isSignedWithAnyOf(String authorization, SharedAccessSignature token, String... base64Keys) {
        Verified verified = byToken.get(authorization);
        for (String key : base64Keys) {
            if (verified != null && verified.key().equals(key)) {
                return true;
            }
        }
        for (String key : base64Keys) {
            if (token.isSignedWith(key)) {
                if (byToken.size() >= CAPACITY) {
                    byToken.clear();
                }
                byToken.put(authorization, new Verified(token, key));
                return true;
            }
        }
        return false;
    }
}
