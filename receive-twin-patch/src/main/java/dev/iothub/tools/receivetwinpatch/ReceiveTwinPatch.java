package dev.iothub.tools.receivetwinpatch;

import com.google.gson.JsonObject;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.ConnectionStatusChangeContext;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import dev.iothub.cli.ManifestVersionProvider;
import dev.iothub.tools.common.CheckingConverter;
import dev.iothub.tools.common.CommonOptions;
import dev.iothub.tools.common.DeviceClientErrors;
import dev.iothub.tools.common.Durations;
import dev.iothub.tools.common.ExitCodes;
import dev.iothub.tools.common.Json;
import dev.iothub.tools.common.ModuleConnectionOptions;
import dev.iothub.tools.common.ModuleConnectionString;
import dev.iothub.tools.common.ToolFailure;
import dev.iothub.tools.common.Tools;
import dev.iothub.tools.common.Unreachable;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Connects as a module and prints every desired-property change, across reconnects, until told to stop. */
@Command(name = "receive-twin-patch", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        description = "Connects to the hub as a module, prints its desired properties, then every desired-property patch with its $version as it arrives, and connection status changes. After a reconnect it reads the twin again, so a change made while it was disconnected is printed, once.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_HELP + " Also after --count patches, and on Ctrl-C.", ExitCodes.HUB_REFUSED_HELP,
                ExitCodes.BAD_INPUT_HELP, ExitCodes.UNREACHABLE_HELP + " Also: connection lost and retries gave up.",
                ExitCodes.TIMEOUT_HELP, ExitCodes.UNEXPECTED_HELP})
public final class ReceiveTwinPatch implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ModuleConnectionOptions connection;

    @Mixin
    private CommonOptions common;

    @Option(names = "--protocol", paramLabel = "PROTOCOL", converter = Protocol.Converter.class,
            completionCandidates = Protocol.Names.class, defaultValue = "mqtt",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private Protocol protocol = Protocol.MQTT;

    @Option(names = "--count", paramLabel = "N",
            description = "Exit 0 once N desired-property changes have come (default: run until Ctrl-C).")
    private Integer count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Give up after DURATION (seconds, or 500ms, 5s, 2m): exit 4 if --count changes have not all come by then, exit 0 if no --count was given.")
    private Duration timeout;

    @Option(names = "--retry-for", paramLabel = "DURATION|forever", converter = RetryFor.class,
            description = "After a lost connection, keep reconnecting this long (seconds, or 30s, 5m, 1h) before giving up (default: 240 s, the SDK's own), or forever. What retrying cannot mend (a wrong key, an untrusted certificate) ends it at once.")
    private Duration retryFor;

    @Option(names = "--ack", description = "Acknowledge each desired property received, as IoT Plug and Play's writable "
            + "properties do: report {\"<name>\": {\"value\": …, \"ac\": 200, \"av\": <desired $version>, \"ad\": \"applied\"}}; "
            + "for a desired property deleted, delete its acknowledgement (report <name>: null).")
    private boolean ack;

    /** What was printed and waits to be acknowledged, sent from the main thread (not an SDK callback's). */
    private final BlockingQueue<Acknowledgement> toAcknowledge = new LinkedBlockingQueue<>();

    /** How long each twin read waits for its answer: short first, as an answer the SDK lost costs the whole wait. */
    private static final int[] TWIN_READ_TIMEOUTS_MILLIS = {1_000, 5_000, 10_000};

    private enum Signal { CHANGED, RECONNECTED, GAVE_UP, STOP }

    private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private volatile String gaveUpBecause;
    private volatile IotHubConnectionStatus status = IotHubConnectionStatus.DISCONNECTED;
    private DesiredStateTracker tracker;

    public static void main(String[] args) {
        System.exit(commandLine(new ReceiveTwinPatch()).execute(args));
    }

    public static CommandLine commandLine(ReceiveTwinPatch tool) {
        return Tools.commandLine(tool, new DeviceClientErrors());
    }

    @Override
    public Integer call() throws Exception {
        ModuleConnectionString module = connection.connectionString();
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be 1 or more");
        }
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        common.configureLogging();
        common.connectingTo(module.connectsTo(), protocol.port());
        tracker = new DesiredStateTracker(this::show);

        ClientOptions.ClientOptionsBuilder options = ClientOptions.builder().logRoutineDisconnectsAsErrors(false);
        if (common.caCertificate() != null) {
            options.sslContext(common.caCertificate().sslContext());
        }
        ModuleClient client = new ModuleClient(module.text(), protocol.sdkProtocol(), options.build());
        if (retryFor != null) {
            client.setOperationTimeout(retryFor.toMillis());
        }
        client.setConnectionStatusChangeCallback(this::onStatusChanged, null);

        CountDownLatch finished = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> stopOnSignal(client, finished), "receive-twin-patch-shutdown");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            common.progress(spec, "Connecting to " + module.hostName() + " as module " + module.deviceId() + "/" + module.moduleId()
                    + " over " + protocol + "...");
            client.open(false);
            subscribeAndRead(client);
            common.progress(spec, "Waiting for desired property patches (" + whatEndsIt() + ")...");
            return waitForChanges(client, deadline);
        } finally {
            client.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it exits once this method is done.
            }
        }
    }

    /** What ends the wait, in words, as --count and --timeout have it. */
    private String whatEndsIt() {
        String changes = count == null ? null
                : count + (count == 1 ? " desired-property change has" : " desired-property changes have") + " come";
        if (count != null && timeout != null) {
            return "until " + changes + ", at most " + Durations.format(timeout) + ", or Ctrl-C";
        }
        if (count != null) {
            return "until " + changes + ", or Ctrl-C";
        }
        if (timeout != null) {
            return "for " + Durations.format(timeout) + ", or until Ctrl-C";
        }
        return "press Ctrl-C to exit";
    }

    /** --retry-for: a duration, or {@code forever} (long enough, and far from overflowing the SDK's deadlines). */
    static final class RetryFor extends CheckingConverter<Duration> {
        @Override
        protected Duration parse(String value) {
            if (value.equals("forever")) {
                return Durations.LONGEST;
            }
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException notADuration) {
                throw new IllegalArgumentException(notADuration.getMessage() + ", or forever");
            }
        }
    }

    private int waitForChanges(ModuleClient client, long deadline) throws InterruptedException, IotHubClientException {
        while (true) {
            acknowledge(client);
            if (count != null && tracker.changes() >= count) {
                return ExitCodes.OK;
            }
            long left = deadline - System.nanoTime();
            Signal signal = deadline == Long.MAX_VALUE ? signals.take() : signals.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
            if (signal == null) {
                if (count == null) {
                    return ExitCodes.OK;
                }
                throw new ToolFailure(ExitCodes.TIMEOUT, "timed out after " + Durations.format(timeout) + ": "
                        + tracker.changes() + " of " + count + " desired-property changes came");
            }
            switch (signal) {
                case RECONNECTED -> resync(client);
                case GAVE_UP -> throw new ToolFailure(ExitCodes.UNREACHABLE,
                        "lost the connection to the hub and gave up reconnecting (" + gaveUpBecause + ")");
                case STOP -> {
                    return ExitCodes.OK;
                }
                case CHANGED -> {
                    // loop: check the count
                }
            }
        }
    }

    /** --ack: reports, from this thread, what each desired state printed since acknowledges (see {@link Acknowledgement}). */
    private void acknowledge(ModuleClient client) throws InterruptedException, IotHubClientException {
        for (Acknowledgement acknowledgement = toAcknowledge.poll(); acknowledgement != null; acknowledgement = toAcknowledge.poll()) {
            if (!acknowledgement.isEmpty()) {
                TwinCollection reported = acknowledgement.toTwinCollection();
                askingAgainIfLost(timeout -> client.updateReportedProperties(reported, timeout));
                common.progress(spec, acknowledgedLine(acknowledgement));
            }
        }
    }

    private static String acknowledgedLine(Acknowledgement acknowledgement) {
        List<String> parts = new ArrayList<>();
        if (!acknowledgement.acknowledged().isEmpty()) {
            parts.add(String.join(", ", acknowledgement.acknowledged()));
        }
        if (!acknowledgement.removed().isEmpty()) {
            parts.add("removed the acknowledgement of " + String.join(", ", acknowledgement.removed())
                    + " (no longer desired)");
        }
        return "Acknowledged $version " + acknowledgement.version() + ": " + String.join("; ", parts);
    }

    /** The documented device flow, on open and after every reconnect: subscribe, then read the whole twin. */
    private void subscribeAndRead(ModuleClient client) throws InterruptedException, IotHubClientException {
        client.subscribeToDesiredProperties(this::onDesiredPatch, null);
        Twin twin = readTwin(client);
        TwinCollection desired = twin.getDesiredProperties();
        tracker.offerFullTwin(desired.getVersion(), properties(desired), properties(twin.getReportedProperties()));
        signals.add(Signal.CHANGED);
    }

    /**
     * Reads the twin, asking again when an answer does not come in time. Reading is harmless to repeat, and
     * the SDK (2.5.0) can lose an answer that did come: the Paho callback thread queues the answer for the
     * SDK's receive thread and only then looks up the request's callback, which the receive thread may have
     * handled and removed meanwhile (IotHubTransport.onMessageReceived and acknowledgeReceivedMessage). Any
     * pause of the first thread between those two steps loses the answer, so it happens most on a busy machine.
     */
    private static Twin readTwin(ModuleClient client) throws InterruptedException, IotHubClientException {
        return askingAgainIfLost(client::getTwin);
    }

    /** A twin request that waits {@code timeoutMillis} for its answer. */
    @FunctionalInterface
    private interface TwinRequest<T> {
        T send(int timeoutMillis) throws InterruptedException, IotHubClientException;
    }

    /** Sends {@code request}, again with a longer wait while its answer does not come in time (see {@link #readTwin}). */
    private static <T> T askingAgainIfLost(TwinRequest<T> request) throws InterruptedException, IotHubClientException {
        for (int attempt = 0; ; attempt++) {
            try {
                return request.send(TWIN_READ_TIMEOUTS_MILLIS[attempt]);
            } catch (IotHubClientException e) {
                if (e.getStatusCode() != IotHubStatusCode.DEVICE_OPERATION_TIMED_OUT
                        || attempt == TWIN_READ_TIMEOUTS_MILLIS.length - 1) {
                    throw e;
                }
            }
        }
    }


    /**
     * After a reconnect. If the connection dropped again meanwhile, the next reconnect resyncs; if it is
     * up and the twin still cannot be read, that is an error like any other.
     */
    private void resync(ModuleClient client) throws InterruptedException, IotHubClientException {
        try {
            subscribeAndRead(client);
        } catch (IotHubClientException | IllegalStateException failed) {
            if (status == IotHubConnectionStatus.CONNECTED) {
                throw failed;
            }
            common.progress(spec, "Could not read the twin after reconnecting (" + failed.getMessage()
                    + "); will read it after the next reconnect");
        }
    }

    private void onDesiredPatch(Twin patch, Object context) {
        TwinCollection desired = patch.getDesiredProperties();
        if (tracker.offerPatch(desired.getVersion(), properties(desired))) {
            signals.add(Signal.CHANGED);
        }
    }

    private void onStatusChanged(ConnectionStatusChangeContext change) {
        IotHubConnectionStatus newStatus = change.getNewStatus();
        IotHubConnectionStatusChangeReason reason = change.getNewStatusReason();
        status = newStatus;
        common.progress(spec, "Connection status: " + newStatus + " (" + reason + ")");
        if (newStatus == IotHubConnectionStatus.CONNECTED
                && change.getPreviousStatus() == IotHubConnectionStatus.DISCONNECTED_RETRYING) {
            signals.add(Signal.RECONNECTED);
        } else if (newStatus == IotHubConnectionStatus.DISCONNECTED && reason != IotHubConnectionStatusChangeReason.CLIENT_CLOSE) {
            // the reason alone (COMMUNICATION_ERROR) hides the cause people can act on, such as a CA that changed
            gaveUpBecause = reason + (change.getCause() == null ? ""
                    : Unreachable.tlsProblemOnReconnect(change.getCause(), common.hubEndpoint())
                            .map(problem -> "; " + problem).orElse(""));
            signals.add(Signal.GAVE_UP);
        }
    }

    /** Ctrl-C or SIGTERM: stop waiting, close the client, and exit 0 rather than the JVM's 130/143. */
    private void stopOnSignal(ModuleClient client, CountDownLatch finished) {
        signals.add(Signal.STOP);
        try {
            if (!finished.await(10, TimeUnit.SECONDS)) {
                client.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        common.progress(spec, "Closed the connection.");
        spec.commandLine().getOut().flush();
        Runtime.getRuntime().halt(ExitCodes.OK);
    }

    private void show(DesiredStateTracker.Update update) {
        if (ack) {
            toAcknowledge.add(Acknowledgement.of(update));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (common.json()) {
            JsonObject line = new JsonObject();
            line.addProperty("kind", update.kind().name().toLowerCase(java.util.Locale.ROOT));
            line.addProperty("$version", update.version());
            line.add("desired", update.desired());
            out.println(Json.compact(line));
        } else {
            String title = switch (update.kind()) {
                case CURRENT -> "Desired properties now";
                case PATCH -> "Desired property patch";
                case MISSED -> "Desired properties changed while disconnected, now";
            };
            out.println(title + " ($version " + update.version() + "): " + Json.compact(update.desired()));
        }
        out.flush();
    }

    private static JsonObject properties(TwinCollection properties) {
        JsonObject json = properties.toJsonElement().getAsJsonObject().deepCopy();
        json.remove("$metadata");
        json.remove("$version");
        return json;
    }
}
