package dev.iothub.emulator.internal.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.function.Supplier;

/** The MQTT stages, the same behind TLS on 8883 and behind a WebSocket on 443: only the front differs. */
final class MqttPipeline {
    /** IoT Hub takes device-to-cloud messages of up to 256 KB; a little more leaves room for the topic. */
    private static final int MAX_PACKET_BYTES = 256 * 1024 + 8 * 1024;

    private MqttPipeline() {
    }

    /** The protocol handler runs on {@code handlerExecutor}: it waits on the store, never on an event loop. */
    static void addTo(ChannelPipeline pipeline, EventExecutorGroup handlerExecutor, Supplier<ChannelHandler> mqttHandler) {
        pipeline.addLast("mqtt-decoder", new MqttDecoder(MAX_PACKET_BYTES));
        pipeline.addLast("mqtt-encoder", MqttEncoder.INSTANCE);
        pipeline.addLast(handlerExecutor, "mqtt-handler", mqttHandler.get());
    }
}
