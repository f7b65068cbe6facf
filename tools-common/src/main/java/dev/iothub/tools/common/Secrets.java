package dev.iothub.tools.common;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps keys and SAS tokens out of everything the tools print about errors: every key a tool
 * has parsed is registered here, and {@link #redact} removes it (and anything shaped like a key
 * or a signature) from a message before it is shown.
 */
public final class Secrets {
    private static final String REDACTED = "<redacted>";
    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();
    private static final Pattern KEY_FIELD = Pattern.compile("(?i)(SharedAccessKey=)[^;\\s\"'<]+");
    private static final Pattern SIGNATURE = Pattern.compile("(?i)(sig=)[^&;\\s\"']+");

    private Secrets() {
    }

    public static void register(String secret) {
        if (secret != null && !secret.isEmpty()) {
            KNOWN.add(secret);
            KNOWN.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        }
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : KNOWN) {
            result = result.replace(secret, REDACTED);
        }
        result = KEY_FIELD.matcher(result).replaceAll("$1" + REDACTED);
        return SIGNATURE.matcher(result).replaceAll("$1" + REDACTED);
    }
}
