package dev.iothub.tools.common;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns whatever a tool throws into one line on stderr and an exit code ({@link ExitCodes}).
 * The stack trace is printed only with {@code --verbose}; keys and signatures never are.
 */
public final class Failures implements IExecutionExceptionHandler, IExitCodeExceptionMapper, IParameterExceptionHandler {
    private final List<SdkErrors> sdkErrors;

    public Failures(List<SdkErrors> sdkErrors) {
        this.sdkErrors = List.copyOf(sdkErrors);
    }

    @Override
    public int handleExecutionException(Exception error, CommandLine commandLine, ParseResult parseResult) {
        ToolFailure failure = describe(error);
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
    public int handleParseException(ParameterException error, String[] args) {
        CommandLine commandLine = error.getCommandLine();
        String name = commandLine.getCommandName();
        PrintWriter err = commandLine.getErr();
        err.println(name + ": " + oneLine(error.getMessage()) + " (see '" + name + " --help')");
        err.flush();
        return ExitCodes.BAD_INPUT;
    }

    @Override
    public int getExitCode(Throwable error) {
        return error instanceof ParameterException ? ExitCodes.BAD_INPUT : describe(error).exitCode();
    }

    /** The words and exit code for an error, most specific first. */
    ToolFailure describe(Throwable error) {
        if (error instanceof ToolFailure failure) {
            return failure;
        }
        Optional<ToolFailure> tls = describeTls(error);
        if (tls.isPresent()) {
            return tls.get();
        }
        for (SdkErrors sdk : sdkErrors) {
            Optional<ToolFailure> described = sdk.describe(error);
            if (described.isPresent()) {
                return described.get();
            }
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException io) {
                return new ToolFailure(ExitCodes.UNREACHABLE, "could not reach the hub: " + describeIo(io), error);
            }
        }
        return new ToolFailure(ExitCodes.UNEXPECTED,
                "unexpected error: " + error + " (rerun with --verbose for the stack trace)", error);
    }

    /** What went wrong with TLS in {@code error}'s causes, in our words, if anything did. */
    public static Optional<String> tlsProblem(Throwable error) {
        return describeTls(error).map(ToolFailure::getMessage);
    }

    private static Optional<ToolFailure> describeTls(Throwable error) {
        boolean handshake = false;
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException
                    || String.valueOf(cause.getMessage()).contains("PKIX path")) {
                return Optional.of(new ToolFailure(ExitCodes.UNREACHABLE,
                        "TLS: the hub's certificate is not trusted (" + cause.getMessage() + "); if the hub uses a "
                                + "private CA (hub-emulator, an IoT Edge gateway, a TLS-inspecting proxy), "
                                + "pass that CA with --ca-cert FILE", error));
            }
            if (cause instanceof CertificateException && String.valueOf(cause.getMessage()).contains("match")) {
                return Optional.of(new ToolFailure(ExitCodes.UNREACHABLE,
                        "TLS: the hub's certificate does not match its host name (" + cause.getMessage() + ")", error));
            }
            handshake |= cause instanceof SSLException;
        }
        if (handshake) {
            Throwable root = error;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return Optional.of(new ToolFailure(ExitCodes.UNREACHABLE,
                    "TLS handshake with the hub failed: " + root.getMessage(), error));
        }
        return Optional.empty();
    }

    private static String describeIo(IOException error) {
        if (error instanceof ConnectException) {
            return "connection refused or failed (" + error.getMessage() + ")";
        }
        if (error instanceof UnknownHostException) {
            return "unknown host " + error.getMessage();
        }
        if (error instanceof NoRouteToHostException) {
            return "no route to host (" + error.getMessage() + ")";
        }
        if (error instanceof SocketTimeoutException) {
            return "timed out (" + error.getMessage() + ")";
        }
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    private static String oneLine(String message) {
        String text = message == null ? "(no message)" : message;
        return Secrets.redact(text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
    }
}
