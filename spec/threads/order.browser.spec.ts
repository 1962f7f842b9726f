// The ordering suite (order.ts) on module Web Workers in Chromium, which has no synchronous port
// reads: a task's result, a start or a cancel travels on the pool's port while channel traffic
// travels on each link's own, and only the batch counts keep them in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { host } from '../../lib/threads/link.js';
import { type ThreadPool, threadPool } from '../../lib/threads/threadPool.js';
import { ISOLATED } from '../helpers/env.js';
import { orderSuite } from './order.js';
import { wordSuite } from './word.js';
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

describe('cancel words', () => {
  it('C1 memory is shared with the workers exactly when the page is cross-origin isolated: not on a plain page (although this Chromium has SharedArrayBuffer by flag), yes with COOP and COEP', () => {
    expect(globalThis.crossOriginIsolated).toBe(ISOLATED);
    expect(typeof SharedArrayBuffer).toBe('function');
    expect(host.shared).toBe(ISOLATED);
  });
  // Both paths run here: the flag lets a SharedArrayBuffer cross even without isolation.
  wordSuite(() => pool);
});
