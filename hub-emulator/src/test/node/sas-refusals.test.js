'use strict';
// What the hub refuses: device-side opens with a wrong key, an expired token or an unknown device (over
// every transport), and a service call by a policy without the permission it needs.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { Client } = require('azure-iot-device');
const { NoRetry, SharedAccessSignature } = require('azure-iot-common');
const hub = require('./hub');

const WAIT_MS = 20000;
const wrongKey = () => crypto.randomBytes(32).toString('base64');

// Each transport of the device SDK reports the hub's refusal of an open as an UnauthorizedError:
// - AMQP: any CBS put-token status but 200 (401 for a bad or expired token, 404 for an unknown
//   device) becomes an UnauthorizedError (azure-iot-amqp-base amqp_cbs.js).
// - MQTT: CONNACK 5 becomes "Connection refused: Not authorized"; azure-iot-device-mqtt wraps a first
//   connection's failure as "Failure on first connection (Not authorized): ...", which
//   azure-iot-mqtt-base's translateError turns into an UnauthorizedError.
function notAuthorized(err) {
  assert.equal(err.name, 'UnauthorizedError', `expected a refusal, got ${err.name}: ${err.message}`);
  return true;
}

// A client that tries once: an UnauthorizedError is not retried anyway, but a refusal that came back as
// a transient error (NotConnectedError, say) would be retried by the default policy for 4 minutes.
async function refusedOpen(t, client) {
  client.setRetryPolicy(new NoRetry());
  hub.onEnd(t, () => client.close());
  const ca = hub.caPem();
  if (ca) await client.setOptions({ ca });
  await assert.rejects(hub.withTimeout(client.open(), WAIT_MS, 'open'), notAuthorized);
}

for (const { name, Transport } of hub.TRANSPORTS) {
  describe(`device-side refusals over ${name}`, () => {
    test('a wrong key: open fails as unauthorized', { timeout: 60000 }, async (t) => {
      const { deviceId } = await hub.createDevice(t, hub.registry(), 'wrongkey');
      const connectionString = hub.deviceConnectionString(hub.hostName(), deviceId, wrongKey());
      await refusedOpen(t, Client.fromConnectionString(connectionString, Transport));
    });

    test('an expired token: open fails as unauthorized', { timeout: 60000 }, async (t) => {
      const { deviceId, key } = await hub.createDevice(t, hub.registry(), 'expired');
      // Signed with the right key, as the SDK signs (sr URL-encoded, no skn), but an hour past its expiry.
      const resource = encodeURIComponent(`${hub.hostName()}/devices/${deviceId}`);
      const expiry = Math.floor(Date.now() / 1000) - 3600;
      const sas = SharedAccessSignature.create(resource, null, key, expiry).toString();
      await refusedOpen(t, Client.fromSharedAccessSignature(sas, Transport));
    });

    test('an unknown device id: open fails as unauthorized', { timeout: 60000 }, async (t) => {
      const connectionString = hub.deviceConnectionString(hub.hostName(), hub.uniqueId('nobody'), wrongKey());
      await refusedOpen(t, Client.fromConnectionString(connectionString, Transport));
    });
  });
}

describe('service-side permissions', () => {
  const readOnly = process.env.IOTHUB_REGISTRY_READ_POLICY_CONNECTION_STRING;
  test('registryRead may read the registry but not create a device (401)', {
    skip: readOnly ? false : 'IOTHUB_REGISTRY_READ_POLICY_CONNECTION_STRING is not set',
  }, async (t) => {
    const { deviceId } = await hub.createDevice(t, hub.registry(), 'perm');
    const reader = hub.registry(readOnly);
    assert.equal((await reader.get(deviceId)).responseBody.deviceId, deviceId, 'reading is allowed');

    const newId = hub.uniqueId('denied');
    hub.onEnd(t, () => hub.registry().delete(newId));
    await assert.rejects(reader.create({ deviceId: newId }), (err) => {
      assert.equal(err.response && err.response.statusCode, 401, `status of ${err}`);
      assert.equal(err.name, 'UnauthorizedError');
      return true;
    });
    await assert.rejects(hub.registry().get(newId), (err) => err.name === 'DeviceNotFoundError');
  });
});
