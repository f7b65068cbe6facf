package dev.iothub.emulator.internal.auth;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A parsed {@code SharedAccessSignature sr=…&sig=…&se=…[&skn=…]} token. The signature is an
 * HMAC-SHA256, keyed with the base64-decoded key, of {@code sr + "\n" + se} with {@code sr} as the token
 * carries it (the service SDK URL-encodes it, the device SDK does not).
 */
public final class SharedAccessSignature {
    private static final String PREFIX = "SharedAccessSignature ";

    private final String rawResource;
    private final String resource;
    /** {@link #resource} as {@link #covers} compares it: lower case, without trailing slashes. */
    private final String scope;
    private final String signature;
    private final long expiry;
    private final String keyName;

    private SharedAccessSignature(String rawResource, String signature, long expiry, String keyName) {
        this.rawResource = rawResource;
        this.resource = URLDecoder.decode(rawResource, StandardCharsets.UTF_8);
        this.scope = withoutTrailingSlashes(resource.toLowerCase(Locale.ROOT));
        this.signature = URLDecoder.decode(signature, StandardCharsets.UTF_8);
        this.expiry = expiry;
        this.keyName = keyName;
    }

    private static String withoutTrailingSlashes(String path) {
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }

    /** The token in {@code value}, or empty if it is not one. */
    public static Optional<SharedAccessSignature> parse(String value) {
        if (value == null || !value.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : value.substring(PREFIX.length()).trim().split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || fields.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                return Optional.empty();
            }
        }
        String sr = fields.get("sr");
        String sig = fields.get("sig");
        String se = fields.get("se");
        if (sr == null || sig == null || se == null || sr.isEmpty() || sig.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SharedAccessSignature(sr, sig, Long.parseLong(se), fields.get("skn")));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The decoded {@code sr}: a host name, optionally followed by a path such as {@code /devices/d}. */
    public String resource() {
        return resource;
    }

    /** The {@code skn}: the policy that signed, or null for a token signed with an identity's own key. */
    public String keyName() {
        return keyName;
    }

    /** The {@code se}: when the token stops being valid. */
    public Instant expiry() {
        return Instant.ofEpochSecond(expiry);
    }

    public boolean isExpired(Instant now) {
        return expiry <= now.getEpochSecond();
    }

    /**
     * Whether {@code sr} names {@code target} or a path above it, by whole path segments, case-insensitively,
     * as the hub's own check compares audiences (README, "Known differences", says why).
     */
    public boolean covers(String target) {
        String want = target.toLowerCase(Locale.ROOT);
        return want.startsWith(scope) && (want.length() == scope.length() || want.charAt(scope.length()) == '/');
    }

    /** Whether one of the given base64 keys made the signature. */
    public boolean isSignedWithAnyOf(String... base64Keys) {
        for (String key : base64Keys) {
            if (isSignedWith(key)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the given base64 key (null for none) made the signature. */
    public boolean isSignedWith(String base64Key) {
        if (base64Key == null) {
            return false;
        }
        try {
            return isSignedWithKey(Base64.getDecoder().decode(base64Key));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Whether one of the given keys made the signature as Event Hubs clients sign: with the key's text (its UTF-8
     * bytes) as the HMAC key, not the bytes it is the base64 of.
     */
    public boolean isSignedWithTextOfAnyOf(String... keys) {
        for (String key : keys) {
            if (key != null && isSignedWithKey(key.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }

    /** Whether an HMAC keyed with {@code key} made the signature, of {@code sr} as sent or as the SDKs encode it. */
    private boolean isSignedWithKey(byte[] key) {
        byte[] given;
        try {
            given = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return matches(given, key, rawResource)
                || matches(given, key, URLEncoder.encode(resource, StandardCharsets.UTF_8));
    }

    private boolean matches(byte[] given, byte[] key, String signedResource) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((signedResource + "\n" + expiry).getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, given);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Makes a token: for the emulator's printed connection strings and for tests of the hub itself. */
    public static String sign(String resource, String base64Key, String keyName, Instant expiry) {
        String sr = URLEncoder.encode(resource, StandardCharsets.UTF_8);
        long se = expiry.getEpochSecond();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
            String sig = Base64.getEncoder().encodeToString(
                    mac.doFinal((sr + "\n" + se).getBytes(StandardCharsets.UTF_8)));
            return PREFIX + "sr=" + sr + "&sig=" + URLEncoder.encode(sig, StandardCharsets.UTF_8) + "&se=" + se
                    + (keyName == null ? "" : "&skn=" + keyName);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "SharedAccessSignature[sr=" + resource + ", skn=" + keyName + "]"; // never the signature
    }
}
