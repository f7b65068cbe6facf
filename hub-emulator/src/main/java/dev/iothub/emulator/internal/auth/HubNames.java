package dev.iothub.emulator.internal.auth;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The names clients may call this hub by in {@code HostName=}: the address it listens on, and the
 * {@code --hostname} it was given. Tokens ({@code sr}) and MQTT user names carry one of them.
 */
public record HubNames(List<String> names) {

    public HubNames {
        names = names.stream().map(name -> name.toLowerCase(Locale.ROOT)).distinct().toList();
    }

    public boolean anyMatch(Predicate<String> test) {
        for (String name : names) { // not a stream: every request asks
            if (test.test(name)) {
                return true;
            }
        }
        return false;
    }

    /** The name the hub's connection strings use: the first one. */
    public String primary() {
        return names.get(0);
    }
}
