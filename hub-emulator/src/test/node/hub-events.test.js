'use strict';
// The events the hub raises itself, read from its built-in Event Hub-compatible endpoint (EVENTHUB_CONNECTION_STRING)
// with the official Event Hubs client: connections made and lost and reported patches of a DeviceClient and a
// ModuleClient over each transport; a service's twin patch, identities created and a device deleted. The hub sends
// them only where a route asks: its routes must send TwinChangeEvents, DeviceLifecycleEvents and
// DeviceConnectionStateEvents to the built-in endpoint (the emulator's --route options).

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const hub = require('./hub');
const eventHubs = require('./eventhubs');

const WAIT_MS = 30000;
// A real hub reports connection states from a snapshot taken every 60 seconds, so one may come a minute late.
const CONNECTION_STATE_WAIT_MS = 90000;
// Events enqueued from a little before the test: a real hub's clock may be behind ours (as in eventhubs.test.js).
const CLOCK_SKEW_MS = 5000;
// operationTimestamp: ISO-8601 in UTC (the hub writes 7 fractional digits).
const ISO_8601_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$/;

// The hub's name, as its events carry it: a real hub's host name is {name}.azure-devices.net; the emulator, reached
// at an address, names its hub as it names its built-in endpoint's entity.
function hubName() {
  const host = hub.hostName();
  if (!/^[\d.]+$|:/.test(host)) return host.split('.')[0];
  return /(?:^|;)EntityPath=([^;]+)/.exec(hub.eventHubConnectionString())[1];
}

// A subscription from a little before now to every partition, ended with the test t. events(deviceId, source,
// enough, ms) resolves with the hub's events of that source about the device, in the order received, once enough
// of them holds.
function subscribe(t) {
  const consumer = eventHubs.consumerClient(hub.eventHubConnectionString());
  hub.onEnd(t, () => consumer.close());
  const subscription = eventHubs.subscribe(consumer, { enqueuedOn: new Date(Date.now() - CLOCK_SKEW_MS) });
  hub.onEnd(t, subscription.close);
  return {
    events: async (deviceId, source, enough, ms, what) => (await subscription.receivedUntil(
      (event) => event.systemProperties['iothub-connection-device-id'] === deviceId
        && event.systemProperties['iothub-message-source'] === source,
      (taken) => enough(taken.map((r) => r.event)), ms, `${what} of ${deviceId}`)).map((r) => r.event),
  };
}

const opTypes = (events) => events.map((event) => event.properties.opType);
const about = (moduleId) => (event) => event.properties.moduleId === moduleId;

// What every event of the hub's own carries, exactly: its application properties, the device's (and for a module's
// lifecycle and twin events, the module's) id and the message source as annotations, no authentication and no
// message id, the hub's name as the user id, a JSON body in UTF-8.
function assertHubEvent(event, { deviceId, moduleId, source, schema, opType, moduleAnnotated }) {
  const { operationTimestamp, ...properties } = event.properties;
  assert.deepEqual(properties, {
    hubName: hubName(),
    deviceId,
    ...(moduleId ? { moduleId } : {}),
    'iothub-message-schema': schema,
    opType,
  }, 'application properties');
  assert.match(operationTimestamp, ISO_8601_UTC);
  const system = event.systemProperties;
  assert.equal(system['iothub-connection-device-id'], deviceId);
  assert.equal(system['iothub-connection-module-id'], moduleAnnotated ? moduleId : undefined, 'the module annotation');
  assert.equal(system['iothub-message-source'], source);
  assert.equal(system['iothub-connection-auth-method'], undefined, 'no authentication annotation');
  assert.equal(system['iothub-connection-auth-generation-id'], undefined, 'no generation id annotation');
  assert.equal(event.messageId, undefined, 'no message id');
  assert.equal(event.contentType, 'application/json');
  assert.equal(system.contentEncoding, 'utf-8');
  assert.ok(event.correlationId, 'a correlation id');
  // user-id is binary: the client hands it over as a copy of the Buffer's indexed bytes (its convertDatesToNumbers)
  assert.equal(Buffer.from(Object.values(system.userId)).toString('utf8'), hubName(), 'the hub\'s name as the user id');
  assert.equal(typeof event.body, 'object', `a JSON body, parsed by the client: ${JSON.stringify(event.body)}`);
}

describe('the hub\'s own events on the built-in endpoint, where routes send them', { skip: hub.needsEventHub() }, () => {
  for (const { name, Transport } of hub.TRANSPORTS) {
    for (const kind of ['DeviceClient', 'ModuleClient']) {
      test(`a ${kind} over ${name}: connected, its reported patch, disconnected`, { timeout: 4 * CONNECTION_STATE_WAIT_MS }, async (t) => {
        const reg = hub.registry();
        const identity = kind === 'ModuleClient' ? await hub.createModule(t, reg) : await hub.createDevice(t, reg, `ev-${name.toLowerCase()}`);
        const { deviceId, moduleId } = identity;
        const { events } = subscribe(t);
        const client = await hub.deviceSideClient(t, identity.connectionString, Transport);
        await hub.withTimeout(client.open(), WAIT_MS, `${kind} open over ${name}`);
        // The hub reports a connection once the device has sent or received (its connection-state docs): a message.
        const message = new hub.Message('{}');
        message.messageId = crypto.randomUUID();
        await hub.withTimeout(client.sendEvent(message), WAIT_MS, 'sendEvent');
        const twin = await hub.withTimeout(client.getTwin(), WAIT_MS, 'getTwin');
        await hub.withTimeout(hub.updateReported(twin, { firmware: '1.2', cleared: null }), WAIT_MS, 'reported patch');

        // The hub's events of this source about this device or module, once enough of them holds.
        const raised = (source, enough, ms, what) => events(deviceId, source, (all) => enough(all.filter(about(moduleId))), ms, what)
          .then((all) => all.filter(about(moduleId)));
        // Awaited while still connected, so that a real hub's snapshot sees the connection.
        await raised('deviceConnectionStateEvents', (mine) => mine.length >= 1, CONNECTION_STATE_WAIT_MS, 'its connection');
        const [patch] = await raised('twinChangeEvents', (mine) => mine.length >= 1, WAIT_MS, 'its twin change');
        await hub.withTimeout(client.close(), WAIT_MS, 'close');
        const connections = await raised('deviceConnectionStateEvents', (mine) => mine.length >= 2, CONNECTION_STATE_WAIT_MS, 'its disconnection');
        assert.deepEqual(opTypes(connections), ['deviceConnected', 'deviceDisconnected']);
        const [connected, disconnected] = connections;
        assert.equal((await raised('twinChangeEvents', () => true, 0, 'twin changes')).length, 1, 'one twin change: getTwin changes nothing');

        const { responseBody: after } = moduleId ? await reg.getModuleTwin(deviceId, moduleId) : await reg.getTwin(deviceId);
        const ids = { deviceId, moduleId };
        const connectionState = { ...ids, source: 'deviceConnectionStateEvents', schema: 'deviceConnectionStateNotification', moduleAnnotated: false };
        assertHubEvent(connected, { ...connectionState, opType: 'deviceConnected' });
        assertHubEvent(disconnected, { ...connectionState, opType: 'deviceDisconnected' });
        assert.deepEqual(Object.keys(connected.body), ['sequenceNumber']);
        assert.match(connected.body.sequenceNumber, /^[0-9A-F]{64}$/);
        assert.ok(disconnected.body.sequenceNumber > connected.body.sequenceNumber,
          `sequence numbers increase as strings: ${connected.body.sequenceNumber}, ${disconnected.body.sequenceNumber}`);

        assertHubEvent(patch, { ...ids, source: 'twinChangeEvents', schema: 'twinChangeNotification', opType: 'updateTwin', moduleAnnotated: true });
        assert.deepEqual(Object.keys(patch.body).sort(), ['properties', 'version'], `only the reported patch: ${JSON.stringify(patch.body)}`);
        assert.equal(patch.body.version, after.version, 'the twin\'s version after the patch');
        const { $metadata, $version, ...reported } = patch.body.properties.reported;
        assert.deepEqual(Object.keys(patch.body.properties), ['reported']);
        assert.deepEqual(reported, { firmware: '1.2', cleared: null }, 'the patch, a removed property as null');
        assert.equal($version, after.properties.reported.$version);
        assert.match($metadata.$lastUpdated, ISO_8601_UTC);
        assert.match($metadata.firmware.$lastUpdated, ISO_8601_UTC);
        assert.ok(!('$lastUpdatedVersion' in $metadata) && !('$lastUpdatedVersion' in $metadata.firmware),
          `reported metadata has no version: ${JSON.stringify($metadata)}`);
      });
    }
  }

  test('the service patches a twin and a module twin, creates a device and a module and deletes the device', { timeout: 4 * WAIT_MS }, async (t) => {
    const reg = hub.registry();
    const { events } = subscribe(t);
    const { deviceId, moduleId } = await hub.createModule(t, reg);
    await (await reg.getTwin(deviceId)).responseBody.update({ tags: { floor: 3 }, properties: { desired: { color: 'red' } } });
    await (await reg.getModuleTwin(deviceId, moduleId)).responseBody.update({ tags: { floor: 4 }, properties: { desired: { color: 'blue' } } });
    // Twin.update keeps the answer's etag, tags and properties, not its version: the twins as they now are.
    const { responseBody: twin } = await reg.getTwin(deviceId);
    const { responseBody: moduleTwin } = await reg.getModuleTwin(deviceId, moduleId);
    await reg.delete(deviceId);

    const twinChanges = await events(deviceId, 'twinChangeEvents', (all) => all.length >= 2, WAIT_MS, 'twin changes');
    assert.equal(twinChanges.length, 2, 'one per patch');
    const [patched, modulePatched] = [undefined, moduleId].map((id) => twinChanges.find(about(id)));
    for (const [event, updated, id, tags, desired] of [[patched, twin, undefined, { floor: 3 }, { color: 'red' }],
      [modulePatched, moduleTwin, moduleId, { floor: 4 }, { color: 'blue' }]]) {
      assertHubEvent(event, { deviceId, moduleId: id, source: 'twinChangeEvents', schema: 'twinChangeNotification', opType: 'updateTwin', moduleAnnotated: true });
      assert.deepEqual(Object.keys(event.body).sort(), ['properties', 'tags', 'version'], `what the patch had: ${JSON.stringify(event.body)}`);
      assert.equal(event.body.version, updated.version, 'the twin\'s version after the patch');
      assert.deepEqual(event.body.tags, tags);
      assert.deepEqual(Object.keys(event.body.properties), ['desired'], 'no reported side');
      const { $metadata, $version, ...values } = event.body.properties.desired;
      assert.deepEqual(values, desired);
      assert.equal($version, updated.properties.desired.$version);
      assert.equal($metadata.$lastUpdatedVersion, $version);
      assert.equal($metadata.color.$lastUpdatedVersion, $version);
      assert.match($metadata.color.$lastUpdated, ISO_8601_UTC);
    }

    const isDeviceDeleted = (event) => event.properties.opType === 'deleteDeviceIdentity' && event.properties.moduleId === undefined;
    const lifecycle = await events(deviceId, 'deviceLifecycleEvents', (all) => all.some(isDeviceDeleted), WAIT_MS, 'lifecycle events');
    const ofDevice = lifecycle.filter(about(undefined));
    assert.deepEqual(opTypes(ofDevice), ['createDeviceIdentity', 'deleteDeviceIdentity']);
    const [ofModule] = lifecycle.filter(about(moduleId));
    const [created, deleted] = ofDevice;
    const lifecycleEvent = { deviceId, source: 'deviceLifecycleEvents', schema: 'deviceLifecycleNotification', moduleAnnotated: true };
    assertHubEvent(created, { ...lifecycleEvent, opType: 'createDeviceIdentity' });
    assertHubEvent(ofModule, { ...lifecycleEvent, moduleId, opType: 'createDeviceIdentity' });
    assertHubEvent(deleted, { ...lifecycleEvent, opType: 'deleteDeviceIdentity' });
    for (const [event, id] of [[created, undefined], [ofModule, moduleId], [deleted, undefined]]) {
      assert.equal(event.body.deviceId, deviceId);
      assert.equal(event.body.moduleId, id);
      assert.equal(typeof event.body.etag, 'string');
      assert.equal(typeof event.body.version, 'number');
      assert.deepEqual(Object.keys(event.body.properties).sort(), ['desired', 'reported']);
      assert.equal(event.body.status, undefined, `the twin, not the identity: ${JSON.stringify(event.body)}`);
    }
    for (const event of [created, ofModule]) {
      for (const side of ['desired', 'reported']) {
        assert.equal(event.body.properties[side].$version, 1, `${side}: a new twin's`);
        assert.ok(event.body.properties[side].$metadata.$lastUpdated, `${side}: stamped`);
      }
    }
    assert.deepEqual(deleted.body.tags, { floor: 3 }, 'the twin as it was deleted');
    assert.equal(deleted.body.properties.desired.color, 'red');
  });
});
