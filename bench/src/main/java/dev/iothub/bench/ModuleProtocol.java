package dev.iothub.bench;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

/**
 * A device protocol the connections benchmark holds module connections over: its port, the steps it is
 * measured at, the prefix of its figures, and the stages of one connection behind TLS.
 */
enum ModuleProtocol {
    MQTT(8883, "connections", 1, 100, 1_000, 10_000) {
        @Override
        void addStages(ChannelPipeline pipeline, String host, ModuleId module, String sasToken, ModuleEvents events) {
            pipeline.addLast(new MqttDecoder(), MqttEncoder.INSTANCE, new MqttModuleConnection(host, module, sasToken, events));
        }
    },
    // issue 8 asks for 1,000 AMQP connections; its figures get a prefix of their own beside MQTT's older ones
    AMQPS(5671, "connections_amqps", 1, 100, 1_000) {
        @Override
        void addStages(ChannelPipeline pipeline, String host, ModuleId module, String sasToken, ModuleEvents events) {
            pipeline.addLast(new ProtonClientHandler(new AmqpModuleConnection(host, module, sasToken, events)));
        }
    };

    private final int port;
    private final String figurePrefix;
    private final int[] sizes;

    ModuleProtocol(int port, String figurePrefix, int... sizes) {
        this.port = port;
        this.figurePrefix = figurePrefix;
        this.sizes = sizes;
    }

    int port() {
        return port;
    }

    String figurePrefix() {
        return figurePrefix;
    }

    /** How many modules are connected at each step, in increasing order. */
    int[] sizes() {
        return sizes.clone();
    }

    /** The stages after TLS of a connection that authenticates as {@code module} with {@code sasToken}. */
    abstract void addStages(ChannelPipeline pipeline, String host, ModuleId module, String sasToken, ModuleEvents events);
}
