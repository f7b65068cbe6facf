package dev.iothub.tools.common;

import java.util.Optional;

/**
 * Puts one SDK's exceptions into words and an exit code, naming {@code hub} (where the tool connects) where that
 * helps; {@link Failures} asks it before its generic rules.
 */
@FunctionalInterface
public interface SdkErrors {
    Optional<ToolFailure> describe(Throwable error, HubEndpoint hub);
}
