package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.device.DeviceRefusal;
import dev.iothub.emulator.internal.events.Telemetry;
import dev.iothub.emulator.internal.model.IdentityId;
import java.util.List;

/**
 * Device-to-cloud messages over HTTPS, the hub's "Send Device Event" ({@code POST /devices/{id}/messages/events})
 * and its modules' ({@code .../modules/{mid}/messages/events}): the caller's token is checked first, as on every
 * device-side route ({@link DeviceCaller}), then its message or batch ({@link HttpTelemetry}) goes to the device
 * side of the hub, which keeps it as it keeps what MQTT and AMQP carry; 204 once it is durable.
 */
final class DeviceEventsApi {
    private static final String DEVICE_EVENTS = "/devices/{deviceId}/messages/events";
    private static final String MODULE_EVENTS = "/devices/{deviceId}/modules/{moduleId}/messages/events";

    private final DeviceHub devices;
    private final Routes.Caller device;

    DeviceEventsApi(DeviceHub devices, Routes.Caller device) {
        this.devices = devices;
        this.device = device;
    }

    void addTo(Routes routes) {
        routes.add("POST", DEVICE_EVENTS, this::send).add("POST", MODULE_EVENTS, this::send);
    }

    private RestResponse send(RestRequest request) {
        device.check(request);
        List<Telemetry> messages = HttpTelemetry.messages(request);
        IdentityId id = DeviceCaller.identity(request);
        try {
            devices.sendTelemetry(id, request.header("Authorization"), request.path(), messages);
        } catch (DeviceRefusal refusal) { // its credentials passed a moment ago: the identity changed meanwhile
            throw DeviceCaller.refused(id, refusal);
        }
        return RestResponse.noContent();
    }
}
