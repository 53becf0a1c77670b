import { Publisher, Pull } from 'zeromq';

/**
 * The ceiling the broker is measured against: the same PULL→PUB socket work with no JSON work at
 * all. Like the broker it publishes two frames per event (a topic frame, then the data), so the
 * comparison isolates what decoding and validation cost. The topic is fixed, since finding the
 * real one would need the parsing this loop exists to leave out.
 * Usage: node raw-forwarder.js <pull-port> <pub-port>
 */
const [pullPort, pubPort] = process.argv.slice(2);
const pull = new Pull({ receiveHighWaterMark: 10_000 });
const pub = new Publisher({ sendHighWaterMark: 100_000, linger: 0 });
await pub.bind(`tcp://127.0.0.1:${pubPort}`);
await pull.bind(`tcp://127.0.0.1:${pullPort}`);
process.send?.('ready');
process.on('disconnect', () => process.exit(0));
const topic = Buffer.from('raw/bench');
for await (const [frame] of pull) await pub.send([topic, frame!]);
