'use strict';
// Reading telemetry back from the built-in Event Hub-compatible endpoint, as the Node SDK's own e2e tests do:
// an EventHubConsumerClient of '$Default' subscribes from an enqueued time and keeps the events whose
// systemProperties['iothub-connection-device-id'] is the device looked for. Shared by eventhubs.test.js and
// eventhubs-read.js.

const { EventEmitter } = require('node:events');
const { EventHubConsumerClient } = require('@azure/event-hubs');
const { nextEvent } = require('./hub');

const CONSUMER_GROUP = '$Default';

function consumerClient(connectionString, options = {}) {
  return new EventHubConsumerClient(CONSUMER_GROUP, connectionString, options);
}

// Subscribes from startPosition (an EventPosition: { enqueuedOn }, { sequenceNumber }, { offset }, earliest or
// latest), on every partition or on the one given.
// sentBy(deviceId, moduleId, count, ms) resolves with the first count that device (or module, if moduleId is
// not undefined) sent, each with the partition it came from, in the order received; if they do not come
// within ms, the error names what the subscription reported meanwhile. Every error is also emitted on
// arrivals as 'error'. close() ends the subscription.
function subscribe(consumer, startPosition, partitionId = null) {
  const received = [];
  const errors = [];
  const arrivals = new EventEmitter();
  const handlers = {
    processEvents: async (events, context) => {
      received.push(...events.map((event) => ({ event, partitionId: context.partitionId })));
      if (events.length > 0) arrivals.emit('events');
    },
    processError: async (err, context) => {
      errors.push(`${context.partitionId || 'subscription'}: ${err.name} ${err.code || ''}: ${err.message}`);
      if (arrivals.listenerCount('error') > 0) arrivals.emit('error', err);
    },
  };
  const options = { startPosition, maxBatchSize: 10, maxWaitTimeInSeconds: 1 };
  const subscription = partitionId === null ? consumer.subscribe(handlers, options) : consumer.subscribe(partitionId, handlers, options);

  async function sentBy(deviceId, moduleId, count, ms) {
    const mine = () => received.filter(({ event }) => event.systemProperties['iothub-connection-device-id'] === deviceId
      && event.systemProperties['iothub-connection-module-id'] === moduleId
      && event.systemProperties['iothub-message-source'] === 'Telemetry'); // not the hub's own events of it
    if (mine().length < count) {
      const what = `${count} events from ${deviceId}${moduleId ? `/${moduleId}` : ''}`;
      await nextEvent(arrivals, 'events', () => mine().length >= count, ms, what)
        .catch((err) => { throw new Error(`${err.message} (got ${mine().length}); the subscription reported: ${JSON.stringify(errors)}`); });
    }
    return mine().slice(0, count);
  }
  return { sentBy, arrivals, close: () => subscription.close() };
}

module.exports = { consumerClient, subscribe };
