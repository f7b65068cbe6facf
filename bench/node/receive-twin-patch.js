'use strict';
// The Node peer of receive-twin-patch --count 1 -o json: connect as the module over MQTT, read the twin,
// print the current desired state once the SDK listens for patches, then the first patch, and exit.
const { ModuleClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const args = require('./args')();

(async () => {
  const client = ModuleClient.fromConnectionString(args.c, Mqtt);
  await client.open();
  const twin = await client.getTwin();
  let listening = false;
  // the SDK subscribes to patches for the first listener, then hands it the whole desired state once
  twin.on('properties.desired', async (desired) => {
    if (!listening) {
      listening = true;
      console.log(JSON.stringify({ kind: 'current', $version: desired.$version }));
      return;
    }
    console.log(JSON.stringify({ kind: 'patch', $version: desired.$version }));
    await client.close();
    process.exit(0);
  });
})().catch((err) => { console.error(err.message); process.exit(1); });
