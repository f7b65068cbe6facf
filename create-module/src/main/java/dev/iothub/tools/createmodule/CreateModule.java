package dev.iothub.tools.createmodule;

import com.google.gson.JsonObject;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryIdentity;
import dev.iothub.cli.ManifestVersionProvider;
import dev.iothub.tools.common.CaCertificate;
import dev.iothub.tools.common.CommonOptions;
import dev.iothub.tools.common.ExitCodes;
import dev.iothub.tools.common.HubEndpoint;
import dev.iothub.tools.common.IdentityIds;
import dev.iothub.tools.common.IdentityOptions;
import dev.iothub.tools.common.Json;
import dev.iothub.tools.common.ServiceClientErrors;
import dev.iothub.tools.common.ServiceConnectionOptions;
import dev.iothub.tools.common.ServiceConnectionString;
import dev.iothub.tools.common.ToolFailure;
import dev.iothub.tools.common.Tools;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Creates a device identity and a module identity on it (or finds them), and prints their keys. */
@Command(name = "create-module", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        description = "Creates the device identity and the module identity (symmetric keys) in an IoT hub, or fetches them if they exist, and prints their primary keys and the module connection string.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_HELP, ExitCodes.HUB_REFUSED_HELP, ExitCodes.BAD_INPUT_HELP,
                ExitCodes.UNREACHABLE_HELP, ExitCodes.UNEXPECTED_HELP})
public final class CreateModule implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ServiceConnectionOptions connection;

    @Mixin
    private CommonOptions common;

    @Mixin
    private IdentityOptions identity;

    public static void main(String[] args) {
        System.exit(commandLine(new CreateModule()).execute(args));
    }

    public static CommandLine commandLine(CreateModule tool) {
        return Tools.commandLine(tool, new ServiceClientErrors());
    }

    @Option(names = "--delete", description = "Instead: delete the module, and its device if no other module is left "
            + "on it (what the tutorial created). Nothing there is not an error.")
    private boolean delete;

    @Override
    public Integer call() throws IOException, IotHubException {
        ServiceConnectionString hub = connection.connectionString();
        identity.check(IdentityIds::checkCreatable);
        String deviceId = identity.deviceId();
        String moduleId = identity.moduleId();
        common.configureLogging();
        common.connectingTo(hub.hostName(), HubEndpoint.HTTPS_PORT);
        CaCertificate.useForHttps(common.caCertificate());
        RegistryClient registry = new RegistryClient(hub.text());
        if (delete) {
            return delete(registry, deviceId, moduleId);
        }

        Created<Device> device = createOrGet(() -> registry.addDevice(new Device(deviceId, AuthenticationType.SAS)),
                () -> registry.getDevice(deviceId));
        Created<Module> module = createOrGet(
                () -> registry.addModule(new Module(deviceId, moduleId, AuthenticationType.SAS)),
                () -> registry.getModule(deviceId, moduleId));
        String devicePrimaryKey = primaryKey("device " + deviceId, device.identity());
        String modulePrimaryKey = primaryKey("module " + deviceId + "/" + moduleId, module.identity());
        String moduleConnectionString = "HostName=" + hub.hostName() + ";DeviceId=" + deviceId + ";ModuleId=" + moduleId
                + ";SharedAccessKey=" + modulePrimaryKey;

        PrintWriter out = spec.commandLine().getOut();
        if (common.json()) {
            JsonObject result = new JsonObject();
            result.addProperty("hostName", hub.hostName());
            result.addProperty("deviceId", deviceId);
            result.addProperty("deviceCreated", device.created());
            result.addProperty("devicePrimaryKey", devicePrimaryKey);
            result.addProperty("moduleId", moduleId);
            result.addProperty("moduleCreated", module.created());
            result.addProperty("modulePrimaryKey", modulePrimaryKey);
            result.addProperty("moduleConnectionString", moduleConnectionString);
            out.println(Json.compact(result));
        } else {
            out.println((device.created() ? "Device created: " : "Device exists: ") + deviceId);
            out.println("Device primary key: " + devicePrimaryKey);
            out.println((module.created() ? "Module created: " : "Module exists: ") + deviceId + "/" + moduleId);
            out.println("Module primary key: " + modulePrimaryKey);
            out.println("Module connection string: " + moduleConnectionString);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** --delete: the module, then its device unless another module is left on it; nothing there is fine. */
    private int delete(RegistryClient registry, String deviceId, String moduleId) throws IOException, IotHubException {
        boolean moduleDeleted = removed(() -> registry.removeModule(deviceId, moduleId));
        List<String> otherModules = new ArrayList<>();
        boolean deviceDeleted = false;
        try {
            registry.getModulesOnDevice(deviceId).forEach(module -> otherModules.add(module.getId()));
            if (otherModules.isEmpty()) {
                deviceDeleted = removed(() -> registry.removeDevice(deviceId));
            }
        } catch (IotHubNotFoundException gone) {
            // no device either
        }
        PrintWriter out = spec.commandLine().getOut();
        if (common.json()) {
            JsonObject result = new JsonObject();
            result.addProperty("deviceId", deviceId);
            result.addProperty("moduleId", moduleId);
            result.addProperty("moduleDeleted", moduleDeleted);
            result.addProperty("deviceDeleted", deviceDeleted);
            out.println(Json.compact(result));
        } else {
            out.println(moduleDeleted ? "Module deleted: " + deviceId + "/" + moduleId
                    : "Module not found (nothing to delete): " + deviceId + "/" + moduleId);
            out.println(deviceDeleted ? "Device deleted: " + deviceId : otherModules.isEmpty()
                    ? "Device not found (nothing to delete): " + deviceId
                    : "Device kept: " + deviceId + " (other modules on it: " + String.join(", ", otherModules) + ")");
        }
        out.flush();
        return ExitCodes.OK;
    }

    @FunctionalInterface
    private interface Removal {
        void run() throws IOException, IotHubException;
    }

    /** Whether {@code removal} deleted something: false if it was not there (404). */
    private static boolean removed(Removal removal) throws IOException, IotHubException {
        try {
            removal.run();
            return true;
        } catch (IotHubNotFoundException absent) {
            return false;
        }
    }

    private record Created<T extends RegistryIdentity>(T identity, boolean created) {
    }

    @FunctionalInterface
    private interface RegistryCall<T> {
        T call() throws IOException, IotHubException;
    }

    /** Creates the identity; if the hub answers 409 (it exists), fetches it instead. */
    private static <T extends RegistryIdentity> Created<T> createOrGet(RegistryCall<T> create, RegistryCall<T> get)
            throws IOException, IotHubException {
        try {
            return new Created<>(create.call(), true);
        } catch (IotHubConflictException exists) {
            return new Created<>(get.call(), false);
        }
    }

    private static String primaryKey(String what, RegistryIdentity created) {
        if (created.getAuthenticationType() != AuthenticationType.SAS || created.getPrimaryKey() == null) {
            throw new ToolFailure(ExitCodes.HUB_REFUSED, what + " exists but authenticates with "
                    + created.getAuthenticationType() + ", not symmetric keys; pick other ids or delete it");
        }
        return created.getPrimaryKey();
    }
}
