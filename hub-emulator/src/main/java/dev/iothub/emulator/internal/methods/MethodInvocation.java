package dev.iothub.emulator.internal.methods;

import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.model.IdentityId;
import java.time.Duration;

/**
 * A direct method a service calls on a device or module, within the hub's bounds: a method name the hub
 * allows, a payload of at most 128 KB (the UTF-8 JSON the device gets; empty when the call had none), how long
 * the hub waits for the target to connect and subscribe (0 to 300 s, 0 by default: it must be online) and for
 * its answer (5 to 300 s, 30 by default), as the hub's direct methods docs give them.
 */
public record MethodInvocation(IdentityId target, String methodName, byte[] payload, Duration connectTimeout,
                               Duration responseTimeout) {
    public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    static final int DEFAULT_RESPONSE_TIMEOUT_SECONDS = 30;
    static final int MIN_RESPONSE_TIMEOUT_SECONDS = 5;
    static final int MAX_TIMEOUT_SECONDS = 300;
    /** What the docs exclude from a method name, beside what is not printable US-ASCII. */
    private static final String SEPARATORS = "$()<>@,;:\\\"/[]?={}";

    /**
     * The call the service asked for, {@code null} timeouts taking the hub's defaults; the hub's 400 for a
     * value out of its bounds.
     */
    public static MethodInvocation of(IdentityId target, String methodName, byte[] payload,
                                      Integer connectTimeoutSeconds, Integer responseTimeoutSeconds) {
        if (methodName == null || methodName.isEmpty() || !methodName.chars().allMatch(MethodInvocation::isNameChar)) {
            throw HubException.badFormat("methodName must be a non-empty string of printable US-ASCII characters"
                    + " other than " + SEPARATORS + ", space and tab.");
        }
        int connect = connectTimeoutSeconds == null ? 0 : connectTimeoutSeconds;
        if (connect < 0 || connect > MAX_TIMEOUT_SECONDS) {
            throw HubException.badFormat("connectTimeoutInSeconds must be within [0; " + MAX_TIMEOUT_SECONDS + "].");
        }
        int response = responseTimeoutSeconds == null ? DEFAULT_RESPONSE_TIMEOUT_SECONDS : responseTimeoutSeconds;
        if (response < MIN_RESPONSE_TIMEOUT_SECONDS || response > MAX_TIMEOUT_SECONDS) {
            throw HubException.badFormat("responseTimeoutInSeconds must be within [" + MIN_RESPONSE_TIMEOUT_SECONDS
                    + "; " + MAX_TIMEOUT_SECONDS + "].");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw HubException.badFormat("The method payload is " + payload.length + " bytes; at most "
                    + MAX_PAYLOAD_BYTES + " (128 KB) are allowed.");
        }
        return new MethodInvocation(target, methodName, payload, Duration.ofSeconds(connect),
                Duration.ofSeconds(response));
    }

    private static boolean isNameChar(int c) {
        return c > ' ' && c < 0x7F && SEPARATORS.indexOf(c) < 0;
    }
}
