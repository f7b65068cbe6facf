package dev.iothub.tools.common;

/** A failure the tool has already put into words: its message is the one line the user sees. */
public class ToolFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public ToolFailure(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public ToolFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
