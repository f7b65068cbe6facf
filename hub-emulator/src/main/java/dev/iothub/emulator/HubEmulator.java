package dev.iothub.emulator;

import dev.iothub.emulator.internal.amqp.AmqpHandler;
import dev.iothub.emulator.internal.auth.ConnectionStringFiles;
import dev.iothub.emulator.internal.auth.DeviceAuthenticator;
import dev.iothub.emulator.internal.auth.HubNames;
import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.auth.SharedAccessPolicies;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.events.BuiltInEndpoint;
import dev.iothub.emulator.internal.events.Event;
import dev.iothub.emulator.internal.events.EventHubAccess;
import dev.iothub.emulator.internal.events.Partitions;
import dev.iothub.emulator.internal.events.Telemetry;
import dev.iothub.emulator.internal.methods.DirectMethods;
import dev.iothub.emulator.internal.files.Directories;
import dev.iothub.emulator.internal.http.RestHandler;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.mqtt.MqttHandler;
import dev.iothub.emulator.internal.operations.ReceivedOperations;
import dev.iothub.emulator.internal.registry.ConnectionStates;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import dev.iothub.emulator.internal.routing.MessageRouting;
import dev.iothub.emulator.internal.routing.RouteSource;
import dev.iothub.emulator.internal.routing.Routes;
import dev.iothub.emulator.internal.service.ServiceApi;
import dev.iothub.emulator.internal.service.ServiceTokens;
import dev.iothub.emulator.internal.service.ServiceFaults;
import dev.iothub.emulator.internal.store.HubStore;
import dev.iothub.emulator.internal.store.InMemoryHubStore;
import dev.iothub.emulator.internal.store.MvStoreHubStore;
import dev.iothub.emulator.internal.tls.CertificateAuthority;
import dev.iothub.emulator.internal.transport.AddressInUse;
import dev.iothub.emulator.internal.transport.HubServer;
import dev.iothub.emulator.internal.transport.Limits;
import dev.iothub.emulator.internal.twin.TwinService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * A local Azure IoT Hub that the unmodified Azure IoT SDKs talk to: the identity registry and twins
 * over HTTPS on 443, the device twin API over MQTT on 8883, AMQP on 5671 and both over WebSocket on 443, all on one
 * loopback address, which is also the hub's host name ({@code HostName=127.0.0.1}).
 *
 * <pre>{@code
 * try (HubEmulator hub = HubEmulator.builder().address("127.0.0.2").start()) {
 *     RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
 *     ...
 * }
 * }</pre>
 * Clients must trust {@link #caCertificatePem()}, e.g. through {@link #clientSslContext()}.
 */
public final class HubEmulator implements AutoCloseable {
    /** IPv4 dotted, or IPv6 (hex, colons, maybe a dotted tail): never a name, which would need a lookup. */
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    /**
     * The entity of the built-in endpoint, its Event Hub-compatible name: the hub's name on Azure, which has none
     * here (its host name is an address).
     */
    private static final String ENTITY = "hub-emulator";
    /** Beside the policies' files, the built-in endpoint's connection strings, of the policies that may read it. */
    static final String EVENT_HUB_FILES = "eventhub";
    private final HubNames names;
    private final HubStore store;
    private final CertificateAuthority certificateAuthority;
    private final SharedAccessPolicies policies;
    private final Path temporaryDirectory;
    private final Path connectionStrings;
    private HubServer server;
    private DeviceHub devices;
    private DirectMethods methods;
    private IdentityRegistry registry;
    private CloudToDeviceHub cloudToDevice;
    private BuiltInEndpoint builtInEndpoint;
    private MessageRouting routing;
    private EventHubAccess eventHubs;
    private final ServiceFaults faults = new ServiceFaults();
    private final ReceivedOperations received = new ReceivedOperations();
    private volatile boolean closed;

    private HubEmulator(Builder builder) throws IOException {
        List<String> hostNames = new ArrayList<>(List.of(builder.address));
        builder.hostName.ifPresent(hostNames::add);
        names = new HubNames(hostNames);
        // in memory, the CA still goes to a file, in a directory any user may read (the keys' is the owner's)
        temporaryDirectory = builder.dataDirectory == null
                ? Directories.create(Files.createTempDirectory("hub-emulator-"), Directories.PUBLIC) : null;
        Path directory = builder.dataDirectory == null ? temporaryDirectory : builder.dataDirectory;
        store = builder.store != null ? builder.store
                : builder.dataDirectory == null ? new InMemoryHubStore() : MvStoreHubStore.open(directory);
        try {
            certificateAuthority = CertificateAuthority.loadOrCreate(directory.resolve("ca"));
            Clock clock = Clock.systemUTC();
            policies = SharedAccessPolicies.loadOrCreate(store, builder.wellKnownKeys);
            connectionStrings = directory.resolve("connection-strings");
            ConnectionStringFiles.write(connectionStrings, policies, names.primary());
            ConnectionStates states = new ConnectionStates(clock);
            registry = new IdentityRegistry(store, states, clock);
            TwinService twins = new TwinService(registry, clock);
            ServiceAuthenticator serviceAuthenticator = new ServiceAuthenticator(policies, names, clock);
            ServiceTokens serviceTokens = new ServiceTokens(serviceAuthenticator, names);
            cloudToDevice = new CloudToDeviceHub(store, registry, clock, received, builder.cloudToDeviceLock);
            eventHubs = new EventHubAccess(policies, names, clock, ENTITY);
            ConnectionStringFiles.write(connectionStrings.resolve(EVENT_HUB_FILES), policies.all().stream()
                    .filter(policy -> policy.grants(Permission.ServiceConnect)).toList(), eventHubs::connectionString);
            builtInEndpoint = new BuiltInEndpoint(store, clock, builder.partitionCount, builder.consumerGroups,
                    BuiltInEndpoint.DEFAULT_RETENTION, BuiltInEndpoint.DEFAULT_PARTITION_BYTES);
            routing = new MessageRouting(new Routes(builder.routes, builder.fallbackRoute), builtInEndpoint, ENTITY,
                    clock);
            routing.listenTo(twins, registry);
            devices = new DeviceHub(registry, twins, new DeviceAuthenticator(policies, names, clock), names, clock,
                    received, cloudToDevice, routing);
            methods = new DirectMethods(registry, devices, received, builder.maxMethodCalls);
            RestHandler rest = new RestHandler(ServiceApi.routes(registry, twins, serviceAuthenticator, devices,
                    methods, cloudToDevice, clock, faults, received), clock);
            List<String> dnsNames = new ArrayList<>(List.of("localhost"));
            builder.hostName.ifPresent(dnsNames::add);
            Limits limits = builder.limits;
            server = HubServer.start(builder.address,
                    certificateAuthority.serverContext(List.of(builder.address), dnsNames), rest,
                    () -> new MqttHandler(devices, methods, limits.opening()),
                    () -> new AmqpHandler(devices, methods, serviceTokens, cloudToDevice, builtInEndpoint,
                            eventHubs, limits.opening(), limits.amqpIdle()),
                    limits);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The hub's host name for connection strings: the address it listens on. */
    public String hostName() {
        return names.primary();
    }

    /** {@code HostName=…;SharedAccessKeyName=iothubowner;SharedAccessKey=…}: every right on this hub. */
    public String serviceConnectionString() {
        return connectionString(SharedAccessPolicies.IOTHUBOWNER);
    }

    /** The connection string of one of the hub's shared access policies, such as {@code registryRead}. */
    public String connectionString(String policyName) {
        return policies.find(policyName)
                .orElseThrow(() -> new NoSuchElementException("no shared access policy named " + policyName))
                .connectionString(hostName());
    }

    /**
     * A directory with one file per shared access policy, named after it ({@code iothubowner}, {@code service},
     * {@code device}, {@code registryRead}, {@code registryReadWrite}), holding its connection string; and in
     * {@code eventhub/}, one per policy with ServiceConnect, holding its connection string to the built-in endpoint.
     */
    public Path connectionStringsDirectory() {
        return connectionStrings;
    }

    /**
     * {@code HostName=…;DeviceId=…;SharedAccessKey=…} of a device, which is created first (with generated keys) if
     * the registry has none of that id: what a device client needs, in one call.
     */
    public String deviceConnectionString(String deviceId) {
        return identityConnectionString(registry.getOrCreate(IdentityId.device(deviceId)));
    }

    /** As {@link #deviceConnectionString}, for a module ({@code ;ModuleId=…}); its device is created too if missing. */
    public String moduleConnectionString(String deviceId, String moduleId) {
        return identityConnectionString(registry.getOrCreate(IdentityId.module(deviceId, moduleId)));
    }

    private String identityConnectionString(Identity identity) {
        return "HostName=" + hostName() + ";DeviceId=" + identity.id().deviceId()
                + (identity.id().isModule() ? ";ModuleId=" + identity.id().moduleId() : "")
                + ";SharedAccessKey=" + identity.authentication().primaryKey();
    }

    /**
     * Back to an empty registry between tests: every device and module is deleted, with their twins and kept
     * sessions, and their connections end; the policy keys, the CA and the data directory stay.
     */
    public void reset() {
        faults.clear();
        server.refuseConnections(false);
        registry.deleteAll();
        received.clear();
        routing.awaitRaised(); // the events of the deletions (routed or not) go with the rest
        builtInEndpoint.clear();
    }

    /**
     * What the hub was asked to do so far, in order (the last 10,000): REST calls as {@code PUT /devices/d1} (the
     * path, never the query), device operations as {@code d1/m: connect}, {@code twin GET}, {@code reported PATCH},
     * {@code desired subscribe}, {@code desired unsubscribe}, {@code method subscribe}, {@code method unsubscribe},
     * {@code method reboot} (a direct method's request sent to it), {@code method reboot response 200} (its answer),
     * {@code message to <topic or address>}, {@code disconnect}; a direct method call itself is its REST call,
     * {@code POST /twins/d1/methods}; cloud-to-device messages as {@code d1: cloud-to-device send} (a service sent
     * one), {@code ... deliver}, {@code ... complete}, {@code ... abandon}, {@code ... reject} and {@code ... purge}.
     * {@link #reset()} clears it.
     */
    public List<String> receivedOperations() {
        return received.snapshot();
    }

    /**
     * The device-to-cloud messages the hub keeps on its built-in endpoint, in the order enqueued: what devices
     * and modules sent, with what the hub added (not the events of its own that routes send there). {@link #reset()} clears them; with a data directory they survive a
     * restart. The hub keeps each partition's messages for a day, and at most 16 MiB of them.
     */
    public List<TelemetryMessage> receivedTelemetry() {
        return builtInEndpoint.events().stream().filter(Event::isTelemetry).map(HubEmulator::telemetryMessage)
                .toList();
    }

    private static TelemetryMessage telemetryMessage(Event event) {
        Telemetry sent = event.telemetry();
        Map<String, String> system = new LinkedHashMap<>(event.systemProperties());
        system.putAll(sent.annotations());
        return new TelemetryMessage(event.systemProperties().get(Event.DEVICE_ID),
                event.systemProperties().get(Event.MODULE_ID), sent.body(), sent.properties(), sent.messageId(),
                sent.correlationId(), sent.contentType(), sent.contentEncoding(), Map.copyOf(system),
                event.enqueued(), event.partition(), event.sequence());
    }

    /**
     * The connection string of the built-in Event Hub-compatible endpoint, as the portal shows it, for
     * {@code iothubowner}: {@code Endpoint=sb://{host}/;SharedAccessKeyName=iothubowner;SharedAccessKey=…;
     * EntityPath=hub-emulator}; what the Event Hubs clients read telemetry with.
     */
    public String eventHubConnectionString() {
        return eventHubs.connectionString(policies.owner());
    }

    /** Ends the connections of a device and of its modules, as the hub does now and then; the SDKs reconnect. */
    public void dropConnections(String deviceId) {
        devices.drop(IdentityId.device(deviceId));
    }

    /**
     * Answers the next {@code count} REST requests with {@code status}, in the hub's words: 429
     * ({@code ThrottlingException}), 500 ({@code ServerError}) or 503 ({@code ServiceUnavailable}).
     */
    public void failNextRequests(int count, int status) {
        faults.failNext(count, status);
    }

    /** Holds back every REST answer this long ({@link Duration#ZERO} to stop), as a slow or distant hub would. */
    public void delayAnswers(Duration delay) {
        faults.delay(Objects.requireNonNull(delay, "delay"));
    }

    /** While {@code refuse}, new connections on every port are closed as they come; open ones go on. */
    public void refuseConnections(boolean refuse) {
        server.refuseConnections(refuse);
    }

    /** The CA that signs the hub's server certificate, as a PEM file to trust. */
    public Path caCertificatePem() {
        return certificateAuthority.certificatePem();
    }

    /** The same CA as a PKCS12 trust store (password {@code changeit}), for {@code -Djavax.net.ssl.trustStore}. */
    public Path caTrustStore() {
        return certificateAuthority.trustStore();
    }

    /** A client SSLContext that trusts this hub (and nothing else). */
    public SSLContext clientSslContext() {
        return certificateAuthority.clientContext();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close();
        }
        if (methods != null) {
            methods.close();
        }
        if (devices != null) {
            devices.close();
        }
        if (cloudToDevice != null) {
            cloudToDevice.close();
        }
        if (routing != null) {
            routing.close();
        }
        store.close();
        if (temporaryDirectory != null) {
            deleteRecursively(temporaryDirectory);
        }
    }

    @Override
    public String toString() {
        return "HubEmulator[" + hostName() + (closed ? ", closed" : ", listening on 443, 8883 and 5671") + "]";
    }

    static boolean isIpAddress(String address) {
        return IP_ADDRESS.matcher(address).matches();
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where and how to start: a loopback address, and a data directory or nothing (in memory). */
    public static final class Builder {
        private String address = "127.0.0.1";
        private Path dataDirectory;
        private Optional<String> hostName = Optional.empty();
        private Limits limits = Limits.defaults();
        private HubStore store;
        private boolean wellKnownKeys;
        /**
         * Direct method calls not answered yet, beyond which a call is throttled: each holds an HTTPS request and a
         * timer for up to 600 s, and a test suite or a bench waits on far fewer at once.
         */
        private int maxMethodCalls = 1_000;
        private Duration cloudToDeviceLock = CloudToDeviceHub.LOCK_DURATION;
        private Integer partitionCount;
        private final Set<String> consumerGroups = new LinkedHashSet<>();
        private final Set<RouteSource> routes = new LinkedHashSet<>();
        private boolean fallbackRoute = true;

        private Builder() {
        }

        /**
         * Connections beyond this many are closed as they come, with a log line every 10 s at most. The default
         * is 10,000, or fewer when the process may open fewer descriptors ({@code ulimit -n}).
         */
        public Builder maxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, not " + max);
            }
            this.limits = limits.withMaxConnections(max);
            return this;
        }

        /**
         * Gives the shared access policies keys everyone knows, the same on every start (README lists them), as
         * Azurite's well-known account key: one development connection string scripts can hard-code. In memory
         * only: a data directory keeps the keys it made.
         */
        public Builder wellKnownKeys() {
            this.wellKnownKeys = true;
            return this;
        }

        /**
         * The partitions of the built-in endpoint (2 to 128; 4 if not set), which device telemetry is spread over by
         * device id. As on Azure, the count is fixed when the hub is created: a data directory keeps it, and refuses
         * another.
         */
        public Builder partitionCount(int count) {
            if (count < Partitions.MIN_COUNT || count > Partitions.MAX_COUNT) {
                throw new IllegalArgumentException("partitionCount must be from " + Partitions.MIN_COUNT + " to "
                        + Partitions.MAX_COUNT + ", not " + count);
            }
            this.partitionCount = count;
            return this;
        }

        /**
         * Consumer groups of the built-in endpoint besides {@code $Default}, as {@code az iot hub consumer-group
         * create} makes them on Azure: letters, digits, '.', '-' and '_', up to 50 (any case).
         */
        public Builder consumerGroups(String... names) {
            for (String name : names) {
                if (name == null || !BuiltInEndpoint.CONSUMER_GROUP_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("a consumer group's name has 1 to 50 letters, digits, '.', '-'"
                            + " or '_', not '" + name + "'");
                }
                consumerGroups.add(name);
            }
            return this;
        }

        /**
         * Routes to the built-in endpoint, by the sources Azure names them with: {@code DeviceMessages},
         * {@code TwinChangeEvents}, {@code DeviceLifecycleEvents}, {@code DeviceConnectionStateEvents} (any case). As
         * on a new hub, there are none unless given: the built-in endpoint gets device messages through the fallback
         * route, and no events of the hub's own.
         */
        public Builder routes(String... sources) {
            for (String source : sources) {
                routes.add(RouteSource.named(source).orElseThrow(() -> new IllegalArgumentException("a route's source "
                        + "is one of " + RouteSource.names() + ", not '" + source + "'")));
            }
            return this;
        }

        /**
         * Whether the fallback route is on (as on a new hub: yes), sending device messages no route takes to the
         * built-in endpoint; off, device messages reach it only by a {@code DeviceMessages} route.
         */
        public Builder fallbackRoute(boolean enabled) {
            this.fallbackRoute = enabled;
            return this;
        }

        /** All the limits at once, for tests that cannot wait for the real ones. */
        Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The bound on direct method calls not answered yet, for tests that cannot start 1,000 of them. */
        Builder maxMethodCalls(int max) {
            this.maxMethodCalls = max;
            return this;
        }

        /**
         * How long a receiver holds a cloud-to-device message or a feedback batch before it is delivered again (the
         * hub's minute), for tests that cannot wait for it.
         */
        Builder cloudToDeviceLock(Duration lock) {
            this.cloudToDeviceLock = Objects.requireNonNull(lock, "lock");
            return this;
        }

        /** The store instead of the one in memory, for tests of what the emulator does when its store fails. */
        Builder store(HubStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The address to listen on and to be called by; each test suite takes its own 127.0.0.x. */
        public Builder address(String loopbackAddress) {
            if (!isIpAddress(Objects.requireNonNull(loopbackAddress, "address"))) {
                throw new IllegalArgumentException("the address must be an IP address such as 127.0.0.2, not '"
                        + loopbackAddress + "' (hostName(...) adds a host name)");
            }
            this.address = loopbackAddress;
            return this;
        }

        /** Keep identities, keys, twins and the CA in this directory, across restarts. Without it, all is in memory. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** A further DNS name for the server certificate and for {@code HostName=}. */
        public Builder hostName(String name) {
            this.hostName = Optional.of(name);
            return this;
        }

        public HubEmulator start() throws IOException {
            if (wellKnownKeys && dataDirectory != null) {
                throw new IllegalStateException("wellKnownKeys() is for emulators in memory: a data directory keeps "
                        + "the keys it made");
            }
            try {
                return new HubEmulator(this);
            } catch (AddressInUse e) {
                throw e.advising("HubEmulator.builder().address(\"127.0.0.N\")");
            }
        }
    }
}
