package dev.iothub.tools.common;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Mixin of the two service tools: the hub's service connection string, from -c or IOTHUB_CONNECTION_STRING. */
public final class ServiceConnectionOptions {
    public static final String ENVIRONMENT_VARIABLE = "IOTHUB_CONNECTION_STRING";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    /** {@code -l}/{@code --login}: az iot hub's name for the same connection string, so az's habits work here too. */
    @Option(names = {"-c", "--connection-string", "-l", "--login"}, paramLabel = "CONNECTION_STRING",
            defaultValue = "${env:" + ENVIRONMENT_VARIABLE + "}", converter = ServiceConnectionString.Converter.class,
            description = "Service connection string of a shared access policy with registry write and service connect, e.g. iothubowner. Default: the " + ENVIRONMENT_VARIABLE + " environment variable.")
    private ServiceConnectionString connectionString;

    /** The connection string; a usage error (exit 2) if neither -c nor the environment variable gave one. */
    public ServiceConnectionString connectionString() {
        return ConnectionStringFields.required(connectionString, mixee, ENVIRONMENT_VARIABLE);
    }
}
