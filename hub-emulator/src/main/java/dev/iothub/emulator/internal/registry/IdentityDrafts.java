package dev.iothub.emulator.internal.registry;

import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.model.Identity;

/**
 * What the registry refuses in an identity a client writes, by the hub's property table: ids that break its
 * rule, a status reason over 128 characters, and more than one parent scope (a child has one parent).
 */
final class IdentityDrafts {
    static final int MAX_STATUS_REASON = 128;

    private IdentityDrafts() {
    }

    static void check(Identity draft) {
        IdentityIds.check(draft.id());
        if (draft.statusReason() != null && draft.statusReason().codePointCount(0, draft.statusReason().length())
                > MAX_STATUS_REASON) {
            throw HubException.badFormat("The statusReason is longer than " + MAX_STATUS_REASON + " characters.");
        }
        if (draft.parentScopes().size() > 1) {
            throw HubException.badFormat("A device has one parent: parentScopes names " + draft.parentScopes().size()
                    + " scopes.");
        }
    }
}
