// Channels across real threads (Node worker_threads): a Channel passed to pool.go, or returned by a
// handler, is an endpoint on the other side. The tests every platform shares are in
// channel-suite.ts; the worker handlers are in workers/pool.worker.ts.
import { Worker } from 'node:worker_threads';
import { channelSuite } from './channel-suite.js';
import { registerClasses } from './workers/classes.js';
import { useWorkerFile } from './workers/use.js';

registerClasses();

const workerUrl = useWorkerFile('pool.worker.ts');

channelSuite({
  threads: 'threads',
  thread: 'worker',
  spawn: () => new Worker(workerUrl()),
  // Not events.once: it would reject on the 'error' event that comes first when a thread throws.
  noticed: (worker) =>
    new Promise((resolve) => (worker as Worker).once('exit', () => resolve(performance.now()))),
  deaths: ['throw', 'exit'],
  lossless: ['throw', 'exit'],
  sizes: {
    order: 100_000,
    fanOut: 20_000,
    slowConsumer: 200,
    backpressure: 1_000_000,
    selects: 2000,
    mixedSelects: 100_000,
    killed: 1_000_000,
  },
});
