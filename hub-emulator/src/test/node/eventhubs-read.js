'use strict';
// Prints the first COUNT events one device sent since a time, read from the built-in Event Hub-compatible
// endpoint, a JSON line each as it comes. eventhubs.test.js runs it as a process of its own for an emulator it
// started itself: the Event Hubs client takes no CA (core-amqp gives rhea's TLS connection none), and Node reads
// NODE_EXTRA_CA_CERTS only as it starts.
//   EVENTHUB_CONNECTION_STRING=… NODE_EXTRA_CA_CERTS=ca.pem node eventhubs-read.js DEVICE_ID SINCE_MS COUNT WAIT_MS

const { consumerClient, subscribe } = require('./eventhubs');

async function main([deviceId, since, count, ms]) {
  // Retrying every second, so that it reads on as soon as a restarted hub is back (by default the client waits
  // 30 s between attempts).
  const consumer = consumerClient(process.env.EVENTHUB_CONNECTION_STRING, { retryOptions: { retryDelayInMs: 1000, maxRetries: 30 } });
  const subscription = subscribe(consumer, { enqueuedOn: new Date(Number(since)) });
  try {
    for (let n = 1; n <= Number(count); n++) {
      const { event, partitionId } = (await subscription.sentBy(deviceId, undefined, n, Number(ms)))[n - 1];
      process.stdout.write(`${JSON.stringify({
        partitionId,
        sequenceNumber: event.sequenceNumber,
        messageId: event.messageId,
        body: event.body,
        systemProperties: event.systemProperties,
      })}\n`);
    }
  } finally {
    await subscription.close();
    await consumer.close();
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exitCode = 1;
});
