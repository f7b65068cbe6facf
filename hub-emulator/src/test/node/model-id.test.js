'use strict';
// The IoT Plug and Play model id a device or module announces with setOptions({ modelId }) is its twin's
// modelId, as the service reads it. The Node SDK announces it over MQTT only (in the CONNECT user name, not
// percent-encoded); its AMQP transport sends none.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const hub = require('./hub');

const WAIT_MS = 15000;
const THERMOSTAT = 'dtmi:com:example:Thermostat;1';

for (const { name, Transport } of hub.TRANSPORTS.filter((transport) => transport.name.startsWith('Mqtt'))) {
  describe(`model id over ${name}`, () => {
    for (const kind of ['DeviceClient', 'ModuleClient']) {
      test(`${kind}: the twin shows the model announced at open`, { timeout: 60000 }, async (t) => {
        const reg = hub.registry();
        const identity = kind === 'ModuleClient' ? await hub.createModule(t, reg) : await hub.createDevice(t, reg, 'model');
        const { deviceId, moduleId } = identity;
        const modelId = async () => (moduleId ? reg.getModuleTwin(deviceId, moduleId) : reg.getTwin(deviceId))
          .then((r) => r.responseBody.modelId);
        assert.equal(await modelId(), '', 'no model before the identity connects with one');

        const client = await hub.deviceSideClient(t, identity.connectionString, Transport, hub.caPem(), { modelId: THERMOSTAT });
        await hub.withTimeout(client.open(), WAIT_MS, `${kind} open over ${name}`);

        // The hub may take a moment to show it (the Java SDK's TwinClientPnPTests poll for it).
        await hub.eventually(async () => await modelId() === THERMOSTAT, WAIT_MS, `the twin's modelId ${THERMOSTAT}`);
      });
    }
  });
}
