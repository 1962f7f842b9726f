// synctest with a thread pool: a task waiting for another thread waits on work the bubble cannot
// see, so the bubble waits for it in real time (time stands still meanwhile) rather than report a
// deadlock; the pool's jobs and its closing threads are external work of their own accord.
import { Worker } from 'node:worker_threads';
import {
  after,
  background,
  Channel,
  DeadlineExceededError,
  go,
  recv,
  select,
  threadPool,
  withTimeout,
} from 'gorx';
import { DeadlockError, synctest } from 'gorx/testing';
import { describe, expect, it } from 'vitest';
import { registerClasses } from '../threads/workers/classes.js';
import { useWorkerFile } from '../threads/workers/use.js';

registerClasses();

const workerUrl = useWorkerFile('pool.worker.ts');

describe('synctest with a thread pool', () => {
  it('DL1 a task awaiting a pool job is not deadlocked: the bubble waits for the thread, and virtual time stands still', async () => {
    await synctest(async (t) => {
      const pool = threadPool(() => new Worker(workerUrl()), { size: 1 });
      const start = t.now();
      expect(await pool.go('fib', [24])).toBe(46368);
      expect(t.now()).toBe(start);
      await pool.close();
    });
  });

  it('DL1 channels crossing to a thread in a bubble: a task sends, the thread ranges, timers still run in virtual time', async () => {
    await synctest(async (t) => {
      const pool = threadPool(() => new Worker(workerUrl()), { size: 1 });
      const ch = new Channel<number>(4);
      const counted = pool.go<number>('countRange', [ch]);
      const sender = go(async () => {
        for (let i = 0; i < 100; i++) await ch.send(i);
        ch.close();
      });
      await sender;
      expect(await counted).toBe(100);
      const start = t.now();
      const [ctx, cancel] = withTimeout(background(), 60_000);
      expect((await select({ done: recv(ctx.done), late: recv(after(120_000)) })).case).toBe('done');
      expect(t.now() - start).toBe(60_000);
      cancel();
      await pool.close();
    });
  });

  it('C2 a deadline in a bubble crosses as the time left on the virtual clock: the thread counts it in real time', async () => {
    await synctest(async () => {
      const pool = threadPool(() => new Worker(workerUrl()), { size: 1 });
      const [ctx, cancel] = withTimeout(background(), 5_000);
      const there = await pool.go<number>('deadline', [], ctx);
      // The thread's deadline is about 5 s from now on its own (real) clock, not in the year 2000.
      const left = there - Date.now();
      expect(left).toBeGreaterThan(3_000);
      expect(left).toBeLessThanOrEqual(5_000);
      const [short, stop] = withTimeout(background(), 30);
      await expect(pool.go('wait', [], short)).rejects.toBeInstanceOf(DeadlineExceededError);
      cancel();
      stop();
      await pool.close();
    });
  });

  it('DL1 a real deadlock beside a pool is still reported once its jobs are over', async () => {
    const run = synctest(async () => {
      const pool = threadPool(() => new Worker(workerUrl()), { size: 1 });
      expect(await pool.go('echo', ['x'])).toBe('x');
      await pool.close();
      await new Channel<number>().recv();
    });
    await expect(run).rejects.toBeInstanceOf(DeadlockError);
  });
});
