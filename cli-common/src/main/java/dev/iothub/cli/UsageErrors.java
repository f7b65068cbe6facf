package dev.iothub.cli;

import java.io.PrintWriter;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Bad usage as one line on stderr, in every command of the project alike: {@code <command>: <what is wrong>}, with
 * picocli's guess at a mistyped option, and the help to read rather than the help itself (30 lines hide the one
 * that matters).
 */
public final class UsageErrors implements IParameterExceptionHandler {
    private final int exitCode;
    private final UnaryOperator<String> redaction;

    /** {@code redaction} takes out of a message what must not be shown (a key given as an option's value). */
    public UsageErrors(int exitCode, UnaryOperator<String> redaction) {
        this.exitCode = exitCode;
        this.redaction = redaction;
    }

    @Override
    public int handleParseException(ParameterException error, String[] args) {
        CommandLine misused = error.getCommandLine();
        PrintWriter err = misused.getErr();
        err.println(misused.getCommandSpec().root().name() + ": " + redaction.apply(oneLine(error.getMessage()))
                + suggestions(error) + " (see '" + misused.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return exitCode;
    }

    /** A message on one line: its line breaks, and the blanks around them, become one space. */
    public static String oneLine(String message) {
        return message == null ? "(no message)" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    /** picocli's guesses at a mistyped option, on the same line: "; did you mean --device-id?". */
    private static String suggestions(ParameterException error) {
        if (error instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            return "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
        }
        return "";
    }
}
