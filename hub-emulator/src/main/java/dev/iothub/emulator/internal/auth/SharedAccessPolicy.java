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

    @Override
    public String toString() {
        return "SharedAccessPolicy[" + name + " " + permissions + "]"; // never the keys
    }
}
