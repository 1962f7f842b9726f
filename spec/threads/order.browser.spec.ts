// The ordering suite (order.ts) on module Web Workers in Chromium, which has no synchronous port
// reads: a task's result, a start or a cancel travels on the pool's port while channel traffic
// travels on each link's own, and only the batch counts keep them in order.
import { afterAll, beforeAll, describe } from 'vitest';
import { type ThreadPool, threadPool } from '../../lib/threads/threadPool.js';
import { orderSuite } from './order.js';
import { registerClasses } from './workers/classes.js';

registerClasses();

let pool: ThreadPool;
beforeAll(() => {
  pool = threadPool(
    () => new Worker(new URL('./workers/order.worker.ts', import.meta.url), { type: 'module' }),
    { size: 1 },
  );
});
afterAll(() => pool.close());

describe('happens-before across Web Workers', () => {
  orderSuite(() => pool);
});
