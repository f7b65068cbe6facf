package dev.iothub.tools.common;

import java.util.regex.Pattern;

/**
 * IoT Hub's rule for device and module ids: 1 to 128 characters, ASCII letters, digits and
 * {@code - . + % _ # * ? ! ( ) , : = @ $ '}; case-sensitive.
 */
public final class IdentityIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}");

    private IdentityIds() {
    }

    /** Returns the id if IoT Hub accepts it; otherwise throws IllegalArgumentException naming the rule. */
    public static String check(String what, String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (id.length() > 128) {
            throw new IllegalArgumentException(what + " is " + id.length() + " characters long; IoT Hub allows at most 128");
        }
        if (!VALID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " '" + id + "' is not a valid IoT Hub id: use ASCII letters, digits "
                    + "and - . + % _ # * ? ! ( ) , : = @ $ ' only");
        }
        return id;
    }

    /**
     * Returns the id if IoT Hub accepts it and the service SDK can carry it: iot-service-client 2.1.9 puts ids
     * into request URLs as they are, so a {@code %}, {@code #} or {@code ?} in one would reach the hub as another
     * request. Otherwise throws IllegalArgumentException saying so.
     */
    public static String checkForServiceSdk(String what, String id) {
        check(what, id);
        for (char c : new char[] {'%', '#', '?'}) {
            if (id.indexOf(c) >= 0) {
                throw new IllegalArgumentException(what + " '" + id + "' has a '" + c + "': IoT Hub allows it, but the"
                        + " Azure IoT service SDK these tools use puts ids into URLs unencoded, so the hub would"
                        + " read another request; manage this identity with the Azure CLI or the REST API");
            }
        }
        return id;
    }

    /** picocli converter for {@code --device-id} and {@code --module-id}, which the service SDK sends. */
    public static final class Converter extends CheckingConverter<String> {
        @Override
        protected String parse(String value) {
            return checkForServiceSdk("the id", value);
        }
    }
}
