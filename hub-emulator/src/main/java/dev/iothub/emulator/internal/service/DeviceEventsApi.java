package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.model.Identity;

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
    private final DeviceCaller device;

    DeviceEventsApi(DeviceHub devices, DeviceCaller device) {
        this.devices = devices;
        this.device = device;
    }

    void addTo(Routes routes) {
        routes.add("POST", DEVICE_EVENTS, this::send).add("POST", MODULE_EVENTS, this::send);
    }

    private RestResponse send(RestRequest request) {
        Identity sender = device.authenticate(request); // before the body is read: the hub checks credentials first
        devices.sendTelemetry(sender, request.header("Authorization"), request.path(), HttpTelemetry.messages(request));
        return RestResponse.noContent();
    }
}
