package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceMessage;
import dev.iothub.emulator.internal.cloudtodevice.Lease;
import dev.iothub.emulator.internal.cloudtodevice.Leases;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A device's cloud-to-device messages over HTTPS, as the Java and Node device SDKs poll for them, with the device's
 * own token ({@link DeviceCaller}): {@code GET /devices/{id}/messages/deviceBound} answers the next message (200,
 * its body as sent, its lock token the ETag, its system properties as {@code iothub-*} headers and its application
 * properties as {@code iothub-app-*}) or 204; {@code DELETE .../{lockToken}} completes it, or rejects it with
 * {@code ?reject} (Node) or {@code ?reject=true} (Java, see {@link #isReject}); {@code POST .../{lockToken}/abandon} abandons it; each 204.
 */
final class DeviceBoundApi {
    private static final String MESSAGES = "/devices/{deviceId}/messages/deviceBound";

    private final CloudToDeviceHub cloudToDevice;
    private final Routes.Caller device;
    /** Each polling device's receiver: a message it does not settle goes back when its lock runs out. */
    private final Map<IdentityId, Leases<CloudToDeviceMessage>> receivers = new ConcurrentHashMap<>();

    DeviceBoundApi(CloudToDeviceHub cloudToDevice, IdentityRegistry registry, Routes.Caller device) {
        this.cloudToDevice = cloudToDevice;
        this.device = device;
        registry.addDeletionListener(gone -> receivers.entrySet().removeIf(entry -> {
            if (IdentityId.isWithin(entry.getKey(), gone)) {
                entry.getValue().close();
                return true;
            }
            return false;
        }));
    }

    void addTo(Routes routes) {
        routes.add("GET", MESSAGES, request -> {
            device.check(request);
            return receiver(request).next().map(DeviceBoundApi::written).orElseGet(RestResponse::noContent);
        });
        routes.add("DELETE", MESSAGES + "/{lockToken}", request -> {
            device.check(request);
            if (isReject(request)) {
                receiver(request).reject(CloudToDeviceApi.lockToken(request));
            } else {
                receiver(request).complete(CloudToDeviceApi.lockToken(request));
            }
            return RestResponse.noContent();
        });
        routes.add("POST", MESSAGES + "/{lockToken}/abandon", request -> {
            device.check(request);
            receiver(request).abandon(CloudToDeviceApi.lockToken(request));
            return RestResponse.noContent();
        });
    }

    /**
     * Whether a DELETE rejects: Node sends {@code ?reject}, Java {@code ?reject=true} with its query's name
     * percent-encoded from {@code "?reject"} ({@code &%3Freject=true}), so both names count.
     */
    private static boolean isReject(RestRequest request) {
        for (String name : new String[] {"reject", "?reject"}) {
            String value = request.query().apply(name);
            if (value != null && !"false".equalsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }

    private Leases<CloudToDeviceMessage> receiver(RestRequest request) {
        return receivers.computeIfAbsent(IdentityId.device(request.parameter("deviceId")),
                id -> cloudToDevice.receive(id, () -> { }));
    }

    private static RestResponse written(Lease<CloudToDeviceMessage> lease) {
        CloudToDeviceMessage message = lease.item();
        Map<String, String> headers = new LinkedHashMap<>();
        put(headers, "iothub-messageid", message.messageId());
        put(headers, "iothub-correlationid", message.correlationId());
        put(headers, "iothub-userid", message.userId());
        put(headers, "iothub-to", message.to());
        put(headers, "iothub-expiry", Json.timestamp(message.expiry()));
        put(headers, "iothub-contenttype", message.contentType());
        put(headers, "iothub-contentencoding", message.contentEncoding());
        put(headers, "iothub-enqueuedtime", Json.timestamp(message.enqueued()));
        put(headers, "iothub-deliverycount", Integer.toString(message.deliveryCount()));
        put(headers, "iothub-sequencenumber", Long.toString(message.sequence()));
        message.properties().forEach((name, value) -> put(headers, "iothub-app-" + name, value));
        return RestResponse.ok(message.body(), lease.lockToken().toString(), headers);
    }

    private static void put(Map<String, String> headers, String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
    }
}
