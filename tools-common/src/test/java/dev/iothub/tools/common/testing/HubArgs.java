package dev.iothub.tools.common.testing;

import dev.iothub.emulator.HubEmulator;
import dev.iothub.tools.common.CaCertificate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines and SDK set-up against a running hub-emulator. */
public final class HubArgs {
    private HubArgs() {
    }

    /** {@code -c <iothubowner connection string> --ca-cert <CA>} followed by {@code args}. */
    public static String[] service(HubEmulator hub, String... args) {
        return withHub(hub.serviceConnectionString(), hub, args);
    }

    /** {@code -c <connection string> --ca-cert <CA>} followed by {@code args}. */
    public static String[] withHub(String connectionString, HubEmulator hub, String... args) {
        List<String> all = new ArrayList<>(List.of("-c", connectionString, "--ca-cert", hub.caCertificatePem().toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /**
     * A CA that signed no running hub's certificate: that of an emulator started on {@code address} with the data
     * directory {@code dir}, and stopped again.
     */
    public static Path unrelatedCa(String address, Path dir) throws IOException {
        try (HubEmulator other = HubEmulator.builder().address(address).dataDirectory(dir).start()) {
            return other.caCertificatePem();
        }
    }

    /**
     * Lets the service SDK, used directly by a test, trust the emulator. The tools set the JVM's
     * default HTTPS socket factory on each run (to their --ca-cert, or back to the default), so tests
     * call this before their own SDK calls.
     */
    public static void trustForSdk(HubEmulator hub) {
        CaCertificate.useForHttps(CaCertificate.load(hub.caCertificatePem()));
    }
}
