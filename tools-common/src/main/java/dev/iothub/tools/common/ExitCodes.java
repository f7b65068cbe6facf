package dev.iothub.tools.common;

/**
 * The exit codes every tool documents. The {@code *_HELP} constants are the lines of picocli's
 * {@code exitCodeList}, so {@code --help} and README say the same thing.
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** The hub answered and refused: unauthorized, not found, precondition failed, ... */
    public static final int HUB_REFUSED = 1;
    /** Bad usage or input, found before anything was sent. */
    public static final int BAD_INPUT = 2;
    /** The hub could not be reached: connection refused, unknown host, TLS failure, connection lost for good. */
    public static final int UNREACHABLE = 3;
    /** receive-twin-patch: --timeout expired before --count patches came. */
    public static final int TIMEOUT = 4;
    /** Anything else: a bug; --verbose shows the stack trace. */
    public static final int UNEXPECTED = 5;

    public static final String OK_HELP = "0:Success.";
    public static final String HUB_REFUSED_HELP = "1:The hub refused (unauthorized, not found, precondition failed...).";
    public static final String BAD_INPUT_HELP = "2:Bad usage or input; nothing was sent.";
    public static final String UNREACHABLE_HELP = "3:The hub could not be reached (network, TLS).";
    public static final String TIMEOUT_HELP = "4:--timeout expired before --count patches came.";
    public static final String UNEXPECTED_HELP = "5:Unexpected error (rerun with --verbose).";

    private ExitCodes() {
    }
}
