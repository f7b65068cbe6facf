package dev.iothub.emulator.internal.cloudtodevice;

import dev.iothub.emulator.internal.model.IdentityId;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The identity a message's {@code to} names: {@code /devices/{d}/messages/devicebound} or
 * {@code /devices/{d}/modules/{m}/messages/devicebound}, literal segments without regard to case (the SDKs write
 * {@code devicebound} and {@code deviceBound}) and ids percent-decoded (the Node and .NET SDKs encode them).
 */
final class Targets {
    private Targets() {
    }

    /** The identity {@code to} names, or null if it names none. */
    static IdentityId parse(String to) {
        if (to == null) {
            return null;
        }
        String[] segments = to.split("/", -1);
        boolean module = segments.length == 7 && segments[3].equalsIgnoreCase("modules");
        if ((segments.length != 5 && !module) || !segments[0].isEmpty() || !segments[1].equalsIgnoreCase("devices")
                || !segments[segments.length - 2].equalsIgnoreCase("messages")
                || !segments[segments.length - 1].equalsIgnoreCase("devicebound")) {
            return null;
        }
        try {
            IdentityId id = module ? IdentityId.module(decoded(segments[2]), decoded(segments[4]))
                    : IdentityId.device(decoded(segments[2]));
            return id.isValid() ? id : null;
        } catch (IllegalArgumentException e) {
            return null; // a malformed percent-escape
        }
    }

    private static String decoded(String id) {
        return URLDecoder.decode(id.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
