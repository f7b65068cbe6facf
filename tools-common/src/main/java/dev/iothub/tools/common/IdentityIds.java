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

    /** picocli converter for {@code --device-id} and {@code --module-id}. */
    public static final class Converter extends CheckingConverter<String> {
        @Override
        protected String parse(String value) {
            return check("the id", value);
        }
    }
}
