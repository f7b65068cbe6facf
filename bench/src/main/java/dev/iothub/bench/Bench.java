package dev.iothub.bench;

/**
 * {@code java -jar bench.jar FIGURE ADDRESS}: runs one benchmark against an emulator it starts on
 * ADDRESS, a loopback address of its own. bench/run.sh runs them all.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        // The SDKs log through slf4j-simple: warnings only, set before the first logger exists.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        if (args.length != 2) {
            System.err.println("usage: java -jar bench.jar tool-latency|patch-latency|method-latency|c2d-throughput"
                    + "|d2c-throughput|twin-events|connections|connections-amqps"
                    + "|registry-throughput|robustness|robustness-amqp|churn|keep-alive ADDRESS");
            System.exit(2);
        }
        switch (args[0]) {
            case "tool-latency" -> ToolLatency.run(args[1]);
            case "patch-latency" -> PatchLatency.run(args[1]);
            case "method-latency" -> MethodLatency.run(args[1]);
            case "c2d-throughput" -> CloudToDeviceThroughput.run(args[1]);
            case "d2c-throughput" -> TelemetryThroughput.run(args[1]);
            case "twin-events" -> TwinEvents.run(args[1]);
            case "connections" -> Connections.run(args[1], ModuleProtocol.MQTT);
            case "connections-amqps" -> Connections.run(args[1], ModuleProtocol.AMQPS);
            case "registry-throughput" -> RegistryThroughput.run(args[1]);
            case "robustness" -> Robustness.run(args[1]);
            case "robustness-amqp" -> AmqpRobustness.run(args[1]);
            case "churn" -> Churn.run(args[1]);
            case "keep-alive" -> BusyKeepAlive.run(args[1]);
            default -> {
                System.err.println("unknown benchmark: " + args[0]);
                System.exit(2);
            }
        }
        System.exit(0); // SDK threads may linger
    }
}
