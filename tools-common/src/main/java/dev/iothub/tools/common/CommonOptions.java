package dev.iothub.tools.common;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Mixin of all three tools: --ca-cert, -o/--output, --verbose; and where the tool connects, for its errors. */
public final class CommonOptions {
    public static final String CA_CERT_VARIABLE = "IOTHUB_CA_CERT";

    @Option(names = "--ca-cert", paramLabel = "FILE", converter = CaCertificate.FileConverter.class,
            defaultValue = "${env:" + CA_CERT_VARIABLE + "}",
            description = "Also trust this PEM CA certificate (hub-emulator, an IoT Edge gateway, a TLS-inspecting proxy); the system's roots stay trusted. Default: the " + CA_CERT_VARIABLE + " environment variable.")
    private Path caCertificateFile;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private OutputFormat output = OutputFormat.text;

    @Option(names = "--verbose", description = "Show stack traces of errors and the SDK's log (info level).")
    private boolean verbose;

    private CaCertificate caCertificate;
    private HubEndpoint hub = HubEndpoint.UNKNOWN;

    /** The extra CA, or null. */
    public CaCertificate caCertificate() {
        if (caCertificate == null && caCertificateFile != null) {
            caCertificate = CaCertificate.load(caCertificateFile);
        }
        return caCertificate;
    }

    /** Tells the error messages where the tool connects: the host and the port of its protocol. */
    public void connectingTo(String hostName, int port) {
        hub = new HubEndpoint(hostName, port, caCertificateFile);
    }

    public HubEndpoint hubEndpoint() {
        return hub;
    }

    public boolean json() {
        return output == OutputFormat.json;
    }

    public boolean verbose() {
        return verbose;
    }

    /**
     * With --verbose, lets the SDK's log through at info level. slf4j-simple reads its level once, when
     * the first logger is made, so this must run before any SDK class is used. Without it, java.util.logging
     * is silenced too: Proton-J (AMQP) logs there, and an error is the tool's one line.
     */
    public void configureLogging() {
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        Logger.getLogger("").setLevel(verbose ? Level.INFO : Level.OFF);
    }

    /** Prints a progress or status line: on stdout for people, on stderr with -o json so stdout stays JSON only. */
    public void progress(CommandSpec spec, String line) {
        PrintWriter writer = json() ? spec.commandLine().getErr() : spec.commandLine().getOut();
        writer.println(line);
        writer.flush();
    }

    public enum OutputFormat { text, json }
}
