// The ordering suite (order.ts) on worker_threads, with Node's synchronous port reads switched off
// on both sides, as a browser runs: only the batch counts order a task's end after its traffic.
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe } from 'vitest';
import { host } from '../../lib/threads/link.js';
import { type ThreadPool, threadPool } from '../../lib/threads/threadPool.js';
import { orderSuite } from './order.js';
import { wordSuite } from './word.js';
import { bundleWorker } from './workers/bundle.js';
import { registerClasses } from './workers/classes.js';

registerClasses();

let pool: ThreadPool;
let remove: () => void;
const now = host.now;
beforeAll(async () => {
  host.now = undefined;
  const bundle = await bundleWorker('order.worker.ts');
  remove = bundle.remove;
  pool = threadPool(() => new Worker(bundle.url), { size: 1 });
});
afterAll(async () => {
  await pool.close();
  remove();
  host.now = now;
});

describe('happens-before across threads, without synchronous port reads', () => {
  orderSuite(() => pool);
});

describe('cancel words', () => {
  wordSuite(() => pool);
});
