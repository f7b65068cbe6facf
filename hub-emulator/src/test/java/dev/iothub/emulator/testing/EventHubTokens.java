package dev.iothub.emulator.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Tokens for the built-in Event Hub-compatible endpoint, signed as the Event Hubs clients sign them. */
public final class EventHubTokens {
    private EventHubTokens() {
    }

    /**
     * A token of {@code policy} for {@code audience}, valid for {@code seconds} (negative: expired), keyed with the
     * key's text, not the bytes it is the base64 of, as Event Hubs clients key it.
     */
    public static String sign(String audience, String policy, String key, long seconds) {
        String sr = URLEncoder.encode(audience, StandardCharsets.UTF_8);
        long expiry = Instant.now().getEpochSecond() + seconds;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String signature = Base64.getEncoder().encodeToString(mac.doFinal((sr + "\n" + expiry)
                    .getBytes(StandardCharsets.UTF_8)));
            return "SharedAccessSignature sr=" + sr + "&sig=" + URLEncoder.encode(signature, StandardCharsets.UTF_8)
                    + "&se=" + expiry + "&skn=" + policy;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
