package dev.iothub.tools.updatemoduletwin;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinCollection;
import dev.iothub.cli.ManifestVersionProvider;
import dev.iothub.tools.common.CaCertificate;
import dev.iothub.tools.common.CommonOptions;
import dev.iothub.tools.common.Durations;
import dev.iothub.tools.common.ExitCodes;
import dev.iothub.tools.common.HubEndpoint;
import dev.iothub.tools.common.IdentityIds;
import dev.iothub.tools.common.IdentityOptions;
import dev.iothub.tools.common.Json;
import dev.iothub.tools.common.ServiceClientErrors;
import dev.iothub.tools.common.ServiceConnectionOptions;
import dev.iothub.tools.common.ToolFailure;
import dev.iothub.tools.common.Tools;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Reads a module twin, patches its desired properties under optimistic concurrency, and prints it before and after. */
@Command(name = "update-module-twin", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        description = "Gets the module twin, prints its properties, patches its desired properties with the twin's etag as If-Match (so a change made in between is not overwritten), and prints the result.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_HELP, ExitCodes.HUB_REFUSED_HELP + " Also: the twin changed in between (412).",
                ExitCodes.BAD_INPUT_HELP, ExitCodes.UNREACHABLE_HELP,
                "4:--wait-ack: the module did not acknowledge the patch in time (the patch was applied).",
                ExitCodes.UNEXPECTED_HELP})
public final class UpdateModuleTwin implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ServiceConnectionOptions connection;

    @Mixin
    private CommonOptions common;

    @Mixin
    private IdentityOptions identity;

    @Option(names = "--desired", paramLabel = "JSON|@FILE", converter = DesiredPatch.Converter.class,
            defaultValue = "{\"telemetryInterval\":122}",
            description = "Desired properties to patch: a JSON object, @FILE to read it from a file, or @- from standard input (default: ${DEFAULT-VALUE}). Objects merge; null deletes a property; a name may appear once per object.")
    private DesiredPatch desired;

    @Option(names = "--retry-on-conflict", paramLabel = "N",
            description = "If the twin changed between the read and the patch (412), read it again and re-apply, up to N times (default: 0).")
    private int retries;

    @Option(names = "--etag", paramLabel = "ETAG",
            description = "Patch only if the twin's etag is still ETAG (instead of the etag just read).")
    private String etag;

    @Option(names = "--force", description = "Patch whatever the twin's etag (If-Match: *).")
    private boolean force;

    @Option(names = "--show", description = "Only print the module twin: patch nothing.")
    private boolean show;

    @Option(names = "--wait-ack", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "After the patch, wait up to DURATION (seconds, or 500ms, 5s, 2m) for the module to acknowledge it (IoT Plug and Play's "
                    + "writable-property acknowledgement, as receive-twin-patch --ack reports it; for a property deleted, "
                    + "its acknowledgement deleted too); exit 4 if it does not.")
    private Duration waitAck;

    /** How often --wait-ack reads the twin again. */
    private static final long ACK_POLL_MILLIS = 200;

    /** Runs between reading the twin and patching it; tests use it to change the twin in between. */
    Runnable betweenReadAndPatch = () -> { };

    public static void main(String[] args) {
        System.exit(commandLine(new UpdateModuleTwin()).execute(args));
    }

    public static CommandLine commandLine(UpdateModuleTwin tool) {
        return Tools.commandLine(tool, new ServiceClientErrors());
    }

    @Override
    public Integer call() throws IOException, IotHubException {
        var hub = connection.connectionString();
        identity.check(IdentityIds::check);
        checkOptions();
        TwinCollection patchProperties = desired.toTwinCollection(spec.commandLine());
        common.configureLogging();
        common.connectingTo(hub.hostName(), HubEndpoint.HTTPS_PORT);
        CaCertificate.useForHttps(common.caCertificate());
        TwinClient twins = new TwinClient(hub.text());
        PrintWriter out = spec.commandLine().getOut();
        if (show) {
            return show(twins, out);
        }

        for (int attempt = 1; ; attempt++) {
            Twin before = read(twins);
            String ifMatch = force ? "*" : quoted(etag != null ? etag : before.getETag());
            if (!common.json()) {
                print(out, "Module twin " + identity.deviceId() + "/" + identity.moduleId() + " before the update", before);
                out.println("Patching desired properties with " + desired.text() + " (If-Match: " + ifMatch + ")");
                out.flush();
            }
            betweenReadAndPatch.run();
            Twin patch = new Twin(IdentityIds.forUrlPath(identity.deviceId()), IdentityIds.forUrlPath(identity.moduleId()));
            patch.getDesiredProperties().putAll(patchProperties);
            try {
                Twin after = twins.patch(patch, ifMatch);
                if (common.json()) {
                    JsonObject result = new JsonObject();
                    result.addProperty("deviceId", identity.deviceId());
                    result.addProperty("moduleId", identity.moduleId());
                    result.addProperty("attempts", attempt);
                    result.addProperty("ifMatch", ifMatch);
                    result.add("patch", desired.json());
                    result.add("before", twinJson(before));
                    result.add("after", twinJson(after));
                    out.println(Json.compact(result));
                } else {
                    print(out, "Module twin after the update", after);
                }
                out.flush();
                if (waitAck != null) {
                    awaitAcknowledgement(twins, before, after.getDesiredProperties().getVersion());
                }
                return ExitCodes.OK;
            } catch (IotHubPreconditionFailedException changed) {
                if (etag != null) {
                    throw new ToolFailure(ExitCodes.HUB_REFUSED, "the module twin's etag is no longer " + ifMatch
                            + " (412 precondition failed): it changed since; nothing was updated", changed);
                }
                if (attempt > retries) {
                    throw new ToolFailure(ExitCodes.HUB_REFUSED, "the module twin changed between reading it and patching it "
                            + "(412 precondition failed, If-Match " + ifMatch + "); nothing was updated: run again, "
                            + "or pass --retry-on-conflict N", changed);
                }
                common.progress(spec, "The module twin changed after it was read (412): reading it again (retry "
                        + attempt + " of " + retries + ")");
            }
        }
    }

    /**
     * --wait-ack: reads the twin until the module acknowledged {@code version}, as receive-twin-patch --ack does:
     * each property the patch set with an acknowledgement whose {@code av} is at least {@code version}, and each
     * property it deleted with its acknowledgement deleted too (or, set again since, acknowledged at a later version).
     * {@code before} is the twin before the patch: a deleted property it held no acknowledgement of has none to remove.
     */
    private void awaitAcknowledgement(TwinClient twins, Twin before, int version) throws IOException, IotHubException {
        List<String> set = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        desired.json().entrySet().forEach(property -> (property.getValue().isJsonNull() ? deleted : set).add(property.getKey()));
        JsonObject reportedBefore = properties(before.getReportedProperties());
        if (set.isEmpty() && deleted.stream().allMatch(name -> acknowledgedVersion(reportedBefore, name) < 0)) {
            common.progress(spec, "Nothing to wait for: the module reported no acknowledgement of " + String.join(", ", deleted)
                    + ", so deleting it leaves none to remove.");
            return;
        }
        long deadline = System.nanoTime() + waitAck.toNanos();
        common.progress(spec, "Waiting up to " + Durations.format(waitAck) + " for the module to acknowledge $version "
                + version + " (" + awaited(set, deleted) + ")...");
        while (true) {
            JsonObject reported = properties(read(twins).getReportedProperties());
            List<String> unacknowledged = set.stream().filter(name -> acknowledgedVersion(reported, name) < version).toList();
            List<String> notRemoved = deleted.stream().filter(name -> {
                int acknowledged = acknowledgedVersion(reported, name);
                return acknowledged >= 0 && acknowledged < version;
            }).toList();
            if (unacknowledged.isEmpty() && notRemoved.isEmpty()) {
                common.progress(spec, "The module acknowledged $version " + version + ".");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new ToolFailure(ExitCodes.TIMEOUT, "the module did not acknowledge $version " + version + " within "
                        + Durations.format(waitAck) + " (" + awaited(unacknowledged, notRemoved) + " still to come: is it "
                        + "connected, and does it acknowledge, as receive-twin-patch --ack does?); the patch itself was applied");
            }
            try {
                Thread.sleep(ACK_POLL_MILLIS); // the hub tells the service nothing: reading again is the way
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ToolFailure(ExitCodes.TIMEOUT, "interrupted while waiting for the acknowledgement", e);
            }
        }
    }

    /** What an acknowledgement of the properties {@code set} and {@code deleted} is, in words. */
    private static String awaited(List<String> set, List<String> deleted) {
        List<String> parts = new ArrayList<>();
        if (!set.isEmpty()) {
            parts.add("an acknowledgement of " + String.join(", ", set));
        }
        if (!deleted.isEmpty()) {
            parts.add("the acknowledgement of deleted " + String.join(", ", deleted) + " removed");
        }
        return String.join("; ", parts);
    }

    /** The {@code av} of {@code name}'s acknowledgement in reported properties, or -1 if there is none. */
    private static int acknowledgedVersion(JsonObject reported, String name) {
        if (reported.get(name) instanceof JsonObject acknowledgement
                && acknowledgement.get("av") instanceof JsonPrimitive av && av.isNumber()) {
            return av.getAsInt();
        }
        return -1;
    }

    /** --show: the twin as it is, nothing patched. */
    private int show(TwinClient twins, PrintWriter out) throws IOException, IotHubException {
        Twin twin = read(twins);
        if (common.json()) {
            JsonObject result = new JsonObject();
            result.addProperty("deviceId", identity.deviceId());
            result.addProperty("moduleId", identity.moduleId());
            result.add("twin", twinJson(twin));
            out.println(Json.compact(result));
        } else {
            print(out, "Module twin " + identity.deviceId() + "/" + identity.moduleId(), twin);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void checkOptions() {
        if (show) {
            for (String patchOption : new String[] {"--desired", "--force", "--etag", "--retry-on-conflict", "--wait-ack"}) {
                if (spec.commandLine().getParseResult().hasMatchedOption(patchOption)) {
                    throw new ParameterException(spec.commandLine(), "--show reads the twin and changes nothing: it "
                            + "takes no " + patchOption);
                }
            }
        }
        if (force && etag != null) {
            throw new ParameterException(spec.commandLine(), "--force and --etag exclude each other");
        }
        if (retries < 0) {
            throw new ParameterException(spec.commandLine(), "--retry-on-conflict must be 0 or more");
        }
        if (retries > 0 && (force || etag != null)) {
            throw new ParameterException(spec.commandLine(),
                    "--retry-on-conflict re-reads the twin's etag; it cannot be combined with --etag or --force");
        }
    }

    private Twin read(TwinClient twins) throws IOException, IotHubException {
        try {
            return twins.get(IdentityIds.forUrlPath(identity.deviceId()), IdentityIds.forUrlPath(identity.moduleId()));
        } catch (IotHubNotFoundException notFound) {
            throw new ToolFailure(ExitCodes.HUB_REFUSED, "the hub has no module " + identity.deviceId() + "/" + identity.moduleId()
                    + " (404 not found): create it first with create-module", notFound);
        }
    }

    /** The hub wants a quoted etag in If-Match (and does not enforce an unquoted one). */
    static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    private static void print(PrintWriter out, String title, Twin twin) {
        out.println(title + " (etag " + twin.getETag() + ", version " + twin.getVersion() + "):");
        out.println("  desired:  " + Json.compact(properties(twin.getDesiredProperties())));
        out.println("  reported: " + Json.compact(properties(twin.getReportedProperties())));
    }

    private static JsonObject twinJson(Twin twin) {
        JsonObject json = new JsonObject();
        json.addProperty("etag", twin.getETag());
        json.addProperty("version", twin.getVersion());
        json.add("desired", properties(twin.getDesiredProperties()));
        json.add("reported", properties(twin.getReportedProperties()));
        return json;
    }

    /** The properties with their {@code $version}, without {@code $metadata}. */
    private static JsonObject properties(TwinCollection properties) {
        JsonObject json = properties.toJsonObject().deepCopy();
        json.remove("$metadata");
        json.addProperty("$version", properties.getVersion());
        return json;
    }
}
