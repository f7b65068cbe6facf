package dev.iothub.emulator.internal.auth;

import static dev.iothub.emulator.internal.auth.Permission.DeviceConnect;
import static dev.iothub.emulator.internal.auth.Permission.RegistryRead;
import static dev.iothub.emulator.internal.auth.Permission.RegistryWrite;
import static dev.iothub.emulator.internal.auth.Permission.ServiceConnect;

import dev.iothub.emulator.internal.store.HubStore;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The five policies every new hub has, with keys generated on first start and kept in the store. */
public final class SharedAccessPolicies {
    public static final String IOTHUBOWNER = "iothubowner";

    private static final Map<String, Set<Permission>> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put(IOTHUBOWNER, EnumSet.of(RegistryRead, RegistryWrite, ServiceConnect, DeviceConnect));
        DEFAULTS.put("service", EnumSet.of(ServiceConnect));
        DEFAULTS.put("device", EnumSet.of(DeviceConnect));
        DEFAULTS.put("registryRead", EnumSet.of(RegistryRead));
        DEFAULTS.put("registryReadWrite", EnumSet.of(RegistryRead, RegistryWrite));
    }

    private final Map<String, SharedAccessPolicy> policies = new LinkedHashMap<>();

    private SharedAccessPolicies() {
    }

    /** The policies' names, iothubowner first. */
    public static final List<String> NAMES = List.copyOf(DEFAULTS.keySet());

    /** The policies with the keys {@code store} keeps, made on first start: at random, or the well-known ones. */
    public static SharedAccessPolicies loadOrCreate(HubStore store, boolean wellKnownKeys) {
        SharedAccessPolicies loaded = new SharedAccessPolicies();
        DEFAULTS.forEach((name, permissions) -> {
            String primary = keyOf(store, name, "primary", wellKnownKeys);
            String secondary = keyOf(store, name, "secondary", wellKnownKeys);
            loaded.policies.put(name, new SharedAccessPolicy(name, primary, secondary, permissions));
        });
        return loaded;
    }

    private static String keyOf(HubStore store, String policy, String which, boolean wellKnown) {
        String setting = "policy." + policy + "." + which + "Key";
        return store.setting(setting).orElseGet(() -> {
            String key = wellKnown ? Keys.wellKnown(policy, which) : Keys.generate();
            store.putSetting(setting, key);
            return key;
        });
    }

    public Optional<SharedAccessPolicy> find(String name) {
        return Optional.ofNullable(policies.get(name));
    }

    /** Every policy, iothubowner first. */
    public Collection<SharedAccessPolicy> all() {
        return Collections.unmodifiableCollection(policies.values());
    }

    public SharedAccessPolicy owner() {
        return policies.get(IOTHUBOWNER);
    }
}
