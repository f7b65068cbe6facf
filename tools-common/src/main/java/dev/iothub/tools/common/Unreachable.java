package dev.iothub.tools.common;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Why the hub could not be reached, in words that name its address and what to check: a refused connection,
 * a name that does not resolve, no answer in time, a certificate not trusted. Exit code 3.
 */
public final class Unreachable {
    private Unreachable() {
    }

    /** A network failure among {@code error}'s causes, if there is one. */
    static Optional<ToolFailure> network(Throwable error, HubEndpoint hub) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
                return Optional.of(unknownHost(hub, cause.getMessage(), error));
            }
            if (cause instanceof SocketTimeoutException) {
                return Optional.of(timedOut(hub, error));
            }
            if (cause instanceof IOException) {
                return Optional.of(fromMessage(cause, hub, error));
            }
        }
        return Optional.empty();
    }

    /**
     * A failure known only by its message: the JDK's socket errors ("Connection refused", "Connection timed out",
     * "No route to host"), or their text as an SDK passed it on without the exception (Proton-J's, over AMQP).
     */
    static ToolFailure fromMessage(Throwable cause, HubEndpoint hub, Throwable error) {
        String message = String.valueOf(cause.getMessage());
        if (message.contains("refused")) {
            return failure("could not reach the hub: " + hub.address() + " refused the connection; is the hub "
                    + "(or hub-emulator) running there?", error);
        }
        if (message.contains("timed out")) {
            return timedOut(hub, error);
        }
        if (message.contains("No route") || message.contains("unreachable")) {
            return failure("could not reach the hub: no route to " + hub.address() + " (" + message
                    + "); check the address and the network", error);
        }
        if (cause.getMessage() == null && hub.hostName() != null && hub.resolved().isEmpty()) {
            return unknownHost(hub, hub.hostName(), error); // Proton-J says nothing of a name that did not resolve
        }
        return failure("could not reach the hub at " + hub.address() + ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + message), error);
    }

    private static ToolFailure unknownHost(HubEndpoint hub, String name, Throwable error) {
        String host = hub.hostName() != null ? hub.hostName() : name;
        return failure("could not reach the hub: unknown host " + host + " (the name does not resolve); check "
                + "HostName in the connection string", error);
    }

    private static ToolFailure timedOut(HubEndpoint hub, Throwable error) {
        String port = hub.hostName() == null ? "its port" : "port " + hub.port();
        return failure("could not reach the hub: " + hub.address() + " did not answer in time; check the host name, "
                + "and that no firewall or proxy drops " + port, error);
    }

    /** An untrusted certificate or another TLS failure among {@code error}'s causes, if there is one. */
    static Optional<ToolFailure> tls(Throwable error, HubEndpoint hub) {
        return tls(error, hub, false);
    }

    /**
     * What went wrong with TLS in {@code error}'s causes, if anything did, for a client that had connected before:
     * a certificate no longer trusted is one that changed since.
     */
    public static Optional<String> tlsProblemOnReconnect(Throwable error, HubEndpoint hub) {
        return tls(error, hub, true).map(ToolFailure::getMessage);
    }

    private static Optional<ToolFailure> tls(Throwable error, HubEndpoint hub, boolean reconnecting) {
        boolean handshake = false;
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException
                    || String.valueOf(cause.getMessage()).contains("PKIX path")) {
                return Optional.of(failure(untrusted(hub, reconnecting), error));
            }
            if (cause instanceof CertificateException && String.valueOf(cause.getMessage()).contains("match")) {
                return Optional.of(failure("TLS: the certificate of " + hub.address()
                        + " does not match its host name (" + cause.getMessage() + ")", error));
            }
            handshake |= cause instanceof SSLException;
        }
        if (handshake) {
            Throwable root = error;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return Optional.of(failure("TLS handshake with " + hub.address() + " failed: " + root.getMessage(), error));
        }
        return Optional.empty();
    }

    private static String untrusted(HubEndpoint hub, boolean reconnecting) {
        String notTrusted = "TLS: the certificate of " + hub.address()
                + (reconnecting ? " changed since the connection was made, and the new one" : "") + " is not trusted: "
                + hub.ca().map(file -> "the CA in " + file + " (--ca-cert) did not sign it, nor did a CA the system trusts")
                        .orElse("no CA the system trusts signed it");
        if (reconnecting) {
            return notTrusted + "; a hub-emulator started in memory makes a new CA each time: pass the new one with "
                    + "--ca-cert FILE";
        }
        if (hub.ca().isPresent()) {
            return notTrusted + "; pass the CA that signed it with --ca-cert FILE (hub-emulator prints its CA "
                    + "certificate's path as it starts)";
        }
        return notTrusted + "; if the hub uses a private CA (hub-emulator, an IoT Edge gateway, a TLS-inspecting "
                + "proxy), pass that CA with --ca-cert FILE";
    }

    private static ToolFailure failure(String message, Throwable error) {
        return new ToolFailure(ExitCodes.UNREACHABLE, message, error);
    }
}
