package dev.iothub.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Figure 1: the wall time of each tool as a user runs it, with the launch command README and quickstart.sh give
 * (its class-data-sharing archive, {@link #LAUNCH_OPTIONS}), and as plain {@code java -jar <tool>.jar …}, against
 * an emulator in its own process (in memory): create-module on identities that exist, update-module-twin, and
 * receive-twin-patch from its start to its first printed patch (sent through REST as soon as the receiver
 * has printed the current desired state). One run of each to warm the emulator up, then RUNS measured.
 */
final class ToolLatency {
    private static final int RUNS = 10;

    /** The JVM options of the launch command that README and quickstart.sh give, before {@code -jar}. */
    private static List<String> launchOptions(String tool) {
        return List.of("-XX:SharedArchiveFile=" + Path.of(tool, "target", tool + ".jsa"), "-XX:TieredStopAtLevel=1",
                "-Xlog:cds=off,cds+dynamic=off");
    }

    private static final String LAUNCH_OPTIONS = "-XX:SharedArchiveFile=<tool>.jsa -XX:TieredStopAtLevel=1";

    /** One timed run of a tool; answers its wall time in nanoseconds. */
    @FunctionalInterface
    private interface TimedRun {
        long run(int index) throws Exception;
    }

    static void run(String address) throws Exception {
        for (String tool : List.of("create-module", "update-module-twin", "receive-twin-patch")) {
            if (!Files.exists(jar(tool))) {
                Report.note("tool latency: %s is missing (build the tools first); not measured", jar(tool));
                return;
            }
        }
        try (Emulator hub = Emulator.start(address, null)) {
            String ca = hub.caCertificatePem().toString();
            List<String> service = List.of("-c", hub.serviceConnectionString(), "--ca-cert", ca,
                    "--device-id", "latency", "--module-id", "m");
            String created = runTool("create-module", service, false); // creates; the measured runs find them
            String moduleConnectionString = created.lines().filter(line -> line.startsWith("Module connection string: "))
                    .map(line -> line.substring("Module connection string: ".length())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("create-module printed no module connection string"));
            try (Rest rest = new Rest(hub, hub.sslContext())) {
                Clients.expect(200, rest.send("GET", "/twins/latency/modules/m", null), "twin read"); // TLS handshake now
                for (boolean plain : new boolean[] {false, true}) {
                    String suffix = plain ? "_plain" : "";
                    figure("tool_create_module" + suffix, i -> timed(() -> runTool("create-module", service, plain)));
                    figure("tool_update_module_twin" + suffix, i -> timed(() -> runTool("update-module-twin",
                            concat(service, "--desired", "{\"n\":" + i + "}"), plain)));
                    figure("tool_receive_twin_patch" + suffix,
                            i -> receiveFirstPatch(moduleConnectionString, ca, rest, (plain ? 2_000 : 1_000) + i, plain));
                }
            }
            Report.note("tool latency: wall time of java %s -jar <tool>.jar (the launch command of README), and with"
                    + " _plain of java -jar <tool>.jar, median and max of %d runs after one of warm-up; receive-twin-patch"
                    + " from start to its first printed patch", LAUNCH_OPTIONS, RUNS);
        }
    }

    private static void figure(String name, TimedRun timed) throws Exception {
        timed.run(-1);
        long[] nanos = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            nanos[i] = timed.run(i);
        }
        Report.figure(name + "_median", seconds(Report.percentile(nanos, 50)), "s");
        Report.figure(name + "_max", seconds(Report.percentile(nanos, 100)), "s");
    }

    private interface Action {
        void run() throws Exception;
    }

    private static long timed(Action action) throws Exception {
        long started = System.nanoTime();
        action.run();
        return System.nanoTime() - started;
    }

    /** Runs a tool to its end and answers what it printed; fails unless it exits 0. */
    private static String runTool(String tool, List<String> args, boolean plain) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command(tool, args, plain)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(tool + " exited " + process.exitValue() + ": " + output);
        }
        return output;
    }

    /** Starts receive-twin-patch, patches the twin once it is listening, and answers the time to the patch line. */
    private static long receiveFirstPatch(String moduleConnectionString, String ca, Rest rest, int n, boolean plain)
            throws Exception {
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command("receive-twin-patch", List.of("-c", moduleConnectionString,
                "--ca-cert", ca, "--count", "1", "--timeout", "60", "-o", "json"), plain))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.contains("\"kind\":\"current\"")) {
                    Clients.expect(200, rest.send("PATCH", "/twins/latency/modules/m",
                            "{\"properties\":{\"desired\":{\"n\":" + n + "}}}"), "twin patch");
                } else if (line.contains("\"kind\":\"patch\"")) {
                    long elapsed = System.nanoTime() - started;
                    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                        throw new IllegalStateException("receive-twin-patch did not exit 0 after --count 1");
                    }
                    return elapsed;
                }
            }
        } finally {
            process.destroyForcibly();
        }
        throw new IllegalStateException("receive-twin-patch ended without printing a patch (exit " + process.waitFor() + ")");
    }

    /** {@code java [launch options] -jar <tool>.jar args}: the launch options unless plain. */
    private static List<String> command(String tool, List<String> args, boolean plain) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        if (!plain) {
            command.addAll(launchOptions(tool));
        }
        command.addAll(List.of("-jar", jar(tool).toString()));
        command.addAll(args);
        return command;
    }

    private static Path jar(String tool) {
        return Path.of(tool, "target", tool + ".jar");
    }

    private static List<String> concat(List<String> list, String... more) {
        List<String> all = new ArrayList<>(list);
        all.addAll(List.of(more));
        return all;
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1e3;
    }

    private ToolLatency() {
    }
}
