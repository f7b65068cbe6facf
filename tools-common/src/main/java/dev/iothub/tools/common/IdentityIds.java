package dev.iothub.tools.common;

import java.util.regex.Pattern;

/**
 * IoT Hub's rule for device and module ids: 1 to 128 characters, ASCII letters, digits and
 * {@code - . + % _ # * ? ! ( ) , : = @ $ '}; case-sensitive.
 */
public final class IdentityIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}");
    /** The hub allows them, but in a URL's path they mean something else (an escape, the fragment, the query). */
    private static final String TO_ESCAPE_IN_PATHS = "%#?";

    private IdentityIds() {
    }

    /** Returns the id if IoT Hub accepts it; otherwise throws IllegalArgumentException naming the rule. */
    public static String check(String what, String id) {
        checkLength(what, id);
        if (!VALID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " '" + id + "' is not a valid IoT Hub id: IoT Hub allows ASCII "
                    + "letters, digits and - . + % _ # * ? ! ( ) , : = @ $ ' only");
        }
        return id;
    }

    /**
     * Returns the id if IoT Hub accepts it and the service SDK can create an identity with it: iot-service-client
     * 2.1.9 puts the id both into the request's URL, unencoded (so a {@code %}, {@code #} or {@code ?} would reach the
     * hub as another request), and into its body, so it cannot be escaped for it. Otherwise throws
     * IllegalArgumentException saying so.
     */
    public static String checkCreatable(String what, String id) {
        checkLength(what, id);
        if (!VALID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " '" + id + "' is not a valid IoT Hub id: use ASCII letters, digits "
                    + "and - . + _ * ! ( ) , : = @ $ ' only (IoT Hub also allows % # ?, which create-module cannot send)");
        }
        for (char c : TO_ESCAPE_IN_PATHS.toCharArray()) {
            if (id.indexOf(c) >= 0) {
                throw new IllegalArgumentException(what + " '" + id + "' has a '" + c + "': IoT Hub allows it, but the"
                        + " Azure IoT service SDK that create-module uses cannot send it (it puts the id into the URL"
                        + " unencoded); create this identity with the Azure CLI or the REST API; update-module-twin"
                        + " takes it");
            }
        }
        return id;
    }

    private static void checkLength(String what, String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (id.length() > 128) {
            throw new IllegalArgumentException(what + " is " + id.length() + " characters long; IoT Hub allows at most 128");
        }
    }

    /**
     * The id as the service SDK must be given it where it only goes into a URL's path, which the SDK (2.1.9) builds
     * without encoding: {@code %}, {@code #} and {@code ?} percent-encoded, the rest of the hub's characters being
     * allowed in a path as they are.
     */
    public static String forUrlPath(String id) {
        StringBuilder escaped = new StringBuilder(id.length());
        for (char c : id.toCharArray()) {
            if (TO_ESCAPE_IN_PATHS.indexOf(c) >= 0) {
                escaped.append('%').append(String.format("%02X", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
