package dev.iothub.emulator.internal.auth;

import dev.iothub.emulator.internal.files.AtomicFiles;
import dev.iothub.emulator.internal.files.Directories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.function.Function;

/**
 * One file per shared access policy, named after it and holding its connection string, so that scripts read
 * {@code connection-strings/service} instead of scraping a banner. They are secrets: the owner alone reads them.
 */
public final class ConnectionStringFiles {
    private ConnectionStringFiles() {
    }

    /** Writes (or rewrites, as the host name may have changed) every policy's file in {@code directory}. */
    public static void write(Path directory, SharedAccessPolicies policies, String hostName) throws IOException {
        write(directory, policies.all(), policy -> policy.connectionString(hostName));
    }

    /** Writes a file for each of {@code policies} in {@code directory}, holding what {@code connectionString} says. */
    public static void write(Path directory, Collection<SharedAccessPolicy> policies,
                             Function<SharedAccessPolicy, String> connectionString) throws IOException {
        Directories.create(directory, Directories.OWNER_ONLY);
        for (SharedAccessPolicy policy : policies) {
            AtomicFiles.write(directory.resolve(policy.name()),
                    (connectionString.apply(policy) + "\n").getBytes(StandardCharsets.US_ASCII), true);
        }
    }
}
