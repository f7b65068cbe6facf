package dev.iothub.tools.common;

import picocli.CommandLine.Option;

/**
 * Mixin of the two service tools: which device and module, with the tutorial's names as defaults; -d and -m as
 * az iot hub spells them.
 */
public final class IdentityOptions {
    @Option(names = {"-d", "--device-id"}, paramLabel = "ID", converter = IdentityIds.Converter.class,
            description = "Device id (default: ${DEFAULT-VALUE}).")
    private String deviceId = "myFirstDevice";

    @Option(names = {"-m", "--module-id"}, paramLabel = "ID", converter = IdentityIds.Converter.class,
            description = "Module id (default: ${DEFAULT-VALUE}).")
    private String moduleId = "myFirstModule";

    public String deviceId() {
        return deviceId;
    }

    public String moduleId() {
        return moduleId;
    }
}
