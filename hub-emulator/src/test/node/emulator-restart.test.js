'use strict';
// Emulator only: a Node ModuleClient over MQTT keeps receiving desired patches across a dropped
// connection and across a restart of the emulator on the same data directory. The Node SDK connects with
// cleanSession=0 and, after reconnecting, does not subscribe again (azure-iot-device-mqtt's
// MqttTwinClient keeps its topic "subscribed" across connections): it relies on the hub's persistent
// session. The test starts its own emulator (HUB_EMULATOR_JAR), as it must stop and restart it.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ModuleClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Amqp } = require('azure-iot-device-amqp');
const { NoRetry } = require('azure-iot-common');
const hub = require('./hub');
const { needsJar, emulatorOfTest } = require('./emulator-process');

const ADDRESS = '127.0.0.18';
const WAIT_MS = 60000;
const DESIRED_TOPIC = '$iothub/twin/PATCH/properties/desired/#';

// The copies of azure-iot-mqtt-base and mqtt.js that azure-iot-device-mqtt itself loads.
const fromSdk = (name, parent) => require(require.resolve(name, { paths: [path.dirname(require.resolve(parent))] }));
const { MqttBase } = fromSdk('azure-iot-mqtt-base', 'azure-iot-device-mqtt');
const mqtt = fromSdk('mqtt', 'azure-iot-mqtt-base');

// The SDK's Mqtt transport, given (through its documented second constructor argument) an MqttBase whose
// mqtt.js clients report what goes over the wire: the SUBSCRIBE topics and each CONNACK.
function wireRecordingMqtt(wire) {
  const provider = {
    connect(uri, options) {
      const client = mqtt.connect(uri, options);
      client.on('packetsend', (p) => { if (p.cmd === 'subscribe') wire.push({ subscribe: p.subscriptions.map((s) => s.topic) }); });
      client.on('packetreceive', (p) => { if (p.cmd === 'connack') wire.push({ connack: p.sessionPresent }); });
      return client;
    },
  };
  return class extends Mqtt {
    constructor(authenticationProvider) { super(authenticationProvider, new MqttBase(provider)); }
  };
}

test('a ModuleClient over MQTT keeps its desired subscription across a dropped connection and an emulator restart', {
  skip: needsJar(),
  timeout: 4 * WAIT_MS,
}, async (t) => {
  const own = await emulatorOfTest(t, ADDRESS);
  const ca = fs.readFileSync(own.emulator.caFile, 'utf8');
  const connectionString = own.emulator.serviceConnectionString;
  let reg = hub.registry(connectionString, ca);

  const deviceId = hub.uniqueId('restart');
  const moduleId = 'mod';
  await reg.create({ deviceId });
  const { responseBody: module } = await reg.addModule({ deviceId, moduleId });
  const moduleConnectionString = hub.deviceConnectionString(hub.hostName(connectionString), deviceId, module.authentication.symmetricKey.primaryKey, moduleId);

  const wire = [];
  const client = await hub.deviceSideClient(t, moduleConnectionString, wireRecordingMqtt(wire), ca);
  await hub.withTimeout(client.open(), WAIT_MS, 'open');
  const twin = await hub.withTimeout(client.getTwin(), WAIT_MS, 'getTwin');
  twin.on('properties.desired', () => {});
  await hub.withTimeout(hub.desiredSubscribed(twin), WAIT_MS, 'subscribing to desired properties');

  // A service patch reaches the client, with the version the service reports.
  async function desiredArrives(step) {
    const pushed = hub.nextEvent(twin, 'properties.desired', (p) => p.step === step, WAIT_MS, `desired patch step=${step}`);
    const { responseBody } = await reg.updateModuleTwin(deviceId, moduleId, { properties: { desired: { step } } }, '*');
    const patch = await pushed;
    assert.equal(patch.$version, responseBody.properties.desired.$version);
  }
  // After a reconnect: the session was found, and nothing was subscribed again.
  function resumedWithoutSubscribing(since, when) {
    const after = wire.slice(since);
    assert.ok(after.some((w) => w.connack === true), `${when}: a CONNACK with session present, on the wire: ${JSON.stringify(after)}`);
    assert.ok(!after.some((w) => w.subscribe && w.subscribe.includes(DESIRED_TOPIC)), `${when}: no new SUBSCRIBE to desired, on the wire: ${JSON.stringify(after)}`);
  }

  await desiredArrives(1);
  assert.ok(wire.some((w) => w.subscribe && w.subscribe.includes(DESIRED_TOPIC)), 'the first connection subscribed');

  // Drop the connection the way the hub does: a newer connection of the same module ends the older.
  // The intruder tries once and is closed; the client reconnects by its own retry policy.
  let mark = wire.length;
  const reconnected = hub.nextEvent(client, 'connect', () => true, WAIT_MS, 'the client reconnecting after the drop');
  const intruder = ModuleClient.fromConnectionString(moduleConnectionString, Amqp);
  intruder.setRetryPolicy(new NoRetry());
  await intruder.setOptions({ ca });
  await intruder.open().catch(() => {}); // the client's reconnect may end the intruder first
  await intruder.close().catch(() => {});
  await reconnected;
  resumedWithoutSubscribing(mark, 'after the drop');
  await desiredArrives(2);

  // Restart the emulator on the same data directory and address; the client reconnects on its own.
  mark = wire.length;
  const restarted = hub.nextEvent(client, 'connect', () => true, WAIT_MS, 'the client reconnecting after the restart');
  assert.equal(await own.restart(), 143, 'a clean SIGTERM shutdown');
  assert.equal(own.emulator.serviceConnectionString, connectionString, 'the same hub: keys kept in the data directory');
  reg = hub.registry(connectionString, ca);
  await restarted;
  resumedWithoutSubscribing(mark, 'after the restart');
  await desiredArrives(3);
});
