package dev.iothub.emulator.internal.methods;

/**
 * Where a session that subscribed to direct methods takes their requests: what a protocol adapter implements
 * (an MQTT connection's topic, an AMQP identity's methods link). Called from any thread; the adapter hands the
 * work to its connection's own thread.
 */
public interface MethodChannel {

    void request(MethodRequest request);
}
