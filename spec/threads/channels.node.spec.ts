// Channels across real threads (Node worker_threads): a Channel passed to pool.go, or returned by a
// handler, is an endpoint on the other side. The tests every platform shares are in
// channel-suite.ts; the worker handlers are in workers/pool.worker.ts.
import { nodeChannelSuite } from './node-threads.js';

nodeChannelSuite(
  { threads: 'threads', thread: 'worker' },
  {
    order: 100_000,
    fanOut: 20_000,
    slowConsumer: 200,
    backpressure: 1_000_000,
    selects: 2000,
    mixedSelects: 100_000,
    killed: 1_000_000,
    programs: 60,
  },
);
