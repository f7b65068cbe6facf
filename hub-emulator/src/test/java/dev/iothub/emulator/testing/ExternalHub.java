package dev.iothub.emulator.testing;

import dev.iothub.emulator.internal.auth.SharedAccessPolicies;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A hub the SDK suites reach through their environment instead of starting an emulator: a real IoT Hub, or an
 * emulator in a process of its own. The same variables drive the Java and the Node suites:
 * <ul>
 * <li>{@code IOTHUB_CONNECTION_STRING}: iothubowner's connection string; setting it is the switch.
 * <li>{@code IOTHUB_CA_CERT}: a PEM file of the CA to trust, for a hub whose certificate no public CA signs.
 * <li>{@code IOTHUB_<POLICY>_POLICY_CONNECTION_STRING} ({@code SERVICE}, {@code DEVICE}, {@code REGISTRY_READ},
 *     {@code REGISTRY_READ_WRITE}): the other built-in policies, for the tests of their rights.
 * <li>{@code EVENTHUB_CONNECTION_STRING}: the built-in Event Hub-compatible endpoint's, for the tests that read
 *     telemetry back (the name the SDKs' own end-to-end tests read).
 * </ul>
 */
public record ExternalHub(String serviceConnectionString, Optional<Path> caCertificatePem,
        Map<String, String> policyConnectionStrings, Optional<String> eventHubConnectionString) {
    public static final String CONNECTION_STRING = "IOTHUB_CONNECTION_STRING";
    public static final String CA_CERT = "IOTHUB_CA_CERT";
    public static final String EVENTHUB_CONNECTION_STRING = "EVENTHUB_CONNECTION_STRING";
    /** The built-in policies other than iothubowner, whose connection string is the switch itself. */
    private static final List<String> POLICIES = SharedAccessPolicies.NAMES.stream()
            .filter(name -> !name.equals(SharedAccessPolicies.IOTHUBOWNER)).toList();

    /** The hub {@code environment} names, if it sets {@value #CONNECTION_STRING}. */
    public static Optional<ExternalHub> fromEnvironment(Map<String, String> environment) {
        String owner = environment.get(CONNECTION_STRING);
        if (owner == null || owner.isBlank()) {
            return Optional.empty();
        }
        Map<String, String> policies = new LinkedHashMap<>();
        for (String policy : POLICIES) {
            String value = environment.get(variableOf(policy));
            if (value != null && !value.isBlank()) {
                policies.put(policy, value);
            }
        }
        return Optional.of(new ExternalHub(owner, Optional.ofNullable(environment.get(CA_CERT)).map(Path::of), policies,
                Optional.ofNullable(environment.get(EVENTHUB_CONNECTION_STRING)).filter(value -> !value.isBlank())));
    }

    /** An emulator in another process, as its files and banner describe it: every policy, its CA and its Event Hub endpoint. */
    public static ExternalHub of(EmulatorProcess emulator) throws IOException {
        Map<String, String> policies = new LinkedHashMap<>();
        for (String policy : POLICIES) {
            policies.put(policy, emulator.connectionString(policy));
        }
        return new ExternalHub(emulator.serviceConnectionString(), Optional.of(emulator.caCertificatePem()), policies,
                Optional.of(emulator.eventHubConnectionString()));
    }

    /** The variable that carries {@code policy}'s connection string, e.g. IOTHUB_REGISTRY_READ_POLICY_CONNECTION_STRING. */
    public static String variableOf(String policy) {
        return "IOTHUB_" + policy.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase() + "_POLICY_CONNECTION_STRING";
    }

    /** The environment that points a suite at this hub. */
    public Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(CONNECTION_STRING, serviceConnectionString);
        caCertificatePem.ifPresent(ca -> environment.put(CA_CERT, ca.toString()));
        policyConnectionStrings.forEach((policy, value) -> environment.put(variableOf(policy), value));
        eventHubConnectionString.ifPresent(value -> environment.put(EVENTHUB_CONNECTION_STRING, value));
        return environment;
    }

    public String hostName() {
        return valueOf(serviceConnectionString, "HostName");
    }

    /** A value of a {@code Name=value;...} connection string. */
    public static String valueOf(String connectionString, String name) {
        for (String part : connectionString.split(";")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new IllegalArgumentException("no " + name + " in the connection string");
    }
}
