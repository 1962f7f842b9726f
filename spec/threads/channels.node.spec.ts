import { Worker } from 'node:worker_threads';
import { Channel } from 'gorx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ThreadPool, threadPool } from '../../lib/threads/threadPool.js';
import { bundleWorker } from './workers/bundle.js';
import { registerClasses } from './workers/classes.js';

registerClasses();

let url: URL;
let remove: () => void;
let pool: ThreadPool;
beforeAll(async () => {
  ({ url, remove } = await bundleWorker('pool.worker.ts'));
  pool = threadPool(() => new Worker(url), { size: 2 });
});
afterAll(async () => {
  await pool.close();
  remove();
});

describe('channels across threads', () => {
  it('round trip main → worker → main through two channels', async () => {
    const jobs = new Channel<number>(16);
    const out = new Channel<number>(16);
    const task = pool.go<number>('pipe', [jobs, out, 1000]);
    const got: number[] = [];
    const reader = (async () => {
      for await (const v of out) got.push(v);
    })();
    for (let i = 0; i < 100; i++) await jobs.send(i);
    jobs.close();
    expect(await task).toBe(100);
    await reader;
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i + 1000));
  });
});
