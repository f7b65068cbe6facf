'use strict';
// What every *.test.js shares: the hub under test (from the environment the driver sets), unique
// identities that clean up after themselves, device-side clients that trust the hub's CA, and waits
// that end with a clear error instead of hanging.

const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const { Registry } = require('azure-iothub');
const { Client, ModuleClient, Message } = require('azure-iot-device');
const { Mqtt, MqttWs } = require('azure-iot-device-mqtt');
const { Amqp, AmqpWs } = require('azure-iot-device-amqp');
const { ConnectionString } = require('azure-iot-common');

// Every device-side test runs once per transport of the device SDK.
const TRANSPORTS = [
  { name: 'Mqtt', Transport: Mqtt },
  { name: 'MqttWs', Transport: MqttWs },
  { name: 'Amqp', Transport: Amqp },
  { name: 'AmqpWs', Transport: AmqpWs },
];

function serviceConnectionString() {
  const value = process.env.IOTHUB_CONNECTION_STRING;
  if (!value) throw new Error('IOTHUB_CONNECTION_STRING is not set: the suite needs the hub\'s iothubowner connection string');
  return value;
}

// The built-in Event Hub-compatible endpoint's connection string, as the SDKs' own e2e tests take it; null when
// it is not given (a real hub's comes from `az iot hub connection-string show --default-eventhub`).
function eventHubConnectionString() {
  return process.env.EVENTHUB_CONNECTION_STRING || null;
}

// The skip option of a test that reads telemetry back: false, or why it cannot run.
function needsEventHub() {
  return eventHubConnectionString() ? false : 'EVENTHUB_CONNECTION_STRING is not set: the built-in Event Hub-compatible endpoint\'s connection string';
}

function hostName(connectionString = serviceConnectionString()) {
  return ConnectionString.parse(connectionString).HostName;
}

// ca: the PEM of a CA to trust beyond Node's (for an emulator the test started itself, which
// NODE_EXTRA_CA_CERTS, read once at start, cannot cover). Registry has no public option for it: its
// constructor gives its REST client a keep-alive agent and nothing else, and that client's Http passes
// options.ca to every request, so the same setOptions call is made again with ca added.
function registry(connectionString = serviceConnectionString(), ca = null) {
  const reg = Registry.fromConnectionString(connectionString);
  if (ca) reg._restApiClient.setOptions({ ca, http: { agent: new https.Agent({ keepAlive: true }) } });
  return reg;
}

// Runs fn when the test t ends, in the reverse order of registration (node:test runs t.after hooks in
// the order they were added): a client closes before its identity is deleted, an identity is deleted
// before the hub it lives on stops.
const endings = new WeakMap();
function onEnd(t, fn) {
  let stack = endings.get(t);
  if (!stack) {
    stack = [];
    endings.set(t, stack);
    t.after(async () => {
      while (stack.length) await Promise.resolve().then(stack.pop()).catch(() => {});
    });
  }
  stack.push(fn);
}

// The CA PEM the device clients are given. NODE_EXTRA_CA_CERTS already makes Node trust it, but
// setOptions({ ca }) is what an application pointed at a private CA does, and every transport honours
// it (azure-iot-mqtt-base passes it to mqtt.js, which hands it to ws for MQTT-WS; azure-iot-device-amqp
// puts it in the sslOptions rhea uses for TLS and ws alike). Null against a public hub.
function caPem() {
  const file = process.env.IOTHUB_CA_CERT;
  return file ? fs.readFileSync(file, 'utf8') : null;
}

// Ids unique to this run, so that runs against a shared real hub do not collide.
function uniqueId(prefix) {
  return `node-${prefix}-${crypto.randomBytes(5).toString('hex')}`;
}

function deviceConnectionString(host, deviceId, key, moduleId) {
  return `HostName=${host};DeviceId=${deviceId};${moduleId ? `ModuleId=${moduleId};` : ''}SharedAccessKey=${key}`;
}

// A new SAS device, deleted when the test t ends. Returns its connection string too.
async function createDevice(t, reg = registry(), prefix = 'dev') {
  const deviceId = uniqueId(prefix);
  const { responseBody: device } = await reg.create({ deviceId });
  onEnd(t, () => reg.delete(deviceId));
  const key = device.authentication.symmetricKey.primaryKey;
  return { deviceId, key, device, connectionString: deviceConnectionString(hostName(), deviceId, key) };
}

// A new device with one SAS module; deleting the device at the end of t deletes the module too.
async function createModule(t, reg = registry(), host = hostName()) {
  const deviceId = uniqueId('mdev');
  const moduleId = 'mod';
  await reg.create({ deviceId });
  onEnd(t, () => reg.delete(deviceId));
  const { responseBody: module } = await reg.addModule({ deviceId, moduleId });
  const key = module.authentication.symmetricKey.primaryKey;
  return { deviceId, moduleId, key, module, connectionString: deviceConnectionString(host, deviceId, key, moduleId) };
}

// A DeviceClient or ModuleClient (chosen by the connection string) trusting the given CA, with the other
// options given (a modelId, say), closed when t ends. Not opened yet.
async function deviceSideClient(t, connectionString, Transport, ca = caPem(), options = {}) {
  const isModule = /;ModuleId=/.test(connectionString);
  const client = (isModule ? ModuleClient : Client).fromConnectionString(connectionString, Transport);
  const all = ca ? { ...options, ca } : options;
  if (Object.keys(all).length > 0) await client.setOptions(all);
  onEnd(t, () => client.close());
  return client;
}

// Rejects with a message naming what was awaited, instead of letting the test hang to its timeout.
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// The first emission of event whose first argument satisfies accept; listens from the moment of the call.
function nextEvent(emitter, event, accept, ms, what) {
  let listener;
  const seen = new Promise((resolve) => {
    listener = (value) => { if (accept(value)) resolve(value); };
    emitter.on(event, listener);
  });
  return withTimeout(seen, ms, what || `event ${event}`).finally(() => emitter.removeListener(event, listener));
}

// Resolves once check() (async or not) holds, asking again every 100 ms: for what the SDKs report no event of,
// such as a twin property a real hub may show a moment late; rejects naming what was awaited after ms.
async function eventually(check, ms, what) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The device twin's 'properties.desired' listener subscribes in the background and reports nothing;
// asking again through the public enableTwinDesiredPropertiesUpdates returns once the hub has
// acknowledged it (MQTT: after the SUBACK; AMQP: the answer to the PUT on the twin link), so a patch made
// after this is pushed.
function desiredSubscribed(twin) {
  return new Promise((resolve, reject) => twin.enableTwinDesiredPropertiesUpdates((err) => (err ? reject(err) : resolve())));
}

// twin.properties.reported.update takes only a callback.
function updateReported(twin, patch) {
  return new Promise((resolve, reject) => twin.properties.reported.update(patch, (err) => (err ? reject(err) : resolve())));
}

module.exports = {
  TRANSPORTS,
  Message,
  serviceConnectionString,
  eventHubConnectionString,
  needsEventHub,
  hostName,
  registry,
  onEnd,
  caPem,
  uniqueId,
  deviceConnectionString,
  createDevice,
  createModule,
  deviceSideClient,
  withTimeout,
  nextEvent,
  eventually,
  desiredSubscribed,
  updateReported,
};
