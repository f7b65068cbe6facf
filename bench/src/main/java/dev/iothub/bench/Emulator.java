package dev.iothub.bench;

import dev.iothub.emulator.internal.tls.CertificateAuthority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * hub-emulator in a process of its own, started from its jar as a user runs it (request log and all, to a
 * file), and read through its banner: host name, iothubowner key, CA.
 */
final class Emulator implements AutoCloseable {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final String address;
    private final Process process;
    private final Path log;
    private final List<String> banner;

    private Emulator(String address, Process process, Path log, List<String> banner) {
        this.address = address;
        this.process = process;
        this.log = log;
        this.banner = banner;
    }

    /** Starts the emulator on {@code address}, in memory if {@code dataDirectory} is null, and waits until it is ready. */
    static Emulator start(String address, Path dataDirectory) throws IOException, InterruptedException {
        return start(address, dataDirectory, List.of());
    }

    /** The same, with more of the emulator's options ({@code --route TwinChangeEvents}, say). */
    static Emulator start(String address, Path dataDirectory, List<String> options)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = System.getProperty("bench.emulatorJar", "hub-emulator/target/hub-emulator.jar");
        List<String> command = new ArrayList<>(List.of(java));
        String jvmOptions = System.getProperty("bench.emulatorJvmOptions", ""); // e.g. -XX:StartFlightRecording=...
        if (!jvmOptions.isBlank()) {
            command.addAll(List.of(jvmOptions.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar, "--address", address));
        command.addAll(dataDirectory == null ? List.of("--in-memory") : List.of("--data-dir", dataDirectory.toString()));
        command.addAll(options);
        Path log = Files.createTempFile("bench-emulator-" + address + "-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // if the bench itself is stopped (Ctrl-C, SIGTERM), the emulator goes with it
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (lines.stream().anyMatch(line -> line.startsWith("hub-emulator ready"))) {
                return new Emulator(address, process, log, lines);
            }
            if (!process.isAlive()) {
                throw new IOException("hub-emulator ended before it was ready: " + lines);
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IOException("hub-emulator was not ready within 60 s; see " + log);
    }

    /** Removes a data directory an emulator ran on, and everything in it. */
    static void deleteDataDirectory(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** The built-in Event Hub-compatible endpoint's connection string, as the banner prints it. */
    String eventHubConnectionString() {
        return valueAfter("Event Hub-compatible endpoint: ");
    }

    String address() {
        return address;
    }

    /** The hub's host name: the address, as in {@code HostName=127.0.0.100}. */
    String hostName() {
        return field("HostName");
    }

    String serviceConnectionString() {
        return valueAfter("Service connection string: ");
    }

    /** The iothubowner policy's key. */
    String ownerKey() {
        return field("SharedAccessKey");
    }

    long pid() {
        return process.pid();
    }

    Path caCertificatePem() {
        return Path.of(valueAfter("CA certificate: "));
    }

    /** A client SSLContext that trusts the emulator's CA, read from the file it printed. */
    SSLContext sslContext() throws IOException {
        return CertificateAuthority.clientContextTrusting(caCertificatePem());
    }

    /** The process's resident memory, in MiB, from /proc (Linux). */
    double residentMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /** The CPU time the process has used so far (user and system), in seconds, from /proc (Linux). */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime in 1/100 s ticks
    }

    /** The Java heap in use after a full GC, in MiB, through jcmd (NaN if jcmd is not there). */
    double liveHeapMiB() throws InterruptedException {
        try {
            jcmd("GC.run");
            Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
            return used.find() ? Long.parseLong(used.group(1)) / 1024.0 : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** How many instances of {@code className} are live after a full GC, through jcmd (-1 if jcmd is not there). */
    long liveInstances(String className) throws InterruptedException {
        try {
            for (String line : jcmd("GC.class_histogram").split("\n")) {
                String[] columns = line.trim().split("\\s+"); // rank, instances, bytes, class name, (module)
                if (columns.length >= 4 && columns[3].equals(className)) {
                    return Long.parseLong(columns[1]);
                }
            }
            return 0;
        } catch (IOException e) {
            return -1;
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Stops it as Ctrl-C does (SIGTERM: a clean shutdown, which compacts the store). */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Kills it as kill -9 does: nothing is closed or flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Stops it if it still runs; interrupted meanwhile, kills it and leaves the interrupt for the caller. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a log left in the temp directory is harmless
        }
    }

    private String field(String name) {
        for (String part : serviceConnectionString().split(";")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new IllegalStateException("no " + name + " in " + serviceConnectionString());
    }

    private String valueAfter(String prefix) {
        return banner.stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new IllegalStateException("no '" + prefix + "' in " + banner));
    }
}
