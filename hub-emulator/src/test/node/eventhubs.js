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
// sentBy(deviceId, moduleId, count, ms) resolves with the first count messages that device (or module, if moduleId
// is not undefined) sent, each with the partition it came from, in the order received; receivedUntil does the same
// for any events (the hub's own too). Every error is also emitted on arrivals as 'error'. close() ends the
// subscription.
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

  // The events received that accept takes, in the order received, once enough(them) holds; if it does not within
  // ms, the error names what was awaited and what the subscription reported meanwhile.
  async function receivedUntil(accept, enough, ms, what) {
    const taken = () => received.filter(({ event }) => accept(event));
    if (!enough(taken())) {
      await nextEvent(arrivals, 'events', () => enough(taken()), ms, what)
        .catch((err) => { throw new Error(`${err.message} (got ${taken().length}); the subscription reported: ${JSON.stringify(errors)}`); });
    }
    return taken();
  }

  async function sentBy(deviceId, moduleId, count, ms) {
    const sent = (event) => event.systemProperties['iothub-connection-device-id'] === deviceId
      && event.systemProperties['iothub-connection-module-id'] === moduleId
      && event.systemProperties['iothub-message-source'] === 'Telemetry'; // not the hub's own events of it
    const what = `${count} events from ${deviceId}${moduleId ? `/${moduleId}` : ''}`;
    return (await receivedUntil(sent, (taken) => taken.length >= count, ms, what)).slice(0, count);
  }
  return { sentBy, receivedUntil, arrivals, close: () => subscription.close() };
}

module.exports = { consumerClient, subscribe };
