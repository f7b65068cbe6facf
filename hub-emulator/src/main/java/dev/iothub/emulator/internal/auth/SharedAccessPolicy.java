package dev.iothub.emulator.internal.auth;

import java.util.Set;

/** A hub-level shared access policy: a name, two keys, and the permissions it grants. */
public record SharedAccessPolicy(String name, String primaryKey, String secondaryKey, Set<Permission> permissions) {

    public SharedAccessPolicy {
        permissions = Set.copyOf(permissions);
    }

    public boolean grants(Permission permission) {
        return permissions.contains(permission);
    }

    /** {@code HostName=…;SharedAccessKeyName=…;SharedAccessKey=…} with the primary key. */
    public String connectionString(String hostName) {
        return "HostName=" + hostName + ";SharedAccessKeyName=" + name + ";SharedAccessKey=" + primaryKey;
    }

    @Override
    public String toString() {
        return "SharedAccessPolicy[" + name + " " + permissions + "]"; // never the keys
    }
}
