// Order between the links of two threads (link.ts `arrive`): each channel crosses on a port of its
// own, and Node may deliver a batch posted on one port before one posted earlier on another. What
// one thread did on a channel before it acted on another is seen first all the same (Go:
// happens-before), in both directions and for a close.
import { Worker } from 'node:worker_threads';
import { Channel } from 'gorx';
import { afterAll, describe, expect, it } from 'vitest';
import { type ThreadPool, threadPool } from '../../lib/threads/threadPool.js';
import { missedAfter, sendBoth } from './channel-helpers.js';
import { registerClasses } from './workers/classes.js';
import { useWorkerFile } from './workers/use.js';

registerClasses();
const workerUrl = useWorkerFile('pool.worker.ts');
const ROUNDS = 2_000;

let made: ThreadPool | undefined;
const pool = () => (made ??= threadPool(() => new Worker(workerUrl()), { size: 1 }));
afterAll(() => made?.close());

/** A turn of this thread's host. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('order between two channels across threads (Node)', () => {
  it('MM1 a value a thread sent on a before it sent on b is in a once b was received here', async () => {
    const a = new Channel<number>(ROUNDS);
    const b = new Channel<number>(ROUNDS);
    const task = pool().go('sendBoth', [a, b, ROUNDS]);
    const missed = await missedAfter(a, b, ROUNDS);
    await task;
    expect(missed).toEqual([]);
  });

  it('MM1 a value sent here on a before b is in a when the thread has received b', async () => {
    const a = new Channel<number>(ROUNDS + 1);
    const b = new Channel<number>(ROUNDS);
    const task = pool().go<number[]>('pollAfter', [a, b, ROUNDS]);
    await a.send(-1);
    await sendBoth(a, b, ROUNDS, turn);
    expect(await task).toEqual([]);
  });

  it('MM1 once a close of done is received, every result the thread sent before it can be polled', async () => {
    for (let round = 0; round < 100; round++) {
      const results = new Channel<number>(100);
      const done = new Channel<never>(0);
      const task = pool().go('resultsThenDone', [results, done, 100]);
      expect(await done.recv()).toEqual({ ok: false, value: undefined });
      const got: number[] = [];
      for (let r = results.tryRecv(); r?.ok; r = results.tryRecv()) got.push(r.value);
      expect(got).toHaveLength(100);
      await task;
    }
  });
});
