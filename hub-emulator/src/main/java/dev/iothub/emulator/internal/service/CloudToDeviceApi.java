package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.cloudtodevice.FeedbackRecord;
import dev.iothub.emulator.internal.cloudtodevice.Leases;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import java.util.List;
import java.util.UUID;

/**
 * The service's REST calls on cloud-to-device messages, each with ServiceConnect: {@code DELETE
 * /devices/{id}/commands} purges a device's queue, answering {@code {"deviceId": …, "totalMessagesPurged": n}} as
 * the SDKs' PurgeMessageQueueResult reads it (an unknown device is the registry's 404); the feedback queue over
 * HTTPS, as Python's service SDK reads it: {@code GET /messages/serviceBound/feedback} answers the next batch (200,
 * its lock token the ETag) or 204, {@code DELETE .../{lockToken}} completes it and {@code POST
 * .../{lockToken}/abandon} gives it back, both 204.
 */
final class CloudToDeviceApi {
    private static final String FEEDBACK = "/messages/serviceBound/feedback";

    private final IdentityRegistry registry;
    private final CloudToDeviceHub cloudToDevice;
    private final ServiceAuthenticator authenticator;
    /** Every HTTPS caller's receiver of feedback: its batches' locks run out if they are not settled. */
    private final Leases<List<FeedbackRecord>> feedback;

    CloudToDeviceApi(IdentityRegistry registry, CloudToDeviceHub cloudToDevice, ServiceAuthenticator authenticator) {
        this.registry = registry;
        this.cloudToDevice = cloudToDevice;
        this.authenticator = authenticator;
        this.feedback = cloudToDevice.receiveFeedback(() -> { });
    }

    void addTo(Routes routes) {
        routes.add("GET", FEEDBACK, request -> {
            authorize(request);
            return feedback.next().map(batch -> RestResponse.ok(Json.parse(FeedbackRecord.json(batch.item())),
                    batch.lockToken().toString())).orElseGet(RestResponse::noContent);
        });
        routes.add("DELETE", FEEDBACK + "/{lockToken}", request -> {
            authorize(request);
            feedback.complete(lockToken(request));
            return RestResponse.noContent();
        });
        routes.add("POST", FEEDBACK + "/{lockToken}/abandon", request -> {
            authorize(request);
            feedback.abandon(lockToken(request));
            return RestResponse.noContent();
        });
        routes.add("DELETE", "/devices/{deviceId}/commands", request -> {
            authorize(request);
            IdentityId device = IdentityId.device(request.parameter("deviceId"));
            registry.get(device);
            ObjectNode answer = Json.object();
            answer.put("deviceId", device.deviceId());
            answer.put("totalMessagesPurged", cloudToDevice.purge(device));
            return RestResponse.ok(answer, null);
        });
    }

    private void authorize(RestRequest request) {
        authenticator.authorize(request.header("Authorization"), request.path(), Permission.ServiceConnect);
    }

    /** The lock token in the path: a GUID, as the hub hands them out; anything else is the hub's 400. */
    static UUID lockToken(RestRequest request) {
        try {
            return UUID.fromString(request.parameter("lockToken"));
        } catch (IllegalArgumentException e) {
            throw HubException.badFormat("The lock token '" + request.parameter("lockToken") + "' is not a GUID.");
        }
    }
}
