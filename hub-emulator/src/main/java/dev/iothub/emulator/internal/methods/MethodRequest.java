package dev.iothub.emulator.internal.methods;

/**
 * A method call as the device gets it: the hub's id for the request, which the device's answer echoes
 * (MQTT's {@code $rid}, AMQP's correlation-id), the method's name and its payload, UTF-8 JSON or empty.
 */
public record MethodRequest(long requestId, String methodName, byte[] payload) {
}
