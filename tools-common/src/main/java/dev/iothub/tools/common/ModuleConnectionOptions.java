package dev.iothub.tools.common;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Mixin of the device-side tool: a module connection string, from -c or IOTHUB_MODULE_CONNECTION_STRING. */
public final class ModuleConnectionOptions {
    public static final String ENVIRONMENT_VARIABLE = "IOTHUB_MODULE_CONNECTION_STRING";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = {"-c", "--connection-string"}, paramLabel = "CONNECTION_STRING",
            defaultValue = "${env:" + ENVIRONMENT_VARIABLE + "}", converter = ModuleConnectionString.Converter.class,
            description = "Module connection string (HostName=...;DeviceId=...;ModuleId=...;SharedAccessKey=<key>), as create-module prints it. Default: the " + ENVIRONMENT_VARIABLE + " environment variable.")
    private ModuleConnectionString connectionString;

    /** The connection string; a usage error (exit 2) if neither -c nor the environment variable gave one. */
    public ModuleConnectionString connectionString() {
        return ConnectionStringFields.required(connectionString, mixee, ENVIRONMENT_VARIABLE);
    }
}
