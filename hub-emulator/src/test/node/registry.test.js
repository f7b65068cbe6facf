'use strict';
// The identity registry through azure-iothub's Registry: devices and modules one by one, the list, and
// the bulk operations, with the etag rules the SDK relies on (it always sends If-Match quoted).

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const hub = require('./hub');

// An expected service error: the HTTP status, and the error class azure-iothub derives from it (for a 404
// that class depends on the hub's error body: "ErrorCode:DeviceNotFound;...").
function httpError(status, name) {
  return (err) => {
    assert.equal(err.response && err.response.statusCode, status, `status of ${err}`);
    if (name) assert.equal(err.name, name);
    return true;
  };
}

// removeModule(module) has no working promise form in azure-iothub 1.16.6: without a callback it passes
// undefined as its callback and throws "Argument 'done' cannot be falsy". Its callback form works.
function removeModuleObject(reg, module) {
  return new Promise((resolve, reject) => reg.removeModule(module, (err, result) => (err ? reject(err) : resolve(result))));
}

const newKey = () => crypto.randomBytes(32).toString('base64');

describe('registry: devices', () => {
  test('create, get, update and delete a device by object and by id', async (t) => {
    const reg = hub.registry();
    const deviceId = hub.uniqueId('crud');
    const { responseBody: created } = await reg.create({ deviceId, status: 'enabled' });
    hub.onEnd(t, () => reg.delete(deviceId));
    assert.equal(created.deviceId, deviceId);
    assert.ok(created.etag, 'a created device has an etag');
    assert.ok(created.generationId, 'and a generation id');
    // The SDK sent empty keys (it fills authentication in); the hub generates them.
    assert.ok(created.authentication.symmetricKey.primaryKey);
    assert.ok(created.authentication.symmetricKey.secondaryKey);

    await assert.rejects(reg.create({ deviceId }), httpError(409, 'DeviceAlreadyExistsError'));

    const { responseBody: got } = await reg.get(deviceId);
    assert.equal(got.etag, created.etag);
    assert.equal(got.generationId, created.generationId);
    assert.equal(got.authentication.symmetricKey.primaryKey, created.authentication.symmetricKey.primaryKey);

    // Registry.update always sends If-Match "*" (a forced update): a stale etag in the body is no obstacle.
    const { responseBody: updated } = await reg.update({ ...got, etag: 'c3RhbGU=', status: 'disabled', statusReason: 'node suite' });
    assert.equal(updated.status, 'disabled');
    assert.notEqual(updated.etag, got.etag, 'an update changes the etag');
    assert.equal(updated.generationId, created.generationId);
    assert.equal((await reg.get(deviceId)).responseBody.status, 'disabled');

    // Registry.delete(id) sends If-Match: "*".
    await reg.delete(deviceId);
    await assert.rejects(reg.get(deviceId), httpError(404, 'DeviceNotFoundError'));
    await assert.rejects(reg.delete(deviceId), httpError(404, 'DeviceNotFoundError'));
    await assert.rejects(reg.update({ deviceId, status: 'enabled' }), httpError(404, 'DeviceNotFoundError'));
  });

  test('a device created with its own keys keeps them', async (t) => {
    const reg = hub.registry();
    const deviceId = hub.uniqueId('keys');
    const symmetricKey = { primaryKey: newKey(), secondaryKey: newKey() };
    const { responseBody: created } = await reg.create({ deviceId, authentication: { symmetricKey } });
    hub.onEnd(t, () => reg.delete(deviceId));
    assert.deepEqual(created.authentication.symmetricKey, symmetricKey);
    assert.equal(created.authentication.type, 'sas');
  });

  test('list returns the devices created', async (t) => {
    const reg = hub.registry();
    const a = await hub.createDevice(t, reg, 'lista');
    const b = await hub.createDevice(t, reg, 'listb');
    const { responseBody: devices } = await reg.list();
    const ids = devices.map((d) => d.deviceId);
    assert.ok(ids.includes(a.deviceId) && ids.includes(b.deviceId), `${a.deviceId} and ${b.deviceId} in the list`);
    const listed = devices.find((d) => d.deviceId === a.deviceId);
    assert.equal(listed.etag, a.device.etag);
  });
});

describe('registry: modules', () => {
  test('add, get, list, update (with etag, stale, forced) and remove modules', async (t) => {
    const reg = hub.registry();
    const { deviceId } = await hub.createDevice(t, reg, 'mods');
    const { responseBody: added } = await reg.addModule({ deviceId, moduleId: 'one' });
    assert.equal(added.moduleId, 'one');
    assert.equal(added.deviceId, deviceId);
    assert.ok(added.etag);
    assert.ok(added.authentication.symmetricKey.primaryKey, 'the hub generated the module keys');
    await assert.rejects(reg.addModule({ deviceId, moduleId: 'one' }), httpError(409));
    await reg.addModule({ deviceId, moduleId: 'two' });

    const { responseBody: got } = await reg.getModule(deviceId, 'one');
    assert.equal(got.etag, added.etag);
    const { responseBody: modules } = await reg.getModulesOnDevice(deviceId);
    assert.deepEqual(modules.map((m) => m.moduleId).sort(), ['one', 'two']);

    // Not forced: the module's etag goes in If-Match.
    const symmetricKey = { primaryKey: newKey(), secondaryKey: newKey() };
    const { responseBody: updated } = await reg.updateModule({ ...got, authentication: { type: 'sas', symmetricKey } }, false);
    assert.deepEqual(updated.authentication.symmetricKey, symmetricKey);
    assert.notEqual(updated.etag, got.etag);
    // The etag read before that update is stale now.
    await assert.rejects(reg.updateModule({ ...got, managedBy: 'node-suite' }, false), httpError(412, 'InvalidEtagError'));
    // Forced: If-Match "*".
    const { responseBody: forced } = await reg.updateModule({ ...got, authentication: updated.authentication }, true);
    assert.deepEqual(forced.authentication.symmetricKey, symmetricKey);

    // Removing a Module object sends its etag; by ids sends "*".
    await assert.rejects(removeModuleObject(reg, got), httpError(412, 'InvalidEtagError'));
    await removeModuleObject(reg, forced);
    await reg.removeModule(deviceId, 'two');
    await assert.rejects(reg.getModule(deviceId, 'one'), httpError(404));
    await assert.rejects(reg.removeModule(deviceId, 'two'), httpError(404));
    assert.deepEqual((await reg.getModulesOnDevice(deviceId)).responseBody, []);
  });
});

describe('registry: bulk operations', () => {
  test('addDevices, then updateDevices and removeDevices forced', async (t) => {
    const reg = hub.registry();
    const ids = [hub.uniqueId('bulka'), hub.uniqueId('bulkb')];
    hub.onEnd(t, () => Promise.all(ids.map((id) => reg.delete(id).catch(() => {}))));

    const { responseBody: added } = await reg.addDevices(ids.map((deviceId) => ({ deviceId })));
    assert.equal(added.isSuccessful, true);
    assert.deepEqual(added.errors, []);
    const [a, b] = await Promise.all(ids.map(async (id) => (await reg.get(id)).responseBody));
    assert.ok(a.authentication.symmetricKey.primaryKey, 'keys generated for a bulk create');

    // Creating one that exists fails that item only, in a 200 with isSuccessful false.
    const { responseBody: again } = await reg.addDevices([{ deviceId: ids[0] }]);
    assert.equal(again.isSuccessful, false);
    assert.deepEqual(again.errors.map((e) => [e.deviceId, e.errorCode]), [[ids[0], 'DeviceAlreadyExists']]);

    // Forced (importMode Update): a stale etag does not matter; keys given back are kept.
    const { responseBody: forced } = await reg.updateDevices([{ ...a, etag: 'c3RhbGU=', status: 'disabled' }], true);
    assert.equal(forced.isSuccessful, true, JSON.stringify(forced));
    const aAfter = (await reg.get(ids[0])).responseBody;
    assert.equal(aAfter.status, 'disabled');
    assert.equal(aAfter.authentication.symmetricKey.primaryKey, a.authentication.symmetricKey.primaryKey);

    // Forced (importMode Delete): no etag needed.
    const { responseBody: removed } = await reg.removeDevices([{ deviceId: a.deviceId }, { deviceId: b.deviceId }], true);
    assert.equal(removed.isSuccessful, true, JSON.stringify(removed));
    for (const id of ids) await assert.rejects(reg.get(id), httpError(404, 'DeviceNotFoundError'));

    // Removing what is gone fails that item.
    const { responseBody: gone } = await reg.removeDevices([{ deviceId: ids[0] }], true);
    assert.equal(gone.isSuccessful, false);
    assert.deepEqual(gone.errors.map((e) => [e.deviceId, e.errorCode]), [[ids[0], 'DeviceNotFound']]);
  });

  // The SDK copies each Device as given (its type has only "etag", lowercase) and sets importMode
  // UpdateIfMatchETag / DeleteIfMatchETag; its docs say "Otherwise the etags must match".
  test('updateDevices and removeDevices not forced compare the device etag', async (t) => {
    const reg = hub.registry();
    const { deviceId } = await hub.createDevice(t, reg, 'bulketag');
    const device = (await reg.get(deviceId)).responseBody;

    const { responseBody: updated } = await reg.updateDevices([{ ...device, status: 'disabled' }], false);
    assert.equal(updated.isSuccessful, true, JSON.stringify(updated));
    assert.equal((await reg.get(deviceId)).responseBody.status, 'disabled');
    // device.etag is stale now.
    const { responseBody: stale } = await reg.updateDevices([{ ...device, status: 'enabled' }], false);
    assert.equal(stale.isSuccessful, false);
    assert.deepEqual(stale.errors.map((e) => [e.deviceId, e.errorCode]), [[deviceId, 'PreconditionFailed']]);

    const { responseBody: staleDelete } = await reg.removeDevices([device], false);
    assert.deepEqual(staleDelete.errors.map((e) => [e.deviceId, e.errorCode]), [[deviceId, 'PreconditionFailed']]);
    const current = (await reg.get(deviceId)).responseBody;
    const { responseBody: removed } = await reg.removeDevices([current], false);
    assert.equal(removed.isSuccessful, true, JSON.stringify(removed));
    await assert.rejects(reg.get(deviceId), httpError(404, 'DeviceNotFoundError'));
  });
});
