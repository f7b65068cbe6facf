package dev.iothub.tools.common;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import java.util.Optional;

/** The service SDK's refusals (IotHubException and its subclasses, chosen by HTTP status): exit 1. */
public final class ServiceClientErrors implements SdkErrors {
    @Override
    public Optional<ToolFailure> describe(Throwable error, HubEndpoint hub) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IotHubException refusal) {
                return Optional.of(new ToolFailure(ExitCodes.HUB_REFUSED,
                        "the hub refused the request: " + kind(refusal) + " (" + refusal.getMessage() + ")", error));
            }
        }
        return Optional.empty();
    }

    /** "IotHubPreconditionFailedException" becomes "precondition failed". */
    private static String kind(IotHubException refusal) {
        String name = refusal.getClass().getSimpleName().replaceFirst("^IotHub", "").replaceFirst("Exception$", "");
        String words = name.isEmpty() ? "error" : name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        if (words.equals("unauthorized")) {
            return "unauthorized: check the key and that the policy has registry write and service connect";
        }
        return words;
    }
}
