'use strict';
// Direct methods, after the SDK's own e2e tests (device_method.js, module_methods.js): the service's
// Client.invokeDeviceMethod calls a method that a DeviceClient registered with onDeviceMethod (a ModuleClient with onMethod),
// over every transport, and gets the device's status and payload back; each payload form the e2e tests send
// round-trips as the JSON it is. The device subscribes in the background, so the calls give it a connect
// timeout to do so, as the hub lets them.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { Client } = require('azure-iothub');
const hub = require('./hub');

const WAIT_MS = 30000;
const PAYLOADS = [null, '', 'foo', { k1: 'v1' }, {}];

for (const { name, Transport } of hub.TRANSPORTS) {
  describe(`direct methods over ${name}`, () => {
    for (const kind of ['DeviceClient', 'ModuleClient']) {
      test(`${kind}: ${kind === 'ModuleClient' ? 'onMethod' : 'onDeviceMethod'} answers invokeDeviceMethod, each payload as sent`, { timeout: 120000 }, async (t) => {
        const reg = hub.registry();
        const identity = kind === 'ModuleClient' ? await hub.createModule(t, reg) : await hub.createDevice(t, reg, 'method');
        const { deviceId, moduleId } = identity;
        const client = await hub.deviceSideClient(t, identity.connectionString, Transport);
        await hub.withTimeout(client.open(), WAIT_MS, `${kind} open over ${name}`);
        const seen = [];
        // a ModuleClient names it onMethod
        const onMethod = (moduleId ? client.onMethod : client.onDeviceMethod).bind(client);
        onMethod('echo', (request, response) => {
          seen.push(request.payload);
          response.send(200 + seen.length, request.payload, () => {});
        });

        const service = Client.fromConnectionString(hub.serviceConnectionString());
        for (const payload of PAYLOADS) {
          const params = { methodName: 'echo', payload, responseTimeoutInSeconds: 30, connectTimeoutInSeconds: 30 };
          const { result } = await hub.withTimeout(moduleId
            ? service.invokeDeviceMethod(deviceId, moduleId, params)
            : service.invokeDeviceMethod(deviceId, params), WAIT_MS, `invokeDeviceMethod with ${JSON.stringify(payload)}`);
          assert.equal(result.status, 200 + seen.length);
          assert.deepEqual(seen[seen.length - 1], payload, 'the device gets the payload as the service sent it');
          assert.deepEqual(result.payload, payload, 'and the service gets back what the device answered');
        }
      });
    }
  });
}

test('a device that is not connected is offline: 404103 at once with no connect timeout', { timeout: 60000 }, async (t) => {
  const { deviceId } = await hub.createDevice(t, hub.registry(), 'offline');
  const service = Client.fromConnectionString(hub.serviceConnectionString());
  await assert.rejects(service.invokeDeviceMethod(deviceId, { methodName: 'reboot', responseTimeoutInSeconds: 5 }),
    (err) => err.response.statusCode === 404 && /404103/.test(err.responseBody));
});
