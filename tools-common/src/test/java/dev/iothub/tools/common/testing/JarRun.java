package dev.iothub.tools.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command run as its own process, as a user runs it ({@code java -jar <tool>.jar ...}, or {@code bash quickstart.sh}),
 * with stdout and stderr readable while it runs. For *IT tests, which run after {@code package}.
 */
public final class JarRun implements AutoCloseable {
    private final Process process;
    private final Output out = new Output();
    private final Output err = new Output();
    private final List<Thread> pumps = new ArrayList<>();

    private JarRun(ProcessBuilder builder) throws IOException {
        process = builder.start();
        pumps.add(pump(process.getInputStream(), out));
        pumps.add(pump(process.getErrorStream(), err));
    }

    /** The repository's root folder (failsafe passes it as the system property repo.root). */
    public static Path repoRoot() {
        return Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    }

    /** {@code java -jar <module>/target/<module>.jar args}, with {@code environment} added to (or, for null values, removed from) the inherited one. */
    public static JarRun tool(String module, Map<String, String> environment, String... args) throws IOException {
        return tool(module, List.of(), environment, args);
    }

    /** {@code java <jvmOptions> -jar <module>/target/<module>.jar args}, with {@code environment} as above. */
    public static JarRun tool(String module, List<String> jvmOptions, Map<String, String> environment, String... args)
            throws IOException {
        Path jar = repoRoot().resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: *IT tests run after 'mvn package'");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return command(command, environment);
    }

    /**
     * The JVM options of the launch command README gives, with the class-data-sharing archive {@code archive}
     * (a path relative to the repository's root).
     */
    public static List<String> launchOptions(String archive) {
        return List.of("-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1", "-Xlog:cds=off,cds+dynamic=off");
    }

    public static JarRun command(List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(repoRoot().toFile());
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return new JarRun(builder);
    }

    private static Thread pump(InputStream stream, Output into) {
        Thread thread = new Thread(() -> {
            try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                char[] buffer = new char[4096];
                for (int n; (n = reader.read(buffer)) >= 0; ) {
                    into.write(buffer, 0, n);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "pump");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    public Output out() {
        return out;
    }

    /** Writes {@code text} to the command's standard input, as typed. */
    public void type(String text) throws IOException {
        process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    public Output err() {
        return err;
    }

    /**
     * SIGTERM, as a service manager (or, for the JVM, Ctrl-C) stops it. Through the ProcessHandle:
     * Process.destroy() would also close our ends of its stdout and stderr, losing what it prints while it stops.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the process to end and for all its output to be read. */
    public int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after " + timeout + "\n" + this);
        }
        for (Thread pump : pumps) {
            pump.join(TimeUnit.SECONDS.toMillis(10));
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return "stdout:\n" + out + "\nstderr:\n" + err;
    }
}
