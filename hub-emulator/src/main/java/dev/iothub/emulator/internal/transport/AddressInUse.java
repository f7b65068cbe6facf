package dev.iothub.emulator.internal.transport;

import java.io.IOException;

/**
 * A port of the address is taken, most likely by another emulator. The way to choose another address depends
 * on what the user started the emulator with (an option, the builder, the JUnit extension), which only the
 * caller knows: each says it through {@link #advising}.
 */
public final class AddressInUse extends IOException {
    private final String where;

    AddressInUse(String where, Throwable cause) {
        this(where, "", cause);
    }

    private AddressInUse(String where, String howToChoose, Throwable cause) {
        super("Cannot listen on " + where + ": the port is in use (another hub-emulator?). "
                + "Stop it, or choose another loopback address" + howToChoose, cause);
        this.where = where;
    }

    /** The same failure, telling how to choose another address, e.g. {@code --address 127.0.0.N}. */
    public AddressInUse advising(String howToChoose) {
        AddressInUse advised = new AddressInUse(where, " with " + howToChoose, getCause());
        advised.setStackTrace(getStackTrace());
        return advised;
    }
}
