'use strict';
// Twins from the service side through azure-iothub: Registry.getTwin/updateTwin, Twin.update (which sends
// the twin's own etag), "*", nulls, and module twins. Replacing a twin (PUT /twins) is not covered:
// azure-iothub 1.16.6 exports no way to do it (only its unexported generated layer has replaceTwin).

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const hub = require('./hub');

function preconditionFailed(err) {
  assert.equal(err.response && err.response.statusCode, 412, `status of ${err}`);
  assert.equal(err.name, 'InvalidEtagError');
  return true;
}

// What a client sees of desired properties, without the hub's bookkeeping.
function plain(properties) {
  const { $metadata, $version, ...rest } = properties;
  return rest;
}

describe('service-side twins', () => {
  test('getTwin, then twin.update with the twin\'s etag; a stale etag is refused, "*" is not', async (t) => {
    const reg = hub.registry();
    const { deviceId } = await hub.createDevice(t, reg, 'twin');

    const { responseBody: twin } = await reg.getTwin(deviceId);
    assert.equal(twin.deviceId, deviceId);
    assert.ok(twin.etag && twin.etag !== '*', 'the hub gives the twin an etag');
    assert.deepEqual(plain(twin.properties.desired), {});
    const firstVersion = twin.properties.desired.$version;
    const { responseBody: stale } = await reg.getTwin(deviceId);

    // Twin.update sends If-Match with the twin's etag and takes the answer's twin as its own.
    const etagBefore = twin.etag;
    await twin.update({ tags: { site: 'lab' }, properties: { desired: { speed: 3, limits: { low: 1, high: 9 } } } });
    assert.notEqual(twin.etag, etagBefore);
    assert.deepEqual(twin.tags, { site: 'lab' });
    assert.deepEqual(plain(twin.properties.desired), { speed: 3, limits: { low: 1, high: 9 } });
    assert.equal(twin.properties.desired.$version, firstVersion + 1);
    assert.ok(twin.properties.desired.$metadata.speed.$lastUpdated, 'each changed key is stamped');

    // The same Twin again: its etag is the new one, so this passes.
    await twin.update({ properties: { desired: { speed: 4 } } });
    assert.equal(twin.properties.desired.speed, 4);

    await assert.rejects(stale.update({ properties: { desired: { speed: 5 } } }), preconditionFailed);
    await assert.rejects(reg.updateTwin(deviceId, { tags: { site: 'x' } }, stale.etag), preconditionFailed);

    const { responseBody: forced } = await reg.updateTwin(deviceId, { properties: { desired: { speed: 5 } } }, '*');
    assert.equal(forced.properties.desired.speed, 5);
    assert.equal(forced.properties.desired.$version, firstVersion + 3);
    assert.equal((await reg.getTwin(deviceId)).responseBody.etag, forced.etag);
  });

  test('a null deletes a property or tag; desired null removes every desired property', async (t) => {
    const reg = hub.registry();
    const { deviceId } = await hub.createDevice(t, reg, 'nulls');
    await reg.updateTwin(deviceId, {
      tags: { site: 'lab', rack: 4 },
      properties: { desired: { speed: 3, mode: 'eco', limits: { low: 1, high: 9 } } },
    }, '*');

    const { responseBody: afterNulls } = await reg.updateTwin(deviceId, {
      tags: { rack: null },
      properties: { desired: { speed: null, limits: { low: null } } },
    }, '*');
    assert.deepEqual(afterNulls.tags, { site: 'lab' });
    assert.deepEqual(plain(afterNulls.properties.desired), { mode: 'eco', limits: { high: 9 } });

    const version = afterNulls.properties.desired.$version;
    const { responseBody: cleared } = await reg.updateTwin(deviceId, { properties: { desired: null } }, '*');
    assert.deepEqual(plain(cleared.properties.desired), {});
    assert.equal(cleared.properties.desired.$version, version + 1);
    assert.deepEqual(cleared.tags, { site: 'lab' }, 'tags untouched');
    assert.deepEqual(plain((await reg.getTwin(deviceId)).responseBody.properties.desired), {});
  });

  test('module twins: getModuleTwin, updateModuleTwin with etag and "*", Twin.update', async (t) => {
    const reg = hub.registry();
    const { deviceId, moduleId } = await hub.createModule(t, reg);

    const { responseBody: twin } = await reg.getModuleTwin(deviceId, moduleId);
    assert.equal(twin.deviceId, deviceId);
    assert.equal(twin.moduleId, moduleId);
    const version = twin.properties.desired.$version;

    const { responseBody: updated } = await reg.updateModuleTwin(deviceId, moduleId, { properties: { desired: { color: 'red' } } }, twin.etag);
    assert.equal(updated.moduleId, moduleId);
    assert.equal(updated.properties.desired.color, 'red');
    assert.equal(updated.properties.desired.$version, version + 1);
    await assert.rejects(reg.updateModuleTwin(deviceId, moduleId, { properties: { desired: { color: 'blue' } } }, twin.etag), preconditionFailed);

    // A Twin read for a module updates through updateModuleTwin with its own etag.
    await updated.update({ tags: { role: 'sensor' }, properties: { desired: { color: null } } });
    const { responseBody: reread } = await reg.getModuleTwin(deviceId, moduleId);
    assert.deepEqual(reread.tags, { role: 'sensor' });
    assert.deepEqual(plain(reread.properties.desired), {});

    const { responseBody: forced } = await reg.updateModuleTwin(deviceId, moduleId, { properties: { desired: { color: 'green' } } }, '*');
    assert.equal(forced.properties.desired.color, 'green');
    // The device's own twin is a different twin.
    assert.deepEqual(plain((await reg.getTwin(deviceId)).responseBody.properties.desired), {});
  });
});
