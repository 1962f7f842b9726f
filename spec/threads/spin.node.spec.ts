// The channel suite again, with every thread served with `spin: 0` (Node): a thread whose
// operation waits for another thread sleeps at once rather than read its link's port for a while,
// as it does by default (channels.node.spec.ts). The slower answers change every interleaving; Go's
// rules must hold all the same.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { threadPool } from '../../lib/index.js';
import { nodeChannelSuite, workerUrl } from './node-threads.js';

const sleeping = { workerData: { spin: 0 } };

it('serve(handlers, { spin }) sets how long the thread spins; by default 50 µs where there is more than one core', async () => {
  const pool = threadPool(() => new Worker(workerUrl(), sleeping), { size: 1 });
  const plain = threadPool(() => new Worker(workerUrl()), { size: 1 });
  try {
    expect(await pool.go<number>('spin', [20])).toBe(0);
    expect(await pool.go<number>('spin', [0])).toBe(20);
    expect(await plain.go<number>('spin', [50])).toBe(availableParallelism() > 1 ? 50 : 0);
  } finally {
    await Promise.all([pool.close(), plain.close()]);
  }
});

it('P7 serve(handlers, { spin }): a thread whose long task ended reads its port for the next task a while, and loses none, in batches or one at a time', async () => {
  const range = (n: number) => Array.from({ length: n }, (_, i) => 300 + i);
  for (const spin of [1000, 0]) {
    const pool = threadPool(() => new Worker(workerUrl(), { workerData: { spin } }), { size: 1 });
    try {
      // All at once: the thread gets several in a batch, and may read the next batch after each.
      expect(await Promise.all(range(40).map((us) => pool.go<number>('busy', [us])))).toEqual(range(40));
      // One at a time: the next is posted as the last answer arrives, while the thread reads.
      for (const us of range(20)) expect(await pool.go<number>('busy', [us])).toBe(us);
      const lingered = await pool.go<number>('lingered', []);
      if (spin === 0) expect(lingered).toBe(0);
      else expect(lingered).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  }
});

it('P7 serve(handlers, { spin }): the short task read while waiting after a long one does not make the thread wait again before its answer leaves', async () => {
  // A short task's answer leaves at the end of the turn: a wait after it would hold that answer
  // for the whole spin (1 ms here), and could not hear a next task.
  const pool = threadPool(() => new Worker(workerUrl(), { workerData: { spin: 1000 } }), { size: 1 });
  try {
    const times: number[] = [];
    for (let i = 0; i < 11; i++) {
      await pool.go('busy', [300]);
      const t0 = performance.now();
      await pool.go('noop', []);
      times.push(performance.now() - t0);
    }
    expect(await pool.go('lingered', [])).toBeGreaterThan(0);
    expect(times.sort((x, y) => x - y)[5]).toBeLessThan(0.8);
  } finally {
    await pool.close();
  }
});

it("P7 serve(handlers, { spin }): a message of the application on the thread's port that comes while the thread reads it still reaches its listener", async () => {
  let worker: Worker | undefined;
  const pool = threadPool(() => (worker = new Worker(workerUrl(), { workerData: { spin: 1000 } })), {
    size: 1,
  });
  try {
    const posted: number[] = [];
    for (let i = 0; i < 20; i++) {
      await pool.go('busy', [300]);
      // The answer came: the thread reads its port for the next task now.
      worker!.postMessage({ app: i });
      posted.push(i);
    }
    expect(await pool.go('lingered', [])).toBeGreaterThan(0);
    expect(await pool.go('appMessages', [])).toEqual(posted);
  } finally {
    await pool.close();
  }
});

nodeChannelSuite(
  { threads: 'threads that sleep at once', thread: 'worker that sleeps at once' },
  // Smaller than the plain suite's: what changes here is the interleaving, not the scale.
  {
    order: 20_000,
    fanOut: 5_000,
    slowConsumer: 200,
    backpressure: 200_000,
    selects: 1000,
    mixedSelects: 20_000,
    killed: 200_000,
    programs: 30,
  },
  sleeping,
);
