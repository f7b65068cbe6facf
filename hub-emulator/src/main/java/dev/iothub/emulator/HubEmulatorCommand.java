package dev.iothub.emulator;

import dev.iothub.cli.ManifestVersionProvider;
import dev.iothub.cli.UsageErrors;
import dev.iothub.emulator.internal.routing.RouteSource;
import dev.iothub.emulator.internal.transport.AddressInUse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code java -jar hub-emulator.jar}: runs the emulator until Ctrl-C. */
@Command(name = "hub-emulator", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        subcommands = ConnectionStringCommand.class,
        description = "A local Azure IoT Hub: the identity registry and twins over HTTPS (443), device twins over "
                + "MQTT (8883), AMQP (5671), and both over WebSocket (443), for the unmodified Azure IoT SDKs.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:--help or --version", "1:could not start (port taken or privileged, data directory in use...)",
                HubEmulatorCommand.BAD_USAGE + ":bad usage", "130:stopped by Ctrl-C, after a clean shutdown",
                "143:stopped by SIGTERM, after a clean shutdown"})
public final class HubEmulatorCommand implements Callable<Integer> {
    static final String DEFAULT_DATA_DIRECTORY = "${sys:user.home}/.hub-emulator";
    static final int BAD_USAGE = 2;

    private String address;

    @Option(names = "--address", defaultValue = "127.0.0.1", paramLabel = "IP",
            description = "Loopback address to listen on; it is also the hub's HostName (default: ${DEFAULT-VALUE}).")
    void setAddress(String ip) {
        if (!HubEmulator.isIpAddress(ip)) {
            throw new ParameterException(spec.commandLine(), "--address takes an IP address such as 127.0.0.1, not '"
                    + ip + "'; --hostname adds a host name");
        }
        address = ip;
    }

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = DEFAULT_DATA_DIRECTORY,
            description = "Where identities, keys, twins and the CA are kept (default: ${DEFAULT-VALUE}).")
    private Path dataDirectory;

    @Option(names = "--in-memory", description = "Keep nothing: a fresh hub, with new keys and a new CA, on every start.")
    private boolean inMemory;

    @Option(names = "--well-known-keys", description = "With --in-memory: give the shared access policies the "
            + "well-known development keys README lists, the same on every start.")
    private boolean wellKnownKeys;

    @Option(names = "--hostname", paramLabel = "NAME",
            description = "A further host name for the server certificate and HostName= (map it to the address in /etc/hosts).")
    private String hostName;

    private Integer maxConnections;

    @Spec
    private CommandSpec spec;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Close connections beyond N as they come (default: 10000, or fewer under a lower ulimit -n).")
    void setMaxConnections(int max) {
        if (max < 1) {
            throw new ParameterException(spec.commandLine(), "--max-connections must be at least 1, not " + max);
        }
        maxConnections = max;
    }

    private Integer partitions;

    @Option(names = "--consumer-group", paramLabel = "NAME", description = "A consumer group of the built-in endpoint "
            + "besides $Default, as 'az iot hub consumer-group create' makes one (repeatable).")
    private List<String> consumerGroups = new ArrayList<>();

    @Option(names = "--partitions", paramLabel = "N", description = "The built-in endpoint's partitions, 2 to 128, "
            + "fixed when the hub is created (default: 4, or what the data directory's hub was created with).")
    void setPartitions(int count) {
        try {
            HubEmulator.builder().partitionCount(count);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--partitions must be from 2 to 128, not " + count);
        }
        partitions = count;
    }

    @Option(names = "--route", paramLabel = "SOURCE", description = "Route a source to the built-in endpoint, as a "
            + "route to 'events' on Azure: DeviceMessages, TwinChangeEvents, DeviceLifecycleEvents or "
            + "DeviceConnectionStateEvents (repeatable; default: none, as on a new hub).")
    private List<String> routes = new ArrayList<>();

    @Option(names = "--fallback-route", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Send device messages no route takes to the built-in endpoint (default: on, as on a new hub).")
    private boolean fallbackRoute;

    @Option(names = "--verbose", description = "Log the emulator's internals too, and show stack traces.")
    private boolean verbose;

    public static void main(String[] args) {
        configureLogging(args);
        System.exit(commandLine().execute(args));
    }

    /**
     * The command with its error handling, in the tools' style: a failure to start is one line, with a stack trace
     * only if --verbose; bad usage is one line too, naming the help to read, without printing it.
     */
    static CommandLine commandLine() {
        return new CommandLine(new HubEmulatorCommand())
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    commandLine.getErr().println("hub-emulator: " + e.getMessage());
                    if (parsed.hasMatchedOption("--verbose")) {
                        e.printStackTrace(commandLine.getErr());
                    }
                    return 1;
                })
                .setParameterExceptionHandler(new UsageErrors(BAD_USAGE, UnaryOperator.identity()));
    }

    /** slf4j-simple reads its settings once, at the first logger: set them before anything logs. */
    private static void configureLogging(String[] args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.log.dev.iothub.emulator", verbose ? "debug" : "info");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.out");
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        HubEmulator.Builder builder = HubEmulator.builder().address(address);
        if (wellKnownKeys && !inMemory) {
            throw new ParameterException(spec.commandLine(), "--well-known-keys is for --in-memory runs: a data "
                    + "directory keeps the keys it made");
        }
        if (wellKnownKeys) {
            builder.wellKnownKeys();
        }
        if (!inMemory) {
            builder.dataDirectory(dataDirectory);
        }
        if (hostName != null) {
            builder.hostName(hostName);
        }
        if (maxConnections != null) {
            builder.maxConnections(maxConnections);
        }
        if (partitions != null) {
            builder.partitionCount(partitions);
        }
        try {
            builder.consumerGroups(consumerGroups.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--consumer-group: " + e.getMessage());
        }
        try {
            builder.routes(routes.toArray(String[]::new)).fallbackRoute(fallbackRoute);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--route: " + e.getMessage());
        }
        HubEmulator hub;
        try {
            hub = builder.start();
        } catch (AddressInUse e) {
            throw e.advising("--address 127.0.0.N");
        }
        var out = new CommandLine(this).getOut();
        String kept = inMemory ? "in memory: nothing kept" : "data kept in " + dataDirectory.toAbsolutePath();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            out.println("hub-emulator stopped (" + kept + ")");
            out.flush();
            stopped.countDown();
        }, "hub-emulator-shutdown"));
        out.println(spec.version()[0] + " listening on " + address
                + ": HTTPS, and MQTT and AMQP over WebSocket, on 443; MQTT on 8883; AMQP on 5671");
        out.println("Data: " + (inMemory ? "in memory (nothing is kept)" : dataDirectory.toAbsolutePath()));
        out.println("Service connection string: " + hub.serviceConnectionString());
        out.println("CA certificate: " + hub.caCertificatePem());
        out.println("Event Hub-compatible endpoint: " + hub.eventHubConnectionString());
        out.println("Routed to it: " + routed());
        out.println("Connection strings: " + hub.connectionStringsDirectory() + " (a file per shared access policy;"
                + " eventhub/ for the Event Hub-compatible endpoint)");
        out.println("hub-emulator ready (Ctrl-C to stop)");
        out.flush();
        stopped.await();
        return 0;
    }

    /** What reaches the built-in endpoint, by the names Azure gives the sources. */
    private String routed() {
        List<String> routed = new ArrayList<>(routes.stream().map(source -> RouteSource.named(source).orElseThrow()
                .routeName()).distinct().toList());
        if (fallbackRoute) {
            routed.add("the fallback route (device messages no route takes)");
        }
        return routed.isEmpty() ? "nothing (no route, and the fallback route off)" : String.join(", ", routed);
    }
}
