package dev.iothub.emulator;

import dev.iothub.emulator.internal.auth.SharedAccessPolicies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hub-emulator connection-string}: a policy's connection string, from the data directory's files. */
@Command(name = "connection-string", mixinStandardHelpOptions = true,
        description = "Print a shared access policy's connection string, from the data directory an emulator ran on.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed, or --help", "1:no emulator has run with that data directory",
                HubEmulatorCommand.BAD_USAGE + ":bad usage (an unknown policy...)"})
final class ConnectionStringCommand implements Callable<Integer> {
    @Option(names = "--policy", paramLabel = "NAME", defaultValue = "iothubowner",
            description = "iothubowner (the default), service, device, registryRead or registryReadWrite.")
    private String policy;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = HubEmulatorCommand.DEFAULT_DATA_DIRECTORY,
            description = "The emulator's data directory (default: ${DEFAULT-VALUE}).")
    private Path dataDirectory;

    @Option(names = "--eventhub", description = "The policy's connection string to the built-in Event Hub-compatible "
            + "endpoint instead, where telemetry is read (a policy with ServiceConnect: iothubowner or service).")
    private boolean eventHub;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!SharedAccessPolicies.NAMES.contains(policy)) {
            throw new ParameterException(spec.commandLine(), "--policy is one of "
                    + String.join(", ", SharedAccessPolicies.NAMES) + ", not '" + policy + "'");
        }
        Path directory = dataDirectory.resolve("connection-strings");
        if (eventHub) {
            directory = directory.resolve(HubEmulator.EVENT_HUB_FILES);
            if (Files.isDirectory(directory) && !Files.exists(directory.resolve(policy))) {
                throw new ParameterException(spec.commandLine(), "the policy " + policy + " cannot read the built-in"
                        + " endpoint: it lacks ServiceConnect (iothubowner and service have it)");
            }
        }
        Path file = directory.resolve(policy);
        try {
            spec.commandLine().getOut().println(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            throw new IOException("no hub-emulator has run with --data-dir " + dataDirectory + " (no " + file + ")", e);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
