'use strict';
// Prints, as JSON, the events one device sent since a time, read from the built-in Event Hub-compatible
// endpoint. eventhubs.test.js runs it as a process of its own for an emulator it started itself: the Event
// Hubs client takes no CA (core-amqp gives rhea's TLS connection none), and Node reads NODE_EXTRA_CA_CERTS
// only as it starts.
//   EVENTHUB_CONNECTION_STRING=… NODE_EXTRA_CA_CERTS=ca.pem node eventhubs-read.js DEVICE_ID SINCE_MS COUNT WAIT_MS

const { consumerClient, subscribe } = require('./eventhubs');

async function main([deviceId, since, count, ms]) {
  const consumer = consumerClient(process.env.EVENTHUB_CONNECTION_STRING);
  const subscription = subscribe(consumer, { enqueuedOn: new Date(Number(since)) });
  try {
    const read = await subscription.sentBy(deviceId, undefined, Number(count), Number(ms));
    process.stdout.write(JSON.stringify(read.map(({ event, partitionId }) => ({
      partitionId,
      sequenceNumber: event.sequenceNumber,
      messageId: event.messageId,
      body: event.body,
      systemProperties: event.systemProperties,
    }))));
  } finally {
    await subscription.close();
    await consumer.close();
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exitCode = 1;
});
