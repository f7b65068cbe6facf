package dev.iothub.tools.common;

import dev.iothub.cli.UsageErrors;
import java.util.List;
import picocli.CommandLine;

/** Builds a tool's command line with the shared error handling; mains and tests both use it. */
public final class Tools {
    private Tools() {
    }

    public static CommandLine commandLine(Object tool, SdkErrors... sdkErrors) {
        Failures failures = new Failures(List.of(sdkErrors));
        return new CommandLine(tool)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExpandAtFiles(false) // "@file" is ours: --desired @patch.json
                .setExecutionExceptionHandler(failures)
                .setExitCodeExceptionMapper(failures)
                .setParameterExceptionHandler(new UsageErrors(ExitCodes.BAD_INPUT, Secrets::redact));
    }
}
