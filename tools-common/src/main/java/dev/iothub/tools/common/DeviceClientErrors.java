package dev.iothub.tools.common;

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.amqps.exceptions.ProtonIOException;
import java.util.Optional;
import java.util.Set;

/** The device SDK's IotHubClientException: a status the hub sent is a refusal (1), the rest is the network (3). */
public final class DeviceClientErrors implements SdkErrors {
    private static final Set<IotHubStatusCode> REFUSALS = Set.of(IotHubStatusCode.BAD_FORMAT, IotHubStatusCode.UNAUTHORIZED,
            IotHubStatusCode.QUOTA_EXCEEDED, IotHubStatusCode.NOT_FOUND, IotHubStatusCode.PRECONDITION_FAILED,
            IotHubStatusCode.REQUEST_ENTITY_TOO_LARGE, IotHubStatusCode.THROTTLED, IotHubStatusCode.INTERNAL_SERVER_ERROR,
            IotHubStatusCode.SERVER_BUSY);

    @Override
    public Optional<ToolFailure> describe(Throwable error, HubEndpoint hub) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IotHubClientException clientError) {
                IotHubStatusCode status = clientError.getStatusCode();
                if (status == IotHubStatusCode.UNAUTHORIZED) {
                    return Optional.of(new ToolFailure(ExitCodes.HUB_REFUSED, "the hub refused the connection: unauthorized "
                            + "(check the module connection string's key, and that the device and module exist)", error));
                }
                if (REFUSALS.contains(status)) {
                    return Optional.of(new ToolFailure(ExitCodes.HUB_REFUSED,
                            "the hub refused: " + status + " (" + clientError.getMessage() + ")", error));
                }
                return Optional.of(Unreachable.network(error, hub)
                        .or(() -> protonIoError(error).map(proton -> Unreachable.fromMessage(proton, hub, error)))
                        .orElseGet(() -> new ToolFailure(ExitCodes.UNREACHABLE,
                                "could not reach the hub: " + status + " (" + rootCause(clientError) + ")", error)));
            }
        }
        return Optional.empty();
    }

    /** Over AMQP the SDK passes on Proton-J's socket error as this exception, with at most the JDK's message. */
    private static Optional<ProtonIOException> protonIoError(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProtonIOException proton) {
                return Optional.of(proton);
            }
        }
        return Optional.empty();
    }

    /** The SDK's own message says "see inner exception"; the innermost one is what the user needs. */
    private static String rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? String.valueOf(error.getMessage()) : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
