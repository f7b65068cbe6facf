'use strict';
// The Node peer of update-module-twin: get the module twin, patch its desired properties with its etag
// (Twin.update sends it as If-Match), and print the twin before and after.
const { Registry } = require('azure-iothub');
const args = require('./args')();

(async () => {
  const registry = Registry.fromConnectionString(args.c);
  const { responseBody: twin } = await registry.getModuleTwin(args['device-id'], args['module-id']);
  console.log('before:', JSON.stringify(twin.properties.desired));
  await twin.update({ properties: { desired: JSON.parse(args.desired) } }); // updates the twin object in place
  console.log('after:', JSON.stringify(twin.properties.desired));
})().catch((err) => { console.error(err.message); process.exit(1); });
