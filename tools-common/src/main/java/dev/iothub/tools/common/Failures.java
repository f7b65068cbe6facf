package dev.iothub.tools.common;

import dev.iothub.cli.UsageErrors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns whatever a tool throws into one line on stderr and an exit code ({@link ExitCodes}).
 * The stack trace is printed only with {@code --verbose}; keys and signatures never are.
 */
public final class Failures implements IExecutionExceptionHandler, IExitCodeExceptionMapper {
    private final List<SdkErrors> sdkErrors;

    public Failures(List<SdkErrors> sdkErrors) {
        this.sdkErrors = List.copyOf(sdkErrors);
    }

    @Override
    public int handleExecutionException(Exception error, CommandLine commandLine, ParseResult parseResult) {
        ToolFailure failure = describe(error, hub(commandLine));
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandName() + ": " + oneLine(failure.getMessage()));
        if (parseResult != null && parseResult.hasMatchedOption("--verbose")) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            err.print(Secrets.redact(trace.toString()));
        }
        err.flush();
        return failure.exitCode();
    }

    @Override
    public int getExitCode(Throwable error) {
        return error instanceof ParameterException ? ExitCodes.BAD_INPUT
                : describe(error, HubEndpoint.UNKNOWN).exitCode();
    }

    /** The words and exit code for an error, most specific first; {@code hub} is where the tool connects. */
    ToolFailure describe(Throwable error, HubEndpoint hub) {
        if (error instanceof ToolFailure failure) {
            return failure;
        }
        Optional<ToolFailure> tls = Unreachable.tls(error, hub);
        if (tls.isPresent()) {
            return tls.get();
        }
        for (SdkErrors sdk : sdkErrors) {
            Optional<ToolFailure> described = sdk.describe(error, hub);
            if (described.isPresent()) {
                return described.get();
            }
        }
        return Unreachable.network(error, hub).orElseGet(() -> new ToolFailure(ExitCodes.UNEXPECTED,
                "unexpected error: " + error + " (rerun with --verbose for the stack trace)", error));
    }

    /** Where the tool connects, as its {@link CommonOptions} were told, if it has them. */
    private static HubEndpoint hub(CommandLine commandLine) {
        return commandLine.getCommandSpec().mixins().values().stream()
                .map(CommandSpec::userObject)
                .filter(CommonOptions.class::isInstance)
                .map(common -> ((CommonOptions) common).hubEndpoint())
                .findFirst().orElse(HubEndpoint.UNKNOWN);
    }

    private static String oneLine(String message) {
        return Secrets.redact(UsageErrors.oneLine(message));
    }
}
