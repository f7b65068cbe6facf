package dev.iothub.emulator.testing;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace of the test's own, with its loopback up: what is set in it (the net.* sysctls, such as
 * net.ipv4.ip_unprivileged_port_start, and the addresses bound) stays in it, whatever runs beside. A shell started
 * by {@code unshare --net} (as root) holds it and makes the settings itself, so that they can land nowhere else;
 * other commands run in it through {@code nsenter}. Where the machine gives no such namespace, the test is
 * skipped, saying why.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final String HOLDER = "if command -v ip >/dev/null; then ip link set lo up; "
            + "elif command -v ifconfig >/dev/null; then ifconfig lo up; "
            + "else echo 'neither ip nor ifconfig to bring its loopback up'; exit 1; fi && echo up && "
            + "while read -r file value; do echo \"$value\" >\"$file\" && echo set; done";

    private final Process holder;
    private final BufferedReader answers;
    private final PrintWriter settings;

    private NetworkNamespace(Process holder) {
        this.holder = holder;
        this.answers = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        this.settings = new PrintWriter(holder.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    public static NetworkNamespace create() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/bin/nsenter")),
                "needs unshare and nsenter (util-linux) for a network namespace of its own");
        NetworkNamespace namespace = new NetworkNamespace(new ProcessBuilder("/usr/bin/unshare", "--net", "--",
                "sh", "-c", HOLDER).redirectErrorStream(true).start());
        String first = namespace.answers.readLine();
        if (!"up".equals(first)) {
            namespace.close();
            assumeTrue(false, "no network namespace of its own here: "
                    + (first == null ? "unshare --net ended without a word" : first));
        }
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")), namespace.holderNamespace());
        return namespace;
    }

    /** Writes {@code value} to {@code file}, a /proc/sys/net/... setting, in this namespace only. */
    public void set(String file, String value) throws IOException {
        settings.println(file + " " + value);
        String answer = answers.readLine();
        if (!"set".equals(answer)) {
            throw new IOException("could not set " + file + " in the namespace: " + answer);
        }
    }

    /** {@code command}, to run in this namespace. */
    public List<String> command(List<String> command) {
        assertTrue(holder.isAlive(), "the namespace is held");
        List<String> line = new ArrayList<>(List.of("/usr/bin/nsenter", "--target", String.valueOf(holder.pid()),
                "--net", "--"));
        line.addAll(command);
        return line;
    }

    private Path holderNamespace() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", String.valueOf(holder.pid()), "ns", "net"));
    }

    @Override
    public void close() {
        settings.close(); // ends the holder's loop, and so the namespace
        holder.destroyForcibly();
    }
}
