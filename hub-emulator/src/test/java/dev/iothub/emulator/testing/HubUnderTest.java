package dev.iothub.emulator.testing;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.internal.tls.CertificateAuthority;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The hub an SDK suite runs against, as Azurite's tests switch to a real account: an emulator of the suite's
 * own on its loopback address, or, when {@code IOTHUB_CONNECTION_STRING} is set, the hub it names (see
 * {@link ExternalHub}), real or emulated, which may be shared and outlives the suite. So ids are unique to the
 * run ({@link #deviceId}) and those devices are deleted after the suite; what only an emulator of our own can
 * be made to do is skipped there ({@link #assumeEmulator}). While the suite runs, the JVM's default trust is the
 * hub's: the default SSLContext (which the Event Hubs clients take) and HTTPS's (the service SDK's).
 */
public final class HubUnderTest implements BeforeAllCallback, AfterAllCallback {
    private final HubEmulatorExtension emulator;
    private final Optional<ExternalHub> external = ExternalHub.fromEnvironment(System.getenv());
    private final String run = String.format("%06x", new SecureRandom().nextInt(1 << 24));
    private final List<String> devices = new CopyOnWriteArrayList<>();
    private SSLContext clientSslContext;
    private SSLSocketFactory previousDefault;
    private SSLContext previousSslContext;

    /** {@code address}: where the suite's own emulator listens when no external hub is set. */
    public HubUnderTest(String address) {
        this.emulator = new HubEmulatorExtension(address);
    }

    /** {@code builder}: the suite's own emulator when no external hub is set, such as one with routes. */
    public HubUnderTest(HubEmulator.Builder builder) {
        this.emulator = new HubEmulatorExtension(builder);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        previousSslContext = SSLContext.getDefault();
        if (external.isEmpty()) {
            emulator.beforeAll(context);
            clientSslContext = emulator.hub().clientSslContext();
            SSLContext.setDefault(clientSslContext); // the Event Hubs clients take the JVM's default
            return;
        }
        context.publishReportEntry("hub", hostName() + ", from " + ExternalHub.CONNECTION_STRING);
        clientSslContext = external.get().caCertificatePem().isPresent()
                ? CertificateAuthority.clientContextTrusting(external.get().caCertificatePem().get())
                : SSLContext.getDefault();
        SSLContext.setDefault(clientSslContext);
        // The service SDK takes no SSLContext: it uses HttpsURLConnection's default, as HubEmulatorExtension says.
        previousDefault = HttpsURLConnection.getDefaultSSLSocketFactory();
        HttpsURLConnection.setDefaultSSLSocketFactory(clientSslContext.getSocketFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        SSLContext.setDefault(previousSslContext);
        if (external.isEmpty()) {
            emulator.afterAll(context);
            return;
        }
        try {
            RegistryClient registry = new RegistryClient(serviceConnectionString());
            for (int i = devices.size() - 1; i >= 0; i--) { // the newest first: a leaf before its edge device
                try {
                    registry.removeDevice(devices.get(i));
                } catch (IotHubNotFoundException e) {
                    // never created, or the test deleted it
                }
            }
        } finally {
            HttpsURLConnection.setDefaultSSLSocketFactory(previousDefault);
        }
    }

    /** Skips the calling test unless the hub is this suite's own emulator, saying what it needs one for. */
    public void assumeEmulator(String why) {
        Assumptions.assumeTrue(external.isEmpty(), () -> "needs an emulator of its own: " + why);
    }

    /** This suite's own emulator, for what only it can be made to do (the test is skipped otherwise, saying why). */
    public HubEmulator emulator(String why) {
        assumeEmulator(why);
        return emulator.hub();
    }

    public String hostName() {
        return external.map(ExternalHub::hostName).orElseGet(() -> emulator.hub().hostName());
    }

    public String serviceConnectionString() {
        return external.map(ExternalHub::serviceConnectionString).orElseGet(() -> emulator.hub().serviceConnectionString());
    }

    /** A built-in policy's connection string; against an external hub, the test is skipped when it is not given. */
    public String connectionString(String policy) {
        if (external.isEmpty()) {
            return emulator.hub().connectionString(policy);
        }
        String value = external.get().policyConnectionStrings().get(policy);
        Assumptions.assumeTrue(value != null, () -> ExternalHub.variableOf(policy) + " is not set");
        return value;
    }

    /**
     * The built-in Event Hub-compatible endpoint's connection string; against an external hub, the test is skipped
     * when {@code EVENTHUB_CONNECTION_STRING} is not set.
     */
    public String eventHubConnectionString() {
        if (external.isEmpty()) {
            return emulator.hub().eventHubConnectionString();
        }
        Optional<String> value = external.get().eventHubConnectionString();
        Assumptions.assumeTrue(value.isPresent(), () -> ExternalHub.EVENTHUB_CONNECTION_STRING + " is not set");
        return value.get();
    }

    /** An SSLContext that trusts the hub: its CA, or the JVM's usual trust for a hub without one. */
    public SSLContext clientSslContext() {
        return clientSslContext;
    }

    /** {@code name} made unique to this suite's run (the same name, the same id), deleted after it on an external hub. */
    public String deviceId(String name) {
        String deviceId = name + "-" + run;
        devices.add(deviceId);
        return deviceId;
    }
}
