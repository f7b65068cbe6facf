'use strict';
// Cloud-to-device messages: the service SDK's Client (over Amqp and AmqpWs) sends, a DeviceClient receives
// over every transport and completes, and the Client's feedback receiver hears of it; over AMQP a message the
// device abandons comes again and one it rejects does not. (Node's ModuleClient takes no cloud-to-device
// messages: its MQTT transport subscribes to inputs only.)

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { EventEmitter } = require('node:events');
const { Client: ServiceClient, AmqpWs: ServiceAmqpWs } = require('azure-iothub');
const { Message } = require('azure-iot-common');
const hub = require('./hub');

const WAIT_MS = 20000;

// A service Client over AMQP (or AMQP over WebSocket), open, its feedback records collected (and 'records' emitted
// on feedback as each batch comes); closed when t ends.
async function serviceClient(t, overWebSocket) {
  const client = overWebSocket
    ? ServiceClient.fromConnectionString(hub.serviceConnectionString(), ServiceAmqpWs)
    : ServiceClient.fromConnectionString(hub.serviceConnectionString());
  await hub.withTimeout(client.open(), WAIT_MS, 'the service client open');
  hub.onEnd(t, () => client.close());
  const feedback = Object.assign(new EventEmitter(), { records: [] });
  const receiver = await hub.withTimeout(new Promise((resolve, reject) => client.getFeedbackReceiver(
    (err, feedbackReceiver) => (err ? reject(err) : resolve(feedbackReceiver)))), WAIT_MS, 'the feedback receiver');
  receiver.on('message', (batch) => {
    feedback.records.push(...JSON.parse(batch.data.toString('utf8')));
    feedback.emit('records');
    receiver.complete(batch, () => {});
  });
  return { client, feedback };
}

function message(id, body) {
  const sent = new Message(body);
  sent.messageId = id;
  sent.ack = 'full';
  sent.properties.add('color', 'blue green');
  return sent;
}

// The feedback record of messageId with statusCode, come already or when it comes.
function record(feedback, messageId, statusCode) {
  const found = () => feedback.records.some((r) => r.originalMessageId === messageId && r.statusCode === statusCode);
  return found() ? Promise.resolve()
    : hub.nextEvent(feedback, 'records', found, WAIT_MS, `${statusCode} feedback on ${messageId}`);
}

for (const { name, Transport } of hub.TRANSPORTS) {
  describe(`cloud-to-device over ${name}`, () => {
    test('the device receives a message with its properties and completes it; the service hears so', { timeout: 60000 }, async (t) => {
      const identity = await hub.createDevice(t, hub.registry(), `c2d-${name.toLowerCase()}`);
      const { client: service, feedback } = await serviceClient(t, name.endsWith('Ws'));
      const id = hub.uniqueId('msg');
      await hub.withTimeout(service.send(identity.deviceId, message(id, 'hello, device')), WAIT_MS, 'send');

      const device = await hub.deviceSideClient(t, identity.connectionString, Transport);
      const received = new Promise((resolve) => device.on('message', (msg) => {
        device.complete(msg, () => {});
        resolve(msg);
      }));
      await hub.withTimeout(device.open(), WAIT_MS, `open over ${name}`);
      const msg = await hub.withTimeout(received, WAIT_MS, 'the message');
      assert.equal(msg.data.toString('utf8'), 'hello, device');
      assert.equal(msg.messageId, id);
      assert.equal(msg.properties.getValue('color'), 'blue green');
      await record(feedback, id, 'Success');
    });
  });
}

for (const { name, Transport } of hub.TRANSPORTS.filter(({ name }) => name.startsWith('Amqp'))) {
  test(`over ${name}, an abandoned message comes again and a rejected one does not`, { timeout: 60000 }, async (t) => {
    const identity = await hub.createDevice(t, hub.registry(), `c2d-ack-${name.toLowerCase()}`);
    const { client: service, feedback } = await serviceClient(t, false);
    const device = await hub.deviceSideClient(t, identity.connectionString, Transport);
    const seen = [];
    device.on('message', (msg) => {
      seen.push(msg.messageId);
      const times = seen.filter((m) => m === msg.messageId).length;
      if (msg.messageId.endsWith('-reject')) device.reject(msg, () => {});
      else if (times === 1) device.abandon(msg, () => {});
      else device.complete(msg, () => {});
    });
    await hub.withTimeout(device.open(), WAIT_MS, `open over ${name}`);

    const abandoned = `${hub.uniqueId('msg')}-abandon`;
    await service.send(identity.deviceId, message(abandoned, 'twice'));
    await record(feedback, abandoned, 'Success');
    assert.deepEqual(seen, [abandoned, abandoned]);

    const rejected = `${hub.uniqueId('msg')}-reject`;
    await service.send(identity.deviceId, message(rejected, 'once'));
    await record(feedback, rejected, 'Rejected');
    assert.deepEqual(seen, [abandoned, abandoned, rejected]);
  });
}
