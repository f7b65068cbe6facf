package dev.iothub.emulator.internal.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import java.util.function.Supplier;

/**
 * The stages of one device protocol, the same behind TLS on its own port and behind a WebSocket on 443: a
 * transport only adds stages in front. The protocol handler runs on one of the handler threads.
 */
@FunctionalInterface
interface ProtocolStages {
    /** IoT Hub takes device-to-cloud messages of up to 256 KB; a little more leaves room for the topic. */
    int MAX_MQTT_PACKET_BYTES = 256 * 1024 + 8 * 1024;

    void addTo(ChannelPipeline pipeline, HandlerThreads handlerThreads);

    /** MQTT 3.1.1: Netty's codec, then one handler per connection. */
    static ProtocolStages mqtt(Supplier<ChannelHandler> handler) {
        return (pipeline, handlerThreads) -> handlerThreads.addLast(pipeline
                .addLast("mqtt-decoder", new MqttDecoder(MAX_MQTT_PACKET_BYTES))
                .addLast("mqtt-encoder", MqttEncoder.INSTANCE), "mqtt-handler", handler.get());
    }

    /** AMQP 1.0: the bytes go to one Proton-J engine per connection, in its handler. */
    static ProtocolStages amqp(Supplier<ChannelHandler> handler) {
        return (pipeline, handlerThreads) -> handlerThreads.addLast(pipeline, "amqp-handler", handler.get());
    }
}
