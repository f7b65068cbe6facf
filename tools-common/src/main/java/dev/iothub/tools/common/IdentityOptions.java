package dev.iothub.tools.common;

import java.util.function.BinaryOperator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Mixin of the two service tools: which device and module, with the tutorial's names as defaults; -d and -m as
 * az iot hub spells them. Each tool checks the ids with the rule of what it sends ({@link #check}), as
 * create-module can create fewer ids than the hub allows.
 */
public final class IdentityOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec tool;

    @Option(names = {"-d", "--device-id"}, paramLabel = "ID", description = "Device id (default: ${DEFAULT-VALUE}).")
    private String deviceId = "myFirstDevice";

    @Option(names = {"-m", "--module-id"}, paramLabel = "ID", description = "Module id (default: ${DEFAULT-VALUE}).")
    private String moduleId = "myFirstModule";

    /**
     * Checks both ids with {@code rule} ({@link IdentityIds#check} or {@link IdentityIds#checkCreatable}); a mistake
     * is bad usage (exit 2), said as picocli says an invalid option value.
     */
    public void check(BinaryOperator<String> rule) {
        checkOne(rule, "--device-id", deviceId);
        checkOne(rule, "--module-id", moduleId);
    }

    private void checkOne(BinaryOperator<String> rule, String option, String id) {
        try {
            rule.apply("the id", id);
        } catch (IllegalArgumentException mistake) {
            throw new ParameterException(tool.commandLine(), "Invalid value for option '" + option + "': "
                    + mistake.getMessage());
        }
    }

    public String deviceId() {
        return deviceId;
    }

    public String moduleId() {
        return moduleId;
    }
}
