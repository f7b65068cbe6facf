'use strict';
// The Node peer of create-module, as the Node tutorial's add.js does it: create the device and the module,
// or get them when they exist (409), and print the module connection string.
const { Registry } = require('azure-iothub');
const args = require('./args')();

async function createOrGet(create, get) {
  try {
    return (await create()).responseBody;
  } catch (err) {
    if (err.response && err.response.statusCode === 409) return (await get()).responseBody;
    throw err;
  }
}

(async () => {
  const registry = Registry.fromConnectionString(args.c);
  const host = /HostName=([^;]+)/.exec(args.c)[1];
  await createOrGet(() => registry.create({ deviceId: args['device-id'] }), () => registry.get(args['device-id']));
  const module = await createOrGet(() => registry.addModule({ deviceId: args['device-id'], moduleId: args['module-id'] }),
    () => registry.getModule(args['device-id'], args['module-id']));
  console.log(`Module connection string: HostName=${host};DeviceId=${args['device-id']};ModuleId=${args['module-id']};`
    + `SharedAccessKey=${module.authentication.symmetricKey.primaryKey}`);
})().catch((err) => { console.error(err.message); process.exit(1); });
