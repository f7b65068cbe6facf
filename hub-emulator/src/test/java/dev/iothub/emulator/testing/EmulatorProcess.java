package dev.iothub.emulator.testing;

import dev.iothub.emulator.internal.tls.CertificateAuthority;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/** An emulator in a process of its own, started and read as a user would: its banner gives the rest. */
public final class EmulatorProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader output;
    private final List<String> banner = new ArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    private EmulatorProcess(Process process) throws IOException {
        this.process = process;
        this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = output.readLine(); ; line = output.readLine()) {
            if (line == null) {
                throw new IOException("the emulator ended before it was ready: " + banner);
            }
            if (line.startsWith("hub-emulator ready")) {
                return;
            }
            banner.add(line);
        }
    }

    /** Runs {@code command} (the emulator's java command line) and waits for its ready line. */
    public static EmulatorProcess start(List<String> command) throws IOException {
        return start(new ProcessBuilder(command));
    }

    /** Runs the emulator as {@code process} says (its command, directory...) and waits for its ready line. */
    public static EmulatorProcess start(ProcessBuilder process) throws IOException {
        return new EmulatorProcess(process.redirectErrorStream(true).start());
    }

    public List<String> banner() {
        return banner;
    }

    public String serviceConnectionString() {
        return valueAfter("Service connection string: ");
    }

    /** The connection string of a shared access policy, read from the file the emulator wrote for it. */
    public String connectionString(String policy) throws IOException {
        String directory = valueAfter("Connection strings: ");
        return Files.readString(Path.of(directory.substring(0, directory.indexOf(" ("))).resolve(policy)).strip();
    }

    /** The built-in Event Hub-compatible endpoint's connection string (iothubowner's key). */
    public String eventHubConnectionString() {
        return valueAfter("Event Hub-compatible endpoint: ");
    }

    public Path caCertificatePem() {
        return Path.of(valueAfter("CA certificate: "));
    }

    /** Sends SIGTERM, and answers the last line the emulator printed before it ended. */
    public String stop() throws IOException, InterruptedException {
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the output unread
        String last = null;
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            last = line;
        }
        process.waitFor();
        return last;
    }

    /** What the emulator logs after its banner, a line at a time. */
    public String nextLine() throws IOException {
        return output.readLine();
    }

    /**
     * Reads the rest of the emulator's output on a thread of its own, so that it never blocks on a full pipe,
     * into {@link #log()}. Use it instead of {@link #nextLine()}.
     */
    public EmulatorProcess keepReading() {
        Thread reader = new Thread(() -> {
            try {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    log.add(line);
                }
            } catch (IOException e) {
                log.add("(the emulator's output could not be read: " + e.getMessage() + ")");
            }
        }, "emulator-output");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    /** The lines {@link #keepReading()} has read so far. */
    public List<String> log() {
        return log;
    }

    public Process process() {
        return process;
    }

    /** A client SSLContext that trusts the emulator's CA, read from the file it printed. */
    public SSLContext clientSslContext() throws IOException {
        return CertificateAuthority.clientContextTrusting(caCertificatePem());
    }

    private String valueAfter(String prefix) {
        return banner.stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in " + banner));
    }

    /** Kills the process (SIGKILL) if it still runs. */
    @Override
    public void close() {
        process.destroyForcibly();
    }
}
