'use strict';
// The device side of twins and telemetry, for a DeviceClient and a ModuleClient, over every transport of
// the device SDK: the same test body for each (transport, client kind) pair.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const hub = require('./hub');

const WAIT_MS = 15000;

function plain(properties) {
  const { $metadata, $version, update, ...rest } = properties;
  return rest;
}

for (const { name, Transport } of hub.TRANSPORTS) {
  describe(`device side over ${name}`, () => {
    for (const kind of ['DeviceClient', 'ModuleClient']) {
      test(`${kind}: open, getTwin, a desired patch with its $version, reported properties, sendEvent`, { timeout: 60000 }, async (t) => {
        const reg = hub.registry();
        const identity = kind === 'ModuleClient' ? await hub.createModule(t, reg) : await hub.createDevice(t, reg, name.toLowerCase());
        const { deviceId, moduleId } = identity;
        const patchTwin = (patch) => (moduleId
          ? reg.updateModuleTwin(deviceId, moduleId, patch, '*')
          : reg.updateTwin(deviceId, patch, '*'));
        const serviceTwin = async () => (moduleId ? reg.getModuleTwin(deviceId, moduleId) : reg.getTwin(deviceId)).then((r) => r.responseBody);

        // Set before the device connects: getTwin must return it.
        const { responseBody: before } = await patchTwin({ properties: { desired: { mode: 'eco' } } });

        const client = await hub.deviceSideClient(t, identity.connectionString, Transport);
        await hub.withTimeout(client.open(), WAIT_MS, `${kind} open over ${name}`);
        const twin = await hub.withTimeout(client.getTwin(), WAIT_MS, 'getTwin');
        assert.deepEqual(plain(twin.properties.desired), { mode: 'eco' });
        assert.equal(twin.properties.desired.$version, before.properties.desired.$version);

        // The listener makes the SDK subscribe; desiredSubscribed waits until the hub has acknowledged it.
        twin.on('properties.desired', () => {});
        await hub.withTimeout(hub.desiredSubscribed(twin), WAIT_MS, 'subscribing to desired properties');
        const pushed = hub.nextEvent(twin, 'properties.desired', (p) => p.speed === 7, WAIT_MS, 'the desired patch');
        const { responseBody: after } = await patchTwin({ properties: { desired: { speed: 7 } } });
        const patch = await pushed;
        assert.equal(patch.$version, after.properties.desired.$version, 'the pushed patch carries the new desired $version');
        assert.deepEqual(plain(patch), { speed: 7 }, 'only the change is pushed');
        assert.deepEqual(plain(twin.properties.desired), { mode: 'eco', speed: 7 }, 'the SDK merged it');

        await hub.withTimeout(hub.updateReported(twin, { temperature: 21.5, firmware: { version: '1.2', channel: 'beta' } }), WAIT_MS, 'reported patch');
        let reported = (await serviceTwin()).properties.reported;
        assert.equal(reported.temperature, 21.5);
        assert.deepEqual(reported.firmware, { version: '1.2', channel: 'beta' });
        const reportedVersion = reported.$version;
        // A null in a reported patch deletes that property.
        await hub.withTimeout(hub.updateReported(twin, { firmware: { channel: null } }), WAIT_MS, 'reported patch with a null');
        reported = (await serviceTwin()).properties.reported;
        assert.deepEqual(reported.firmware, { version: '1.2' });
        assert.equal(reported.$version, reportedVersion + 1);

        // Telemetry is accepted (eventhubs.test.js reads it back).
        const sent = await hub.withTimeout(client.sendEvent(new hub.Message(JSON.stringify({ temperature: 21.5 }))), WAIT_MS, 'sendEvent');
        assert.equal(sent.constructor.name, 'MessageEnqueued');
      });
    }
  });
}
