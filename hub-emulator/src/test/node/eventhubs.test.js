'use strict';
// Telemetry read back from the hub's built-in Event Hub-compatible endpoint (EVENTHUB_CONNECTION_STRING) with
// the official Event Hubs client, as the Node SDK's own e2e tests read it (eventhubs.js): what a device and a
// module send over each transport, the entity and its partitions, refusals, and events kept across a restart.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { Mqtt } = require('azure-iot-device-mqtt');
const hub = require('./hub');
const { earliestEventPosition, latestEventPosition } = require('@azure/event-hubs');
const eventHubs = require('./eventhubs');
const { needsJar, emulatorOfTest } = require('./emulator-process');

const WAIT_MS = 30000;
// Events enqueued from a little before the test: a real hub's clock may be behind ours (the SDK's e2e tests go
// back 5 s too). Only the test's own device's events are looked at.
const CLOCK_SKEW_MS = 5000;
// Where the restart test's own emulator listens.
const RESTART_ADDRESS = '127.0.0.73';

// A value of a Name=value;... connection string.
const valueOf = (connectionString, name) => new RegExp(`(?:^|;)${name}=([^;]+)`).exec(connectionString)[1];

function consumerClient(t, connectionString = hub.eventHubConnectionString(), options = {}) {
  const consumer = eventHubs.consumerClient(connectionString, options);
  hub.onEnd(t, () => consumer.close());
  return consumer;
}

// A subscription (eventhubs.js) that ends with the test t.
function subscribe(t, consumer, startPosition, partitionId) {
  const subscription = eventHubs.subscribe(consumer, startPosition, partitionId);
  hub.onEnd(t, subscription.close);
  return subscription;
}

// What a device sends: everything a message can carry (property names and values that a topic must
// percent-encode), a body that is not JSON, and an empty one.
function messagesToSend() {
  const id = () => crypto.randomUUID();
  const full = new hub.Message(JSON.stringify({ temperature: 21.5, unit: 'C' }));
  full.messageId = id();
  full.correlationId = id();
  full.contentType = 'application/json';
  full.contentEncoding = 'utf-8';
  full.properties.add('alert level', 'high & rising/100% ü?#=');
  full.properties.add('plain', 'yes');
  const text = new hub.Message('not JSON, just text');
  text.messageId = id();
  const empty = new hub.Message('');
  empty.messageId = id();
  return [full, text, empty];
}

describe('the built-in Event Hub-compatible endpoint', { skip: hub.needsEventHub() }, () => {
  for (const { name, Transport } of hub.TRANSPORTS) {
    for (const kind of ['DeviceClient', 'ModuleClient']) {
      test(`a ${kind} over ${name}: the consumer reads what it sent, in order, with its properties and the hub's`, { timeout: 90000 }, async (t) => {
        const identity = kind === 'ModuleClient' ? await hub.createModule(t) : await hub.createDevice(t, hub.registry(), `eh-${name.toLowerCase()}`);
        const { deviceId, moduleId } = identity;
        const since = new Date(Date.now() - CLOCK_SKEW_MS);
        const consumer = consumerClient(t);
        const { sentBy } = subscribe(t, consumer, { enqueuedOn: since });

        const client = await hub.deviceSideClient(t, identity.connectionString, Transport);
        await hub.withTimeout(client.open(), WAIT_MS, `${kind} open over ${name}`);
        const sent = messagesToSend();
        for (const message of sent) await hub.withTimeout(client.sendEvent(message), WAIT_MS, 'sendEvent');

        const read = await sentBy(deviceId, moduleId, sent.length, WAIT_MS);
        assert.deepEqual(read.map(({ event }) => event.messageId), sent.map((m) => m.messageId), 'every message, in the order sent');
        const [partitionId] = new Set(read.map((r) => r.partitionId));
        assert.deepEqual(read.map((r) => r.partitionId), sent.map(() => partitionId), 'all on the partition of the device');
        const numbers = read.map(({ event }) => event.sequenceNumber);
        assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'sequence numbers increase');
        assert.equal(new Set(numbers).size, numbers.length, 'sequence numbers are unique');

        const [full, text, empty] = read.map((r) => r.event);
        for (const event of [full, text, empty]) {
          assert.equal(event.systemProperties['iothub-connection-device-id'], deviceId);
          assert.equal(event.systemProperties['iothub-connection-module-id'], moduleId, 'the module id for a module, none for a device');
          assert.equal(event.systemProperties['iothub-message-source'], 'Telemetry');
          assert.ok(event.enqueuedTimeUtc >= since, `enqueued ${event.enqueuedTimeUtc.toISOString()}, after the start position`);
        }
        assert.deepEqual(full.body, { temperature: 21.5, unit: 'C' }, 'a JSON body, parsed by the client');
        assert.deepEqual(full.properties, { 'alert level': 'high & rising/100% ü?#=', plain: 'yes' });
        assert.equal(full.correlationId, sent[0].correlationId);
        assert.equal(full.contentType, 'application/json');
        assert.equal(full.systemProperties.contentEncoding, 'utf-8');
        assert.ok(Buffer.isBuffer(text.body), 'a body that is not JSON stays bytes');
        assert.equal(text.body.toString('utf8'), 'not JSON, just text');
        assert.ok(Buffer.isBuffer(empty.body), `an empty body is bytes, got ${JSON.stringify(empty.body)}`);
        assert.equal(empty.body.length, 0);

        const partition = await consumer.getPartitionProperties(partitionId);
        assert.equal(partition.isEmpty, false);
        assert.ok(partition.lastEnqueuedSequenceNumber >= empty.sequenceNumber, 'the partition has the last event read from it');
      });
    }
  }

  test('a subscription to the device\'s partition starts where each starting position says', { timeout: 120000 }, async (t) => {
    const { deviceId, connectionString } = await hub.createDevice(t, hub.registry(), 'eh-positions');
    const since = new Date(Date.now() - CLOCK_SKEW_MS);
    const consumer = consumerClient(t);
    const client = await hub.deviceSideClient(t, connectionString, Mqtt);
    await hub.withTimeout(client.open(), WAIT_MS, 'open');
    const sent = [];
    async function send() {
      const message = new hub.Message(JSON.stringify({ n: sent.length + 1 }));
      message.messageId = crypto.randomUUID();
      await hub.withTimeout(client.sendEvent(message), WAIT_MS, 'sendEvent');
      sent.push(message.messageId);
    }
    for (let i = 0; i < 3; i++) await send();
    // The device's first count events from a position, by a subscription closed after (a client allows one
    // subscription to a partition at a time).
    async function readFrom(startPosition, partitionId, count) {
      const subscription = eventHubs.subscribe(consumer, startPosition, partitionId);
      try {
        return await subscription.sentBy(deviceId, undefined, count, WAIT_MS);
      } finally {
        await subscription.close();
      }
    }
    const read = await readFrom({ enqueuedOn: since }, null, 3);
    const { partitionId } = read[0];
    const second = read[1].event;
    // Which of the device's messages comes first from a position, on its partition alone (where other devices'
    // events may come before it): 1 for the first sent.
    const firstFrom = async (startPosition) => sent.indexOf((await readFrom(startPosition, partitionId, 1))[0].event.messageId) + 1;
    assert.equal(await firstFrom(earliestEventPosition), 1, 'earliest');
    assert.equal(await firstFrom({ sequenceNumber: second.sequenceNumber }), 3, 'after a sequence number');
    assert.equal(await firstFrom({ sequenceNumber: second.sequenceNumber, isInclusive: true }), 2, 'from a sequence number, inclusive');
    assert.equal(await firstFrom({ offset: second.offset }), 3, 'after an offset');
    assert.equal(await firstFrom({ offset: second.offset, isInclusive: true }), 2, 'from an offset, inclusive');

    // Latest: only what is enqueued once the receiver is open, which the client does not report; so the
    // device sends again until the subscription reads something, and that must be none of the first three.
    const latest = subscribe(t, consumer, latestEventPosition, partitionId);
    let first;
    await hub.eventually(async () => {
      await send();
      first = await latest.sentBy(deviceId, undefined, 1, 1000).catch(() => null);
      return first;
    }, WAIT_MS, 'an event sent after a subscription from latest');
    assert.ok(sent.indexOf(first[0].event.messageId) >= 3, `latest: read message ${sent.indexOf(first[0].event.messageId) + 1}, sent before it`);
  });

  test('getEventHubProperties, getPartitionIds and getPartitionProperties describe the entity and each partition', { timeout: 60000 }, async (t) => {
    const consumer = consumerClient(t);
    const entity = valueOf(hub.eventHubConnectionString(), 'EntityPath');
    const properties = await hub.withTimeout(consumer.getEventHubProperties(), WAIT_MS, 'getEventHubProperties');
    assert.equal(properties.name, entity);
    assert.ok(properties.createdOn instanceof Date && properties.createdOn <= new Date(), `created on ${properties.createdOn}`);
    assert.ok(properties.partitionIds.length >= 2, `partitions ${properties.partitionIds}`);
    assert.deepEqual(properties.partitionIds, properties.partitionIds.map((_, i) => String(i)), 'partitions "0" to "n-1"');
    assert.deepEqual(await consumer.getPartitionIds(), properties.partitionIds);
    for (const partitionId of properties.partitionIds) {
      const partition = await consumer.getPartitionProperties(partitionId);
      assert.equal(partition.eventHubName, entity);
      assert.equal(partition.partitionId, partitionId);
      assert.equal(typeof partition.isEmpty, 'boolean');
      assert.equal(typeof partition.beginningSequenceNumber, 'number');
      assert.equal(typeof partition.lastEnqueuedSequenceNumber, 'number');
      assert.equal(typeof partition.lastEnqueuedOffset, 'string');
      assert.ok(partition.lastEnqueuedOnUtc instanceof Date);
      if (!partition.isEmpty) {
        assert.ok(partition.lastEnqueuedSequenceNumber >= partition.beginningSequenceNumber, JSON.stringify(partition));
      }
    }
  });

  // The client signs a token for the entity with the key it is given, and puts it to $cbs before each request
  // and each receiver; the hub answers 401 for a wrong key or a policy without ServiceConnect. The client
  // counts that as retryable: a partition's receiver reports each failed attempt to processError at once,
  // where a subscription to every partition would first retry its management call 3 times 30 s apart.
  async function refused(t, connectionString) {
    const consumer = consumerClient(t, connectionString, { retryOptions: { maxRetries: 0 } });
    await assert.rejects(hub.withTimeout(consumer.getEventHubProperties(), WAIT_MS, 'getEventHubProperties'), unauthorized);
    const { arrivals } = subscribe(t, consumer, latestEventPosition, '0');
    unauthorized(await hub.nextEvent(arrivals, 'error', () => true, WAIT_MS, 'the subscription reporting an error'));
  }
  function unauthorized(err) {
    assert.equal(err.code, 'UnauthorizedError', `expected a refusal, got ${err.name} ${err.code}: ${err.message}`);
    return true;
  }
  const withKey = (connectionString, keyName, key) => connectionString
    .replace(/SharedAccessKeyName=[^;]+/, `SharedAccessKeyName=${keyName}`)
    .replace(/SharedAccessKey=[^;]+/, `SharedAccessKey=${key}`);

  test('a wrong key: management and receiving are refused (UnauthorizedError)', { timeout: 60000 }, async (t) => {
    const keyName = valueOf(hub.eventHubConnectionString(), 'SharedAccessKeyName');
    await refused(t, withKey(hub.eventHubConnectionString(), keyName, crypto.randomBytes(32).toString('base64')));
  });

  const registryRead = process.env.IOTHUB_REGISTRY_READ_POLICY_CONNECTION_STRING;
  test('registryRead, a policy without ServiceConnect: management and receiving are refused (UnauthorizedError)', {
    skip: registryRead ? false : 'IOTHUB_REGISTRY_READ_POLICY_CONNECTION_STRING is not set',
    timeout: 60000,
  }, async (t) => {
    await refused(t, withKey(hub.eventHubConnectionString(), valueOf(registryRead, 'SharedAccessKeyName'), valueOf(registryRead, 'SharedAccessKey')));
  });
});

// eventhubs-read.js, in a process of its own that trusts the CA of an emulator this test started, killed when t
// ends if it still runs. until(n) resolves with the events it has printed once there are n, and fails with its
// output if it ends before.
function readerTrusting(t, { caFile, eventHubConnectionString }, deviceId, since, count) {
  const args = [path.join(__dirname, 'eventhubs-read.js'), deviceId, String(since.getTime()), String(count), String(WAIT_MS)];
  const env = { ...process.env, EVENTHUB_CONNECTION_STRING: eventHubConnectionString, NODE_EXTRA_CA_CERTS: caFile };
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  hub.onEnd(t, () => child.kill());
  const read = [];
  let ended = null;
  let stderr = '';
  const changes = new EventEmitter();
  child.stderr.setEncoding('utf8').on('data', (text) => { stderr += text; });
  readline.createInterface({ input: child.stdout }).on('line', (line) => { read.push(JSON.parse(line)); changes.emit('change'); });
  child.once('close', (code, signal) => { ended = code ?? signal; changes.emit('change'); });
  async function until(n) {
    if (read.length < n && ended === null) {
      await hub.nextEvent(changes, 'change', () => read.length >= n || ended !== null, 2 * WAIT_MS, `eventhubs-read.js reading ${n} events`);
    }
    if (read.length < n) throw new Error(`eventhubs-read.js ended (${ended}) after ${read.length} events:\n${stderr}`);
    return read.slice(0, n);
  }
  return { until };
}

test('emulator only: a consumer reads on across a restart, and events kept in the data directory are read after it', {
  skip: needsJar(),
  timeout: 6 * WAIT_MS,
}, async (t) => {
  const own = await emulatorOfTest(t, RESTART_ADDRESS);
  const { serviceConnectionString, eventHubConnectionString, caFile } = own.emulator;
  const ca = fs.readFileSync(caFile, 'utf8');

  const deviceId = hub.uniqueId('eh-restart');
  const { responseBody: device } = await hub.registry(serviceConnectionString, ca).create({ deviceId });
  const connectionString = hub.deviceConnectionString(hub.hostName(serviceConnectionString), deviceId, device.authentication.symmetricKey.primaryKey);
  const since = new Date(Date.now() - CLOCK_SKEW_MS);
  const sent = [];
  async function send(...bodies) {
    const client = await hub.deviceSideClient(t, connectionString, Mqtt, ca);
    await hub.withTimeout(client.open(), WAIT_MS, 'open');
    for (const body of bodies) {
      const message = new hub.Message(JSON.stringify(body));
      message.messageId = crypto.randomUUID();
      await hub.withTimeout(client.sendEvent(message), WAIT_MS, 'sendEvent');
      sent.push(message.messageId);
    }
    await client.close();
  }

  // The first consumer has read two events as they came, so it is connected when the emulator stops.
  const before = readerTrusting(t, own.emulator, deviceId, since, 3);
  await send({ n: 1 }, { n: 2 });
  await before.until(2);
  assert.equal(await own.restart(), 143, 'a clean SIGTERM shutdown');
  assert.equal(own.emulator.eventHubConnectionString, eventHubConnectionString, 'the same endpoint and key: kept in the data directory');
  await send({ n: 3 });

  const after = await readerTrusting(t, own.emulator, deviceId, since, 3).until(3);
  for (const [read, who] of [[await before.until(3), 'the consumer connected across the restart'], [after, 'a consumer started after it']]) {
    assert.deepEqual(read.map((e) => e.messageId), sent, `${who}: the two sent before the restart, then the one after, once each`);
    assert.deepEqual(read.map((e) => e.body), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.deepEqual(read.map((e) => e.partitionId), sent.map(() => read[0].partitionId), 'one partition');
    const first = read[0].sequenceNumber;
    assert.deepEqual(read.map((e) => e.sequenceNumber), [first, first + 1, first + 2], 'numbered on from where the partition was');
    for (const event of read) assert.equal(event.systemProperties['iothub-message-source'], 'Telemetry');
  }
});
