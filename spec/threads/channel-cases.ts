// The cases of the cross-thread channel benchmark (channels.ts, `npm run bench`, and its Chromium
// page) and of its profiler (profile-channel.ts), each run once on a pool of one thread whose worker
// file serves workers/floors.ts: bare MessagePort floors written by hand, and gorx channels
// main → worker.

import { Channel } from '../../lib/channel/Channel.js';
import type { ThreadPool } from '../../lib/threads/threadPool.js';
import { transfer } from '../../lib/threads/wire.js';

/** The environment where there is one (Node); the cases also run in a page (spec/bench/threads). */
const env: Record<string, string | undefined> =
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
export const N = Number(env.N ?? 1_000_000);
export const RT = Number(env.RT ?? 20_000);

/** Runs `run` and returns `count` per second. */
export async function rate(count: number, run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return count / ((performance.now() - t0) / 1000);
}

export async function floorOneWay(pool: ThreadPool): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const task = pool.go('floorSink', [transfer(port2, [port2]), N]);
  const batch = Array.from({ length: 256 }, (_, i) => i);
  return rate(N, async () => {
    for (let sent = 0; sent < N; sent += 256) port1.postMessage(batch);
    await task;
    port1.close();
  });
}

/**
 * The bare credit protocol at capacity `c`, written by hand: the sender holds `c` credits, puts a
 * value in this turn's batch per credit, posts the batch when it runs out and waits for credits;
 * the worker counts the values and grants their slots back (pool.worker.ts, `floorCredit`).
 */
export async function floorCredit(pool: ThreadPool, c: number, n = N): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const task = pool.go('floorCredit', [transfer(port2, [port2]), n, c]);
  let credit = c;
  let wake: (() => void) | null = null;
  port1.onmessage = (e: MessageEvent<number>) => {
    credit += e.data;
    const w = wake;
    wake = null;
    w?.();
  };
  return rate(n, async () => {
    let batch: number[] = [];
    for (let i = 0; i < n; i++) {
      if (credit === 0) {
        port1.postMessage(batch);
        batch = [];
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      credit--;
      batch.push(i);
    }
    port1.postMessage(batch);
    await task;
    port1.close();
  });
}

/**
 * Round trips over two raw ports, as an unbuffered ping-pong over two channels goes: each round,
 * this side posts an answer on one and a value on the other, and goes on once both of the thread's
 * messages came (a report and a value).
 */
export async function floorRoundTrip2(pool: ThreadPool): Promise<number> {
  const a = new MessageChannel();
  const b = new MessageChannel();
  const task = pool.go('floorEcho2', [transfer(a.port2, [a.port2]), transfer(b.port2, [b.port2]), RT]);
  return rate(RT, async () => {
    await new Promise<void>((resolve) => {
      let n = 0;
      let got = 0;
      const step = () => {
        if (++got < 2) return;
        got = 0;
        if (++n === RT) return resolve();
        b.port1.postMessage(0);
        a.port1.postMessage(n);
      };
      a.port1.onmessage = step;
      b.port1.onmessage = step;
      b.port1.postMessage(0);
      a.port1.postMessage(0);
    });
    await task;
    a.port1.close();
    b.port1.close();
  });
}

export async function floorRoundTrip(pool: ThreadPool): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const task = pool.go('floorEcho', [transfer(port2, [port2]), RT]);
  return rate(RT, async () => {
    await new Promise<void>((resolve) => {
      let n = 0;
      port1.onmessage = () => {
        if (++n === RT) return resolve();
        port1.postMessage(n);
      };
      port1.postMessage(0);
    });
    await task;
    port1.close();
  });
}

export async function buffered(
  pool: ThreadPool,
  capacity: number,
  faces: 'ranging' | 'promise',
  n = N,
): Promise<number> {
  const ch = new Channel<number>(capacity);
  const task = pool.go<number>(faces === 'ranging' ? 'countRange' : 'countRecv', [ch]);
  return rate(n, async () => {
    if (faces === 'ranging') {
      for (let i = 0; i < n; i++) if (!ch.trySend(i)) await ch.send(i);
    } else for (let i = 0; i < n; i++) await ch.send(i);
    ch.close();
    const got = await task;
    if (got !== n) throw new Error(`received ${got} of ${n}`);
  });
}

/**
 * `n` numbers sent here on a `Channel(capacity)` that `receivers` tasks on the pool's threads drain
 * together (each awaits one receive at a time, and counts what it got).
 */
export async function fanOut(
  pool: ThreadPool,
  receivers: number,
  capacity: number,
  n: number,
): Promise<number> {
  const ch = new Channel<number>(capacity);
  const tasks = Array.from({ length: receivers }, () => pool.go<{ n: number }>('drain', [ch]));
  return rate(n, async () => {
    for (let i = 0; i < n; i++) if (!ch.trySend(i)) await ch.send(i);
    ch.close();
    const got = (await Promise.all(tasks)).reduce((sum, r) => sum + r.n, 0);
    if (got !== n) throw new Error(`received ${got} of ${n}`);
  });
}

export async function unbuffered(pool: ThreadPool): Promise<number> {
  const a = new Channel<number>();
  const b = new Channel<number>();
  const task = pool.go('pong', [a, b]);
  return rate(RT, async () => {
    for (let i = 0; i < RT; i++) {
      await a.send(i);
      await b.recv();
    }
    a.close();
    await task;
  });
}
