'use strict';
// An Event Hubs client given the IoT hub's own connection string finds the built-in endpoint as the Event Hubs
// samples for IoT Hub do (@azure/event-hubs, samples/v5 iothubConnectionString): it connects to the IoT hub's host
// with SASL PLAIN ({policy}@sas.root.{hub} and a token for {host}/messages/events), opens a receiver of
// messages/events/$management, and reads the endpoint's host and entity from the amqp:link:redirect it gets; then
// it reads what a device sent there with EventHubConsumerClient.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { Connection, ReceiverEvents } = require('rhea-promise');
const { Mqtt } = require('azure-iot-device-mqtt');
const hub = require('./hub');
const eventHubs = require('./eventhubs');

const WAIT_MS = 30000;
const valueOf = (connectionString, name) => new RegExp(`(?:^|;)${name}=([^;]+)`).exec(connectionString)[1];

// A policy's IoT Hub token for resource (the key base64-decoded, as for every IoT Hub token).
function iotHubToken(resource, key, policy) {
  const expiry = Math.ceil(Date.now() / 1000) + 300;
  const sr = encodeURIComponent(resource);
  const signature = crypto.createHmac('sha256', Buffer.from(key, 'base64')).update(`${sr}\n${expiry}`).digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(signature)}&se=${expiry}&skn=${policy}`;
}

// The Event Hubs connection string of the hub's built-in endpoint, found through the redirect; the redirect's
// error too, for the test to look at.
async function findTheBuiltInEndpoint(iotHubConnectionString) {
  const host = valueOf(iotHubConnectionString, 'HostName');
  const policy = valueOf(iotHubConnectionString, 'SharedAccessKeyName');
  const key = valueOf(iotHubConnectionString, 'SharedAccessKey');
  const connection = new Connection({
    transport: 'tls', host, hostname: host, port: 5671, reconnect: false,
    username: `${policy}@sas.root.${host.split('.')[0]}`,
    password: iotHubToken(`${host}/messages/events`, key, policy),
  });
  await hub.withTimeout(connection.open(), WAIT_MS, 'the connection to the IoT hub');
  try {
    const redirected = new Promise((resolve, reject) => {
      connection.createReceiver({
        source: { address: `amqps://${host}/messages/events/$management` },
      }).then((receiver) => receiver.on(ReceiverEvents.receiverError,
        (context) => resolve(context.receiver && context.receiver.error)),
      // rhea-promise may also reject the attach with the link's error
      (err) => (err && err.condition ? resolve(err) : reject(err)));
    });
    const error = await hub.withTimeout(redirected, WAIT_MS, 'the redirect');
    assert.equal(error && error.condition, 'amqp:link:redirect', `the receiver's error: ${JSON.stringify(error)}`);
    const entity = /:\d+\/(.*)\/\$management/i.exec(error.info.address);
    assert.ok(entity, `the redirect's address names the entity: ${error.info.address}`);
    const endpoint = `Endpoint=sb://${error.info.hostname}/;EntityPath=${entity[1]};SharedAccessKeyName=${policy};SharedAccessKey=${key}`;
    return { endpoint, error };
  } finally {
    await connection.close().catch(() => {});
  }
}

describe('the redirect from the IoT hub to its built-in endpoint', { skip: hub.needsEventHub() }, () => {
  test('the Event Hubs sample\'s way finds the endpoint, and its consumer reads what a device sent', { timeout: 90000 }, async (t) => {
    const { endpoint, error } = await findTheBuiltInEndpoint(hub.serviceConnectionString());
    assert.equal(typeof error.info.port, 'number', 'the port is an AMQP int');
    const expected = hub.eventHubConnectionString();
    assert.equal(valueOf(endpoint, 'EntityPath'), valueOf(expected, 'EntityPath'), 'the entity of the hub\'s endpoint');
    assert.equal(valueOf(endpoint, 'Endpoint'), valueOf(expected, 'Endpoint'), 'the host of the hub\'s endpoint');

    const device = await hub.createDevice(t, hub.registry(), 'redirected');
    const consumer = eventHubs.consumerClient(endpoint);
    hub.onEnd(t, () => consumer.close());
    const subscription = eventHubs.subscribe(consumer, { enqueuedOn: new Date(Date.now() - 5000) });
    hub.onEnd(t, subscription.close);
    const client = await hub.deviceSideClient(t, device.connectionString, Mqtt);
    await hub.withTimeout(client.open(), WAIT_MS, 'device open');
    const message = new hub.Message('found through the redirect');
    message.messageId = crypto.randomUUID();
    await hub.withTimeout(client.sendEvent(message), WAIT_MS, 'sendEvent');

    const [{ event }] = await subscription.sentBy(device.deviceId, undefined, 1, WAIT_MS);
    assert.equal(event.messageId, message.messageId);
    assert.equal(Buffer.from(event.body).toString(), 'found through the redirect');
  });
});
