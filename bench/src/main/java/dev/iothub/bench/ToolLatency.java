package dev.iothub.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Figure 1: the wall time of each tool as a user runs it, with the launch command README and quickstart.sh give
 * (its class-data-sharing archive, {@link #LAUNCH_OPTIONS}), and as plain {@code java -jar <tool>.jar …}, against
 * an emulator in its own process (in memory): create-module on identities that exist, update-module-twin, and
 * receive-twin-patch from its start to its first printed patch (sent through REST as soon as the receiver
 * has printed the current desired state). One run of each to warm the emulator up, then RUNS measured.
 * Beside each, its Node peer doing the same job with the official Node SDKs (bench/node, run with the packages
 * the Node SDK suite installed in hub-emulator/target/node-sdk-tests), and the ratio of the two.
 */
final class ToolLatency {
    private static final int RUNS = 10;

    /** The JVM options of the launch command that README and quickstart.sh give, before {@code -jar}. */
    private static List<String> launchOptions(String tool) {
        return List.of("-XX:SharedArchiveFile=" + Path.of(tool, "target", tool + ".jsa"), "-XX:TieredStopAtLevel=1",
                "-Xlog:cds=off,cds+dynamic=off");
    }

    private static final String LAUNCH_OPTIONS = "-XX:SharedArchiveFile=<tool>.jsa -XX:TieredStopAtLevel=1";

    /** How a row's program is started: README's launch command, plain java -jar, or its Node peer. */
    private enum Launch {
        README(""), PLAIN("_plain"), NODE("_node");

        final String suffix;

        Launch(String suffix) {
            this.suffix = suffix;
        }
    }

    private static final Path NODE_MODULES = Path.of("hub-emulator", "target", "node-sdk-tests", "node_modules");

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
            String created = runTool("create-module", service, Launch.README); // creates; the measured runs find them
            String moduleConnectionString = created.lines().filter(line -> line.startsWith("Module connection string: "))
                    .map(line -> line.substring("Module connection string: ".length())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("create-module printed no module connection string"));
            try (Rest rest = new Rest(hub, hub.sslContext())) {
                Clients.expect(200, rest.send("GET", "/twins/latency/modules/m", null), "twin read"); // TLS handshake now
                List<Launch> launches = new ArrayList<>(List.of(Launch.README, Launch.PLAIN));
                if (Files.isDirectory(NODE_MODULES) && nodeInstalled()) {
                    launches.add(Launch.NODE);
                } else {
                    Report.note("tool latency: no Node peers (they need node, and %s, which mvn verify installs)",
                            NODE_MODULES);
                }
                Map<String, Double> medians = new HashMap<>();
                for (Launch launch : launches) {
                    medians.put("create_module" + launch.suffix, figure("tool_create_module" + launch.suffix,
                            i -> timed(() -> runTool("create-module", service, launch))));
                    medians.put("update_module_twin" + launch.suffix, figure("tool_update_module_twin" + launch.suffix,
                            i -> timed(() -> runTool("update-module-twin",
                                    concat(service, "--desired", "{\"n\":" + i + "}"), launch))));
                    medians.put("receive_twin_patch" + launch.suffix, figure("tool_receive_twin_patch" + launch.suffix,
                            i -> receiveFirstPatch(moduleConnectionString, ca, rest, 1_000 * (launch.ordinal() + 1) + i,
                                    launch)));
                }
                if (launches.contains(Launch.NODE)) {
                    for (String row : List.of("create_module", "update_module_twin", "receive_twin_patch")) {
                        Report.figure("tool_" + row + "_to_node_ratio", medians.get(row) / medians.get(row + "_node"), "x");
                    }
                }
            }
            Report.note("tool latency: wall time of java %s -jar <tool>.jar (the launch command of README), and with"
                    + " _plain of java -jar <tool>.jar, median and max of %d runs after one of warm-up; receive-twin-patch"
                    + " from start to its first printed patch; _node is the Node SDK peer (bench/node) doing the same job,"
                    + " and _to_node_ratio ours over its, by medians", LAUNCH_OPTIONS, RUNS);
        }
    }

    /** Prints the median and the max of RUNS timed runs, after one of warm-up; answers the median in seconds. */
    private static double figure(String name, TimedRun timed) throws Exception {
        timed.run(-1);
        long[] nanos = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            nanos[i] = timed.run(i);
        }
        double median = seconds(Report.percentile(nanos, 50));
        Report.figure(name + "_median", median, "s");
        Report.figure(name + "_max", seconds(Report.percentile(nanos, 100)), "s");
        return median;
    }

    private static boolean nodeInstalled() {
        try {
            return new ProcessBuilder("node", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
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
    private static String runTool(String tool, List<String> args, Launch launch) throws IOException, InterruptedException {
        Process process = start(tool, args, launch, true);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(tool + " exited " + process.exitValue() + ": " + output);
        }
        return output;
    }

    /** Starts receive-twin-patch, patches the twin once it is listening, and answers the time to the patch line. */
    private static long receiveFirstPatch(String moduleConnectionString, String ca, Rest rest, int n, Launch launch)
            throws Exception {
        long started = System.nanoTime();
        Process process = start("receive-twin-patch", List.of("-c", moduleConnectionString, "--ca-cert", ca,
                "--count", "1", "--timeout", "60", "-o", "json"), launch, false);
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

    /**
     * Starts {@code java [launch options] -jar <tool>.jar args} (the launch options unless plain), or the tool's
     * Node peer, which takes the same -c, --device-id, --module-id and --desired, and trusts the CA through
     * NODE_EXTRA_CA_CERTS. Standard error goes with the output if {@code mergeErrors}, else nowhere.
     */
    private static Process start(String tool, List<String> args, Launch launch, boolean mergeErrors) throws IOException {
        List<String> command = new ArrayList<>();
        ProcessBuilder builder = new ProcessBuilder(command);
        if (launch == Launch.NODE) {
            command.addAll(List.of("node", Path.of("bench", "node", tool + ".js").toString()));
            for (int i = 0; i < args.size(); i += 2) {
                if (args.get(i).equals("--ca-cert")) {
                    builder.environment().put("NODE_EXTRA_CA_CERTS", args.get(i + 1));
                } else if (!args.get(i).equals("--count") && !args.get(i).equals("--timeout") && !args.get(i).equals("-o")) {
                    command.addAll(args.subList(i, i + 2));
                }
            }
            builder.environment().put("NODE_PATH", NODE_MODULES.toAbsolutePath().toString());
        } else {
            command.add(ProcessHandle.current().info().command().orElse("java"));
            if (launch == Launch.README) {
                command.addAll(launchOptions(tool));
            }
            command.addAll(List.of("-jar", jar(tool).toString()));
            command.addAll(args);
        }
        if (mergeErrors) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        return builder.start();
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
