// Channels across real Web Workers in Chromium: a Channel passed to pool.go, or returned by a
// handler, is an endpoint on the other side. The worker file is made the way an application makes
// it (`new Worker(new URL(…, import.meta.url), { type: 'module' })`) and imports `gorx/worker`; its
// handlers are in workers/channels.web.worker.ts.
import {
  Channel,
  ClosedChannelError,
  recv,
  select,
  send,
  type ThreadPool,
  threadPool,
  WorkerExitError,
} from 'gorx';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RemoteChannel } from '../../lib/threads/remote.js';
import { flush, rng, track } from '../helpers/async.js';
import { gather, heldIn, produce, range } from './channel-helpers.js';
import { QuotaError, registerClasses } from './workers/classes.js';

registerClasses();

/** The Web Workers a pool's spawn factory returned. */
function webPool(size: number): { pool: ThreadPool; workers: Worker[] } {
  const workers: Worker[] = [];
  const pool = threadPool(
    () => {
      const w = new Worker(new URL('./workers/channels.web.worker.ts', import.meta.url), { type: 'module' });
      workers.push(w);
      return w;
    },
    { size },
  );
  return { pool, workers };
}

const { pool } = webPool(2);
afterAll(() => pool.close());

/** Pools whose threads a test kills; closed after it. */
const pools: ThreadPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('channels across Web Workers', () => {
  it('CH2 round trip main → worker → main through two channels, with Promise faces on both sides', async () => {
    const jobs = new Channel<number>(16);
    const out = new Channel<number>(16);
    const task = pool.go<number>('pipe', [jobs, out, 1000]);
    const got: number[] = [];
    const reader = (async () => {
      for (;;) {
        const r = await out.recv();
        if (!r.ok) return;
        got.push(r.value);
      }
    })();
    for (let i = 0; i < 300; i++) await jobs.send(i);
    jobs.close();
    expect(await task).toBe(300);
    await reader;
    expect(got).toEqual(range(300, 1000));
  });

  it('CH2 round trip main → worker → main through two channels, with ranging faces on both sides', async () => {
    const jobs = new Channel<number>(16);
    const out = new Channel<number>(16);
    const task = pool.go<number>('relay', [jobs, out]);
    const got: number[] = [];
    const reader = (async () => {
      for await (const v of out) got.push(v);
    })();
    await produce(jobs, 300);
    expect(await task).toBe(300);
    await reader;
    expect(got).toEqual(range(300));
  });

  it('CH6 per-sender order and nothing lost or duplicated: 10^4 values main → worker → main', async () => {
    const n = 10_000;
    const jobs = new Channel<number>(64);
    const out = new Channel<number>(64);
    const task = pool.go<number>('relay', [jobs, out]);
    const [got] = await Promise.all([gather(out), produce(jobs, n)]);
    expect(await task).toBe(n);
    expect(got.length).toBe(n);
    for (let i = 0; i < n; i++) if (got[i] !== i) expect(got[i]).toBe(i);
  });

  it('P9 backpressure main → worker: a consumer 10× slower; values held anywhere ≤ capacity at every sample', async () => {
    const cap = 8;
    const n = 100;
    const jobs = new Channel<number>(cap);
    let maxHeld = 0;
    const sample = () => {
      maxHeld = Math.max(maxHeld, heldIn(jobs));
    };
    const timer = setInterval(sample, 1);
    const task = pool.go<{ n: number; maxLength: number }>('slow', [jobs, 10]);
    await produce(jobs, n, sample);
    const r = await task;
    clearInterval(timer);
    expect(r.n).toBe(n);
    expect(maxHeld).toBeLessThanOrEqual(cap);
    expect(maxHeld).toBeGreaterThan(0);
    expect(r.maxLength).toBeLessThanOrEqual(cap); // what the endpoint prefetched
  });

  it('P9 backpressure worker → main: a receiver 10× slower; values held anywhere ≤ capacity at every sample', async () => {
    const cap = 8;
    const n = 100;
    const out = new Channel<number>(cap);
    const task = pool.go<number>('produce', [out, n]);
    let maxHeld = 0;
    const got: number[] = [];
    for (;;) {
      await flush(10);
      maxHeld = Math.max(maxHeld, heldIn(out));
      const r = await out.recv();
      if (!r.ok) break;
      got.push(r.value);
      maxHeld = Math.max(maxHeld, heldIn(out));
    }
    expect(await task).toBe(n);
    expect(got).toEqual(range(n));
    expect(maxHeld).toBeLessThanOrEqual(cap);
    expect(maxHeld).toBeGreaterThan(0);
  });

  it('CH11 close is delivered after the values sent before it, both ways', async () => {
    const jobs = new Channel<number>(4);
    const collected = pool.go<number[]>('collect', [jobs]);
    for (let i = 0; i < 50; i++) await jobs.send(i);
    jobs.close();
    expect(await collected).toEqual(range(50));
    const out = new Channel<number>(4);
    const produced = pool.go('produce', [out, 50]);
    const got: number[] = [];
    for await (const v of out) got.push(v);
    expect(await produced).toBe(50);
    expect(got).toEqual(range(50));
    expect(out.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('CH13 close(err) carries the error with its class, both ways, after the values', async () => {
    const out = new Channel<number>(4);
    out.trySend(1);
    expect(await pool.go<string>('closeWithQuota', [out])).toBe('ClosedChannelError');
    expect(await out.recv()).toEqual({ value: 1, ok: true });
    const err = await out.recv().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaError);
    expect([(err as QuotaError).message, (err as QuotaError).limit]).toEqual(['quota of 5 exceeded', 5]);
    const jobs = new Channel<number>(4);
    const drained = pool.go<{ n: number; error?: string; quota?: boolean }>('drain', [jobs]);
    await jobs.send(1);
    await jobs.send(2);
    jobs.close(new QuotaError(7));
    expect(await drained).toEqual({ n: 2, error: 'QuotaError', quota: true });
  });

  it('CH2 unbuffered across Web Workers is a rendezvous: a send completes only when a receiver takes its value', async () => {
    // worker → main
    const ch = new Channel<string>();
    const acks = new Channel<string>(1);
    const task = pool.go('sendThenAck', [ch, acks, 'x']);
    await flush(20);
    expect(acks.tryRecv()).toBeUndefined(); // nobody received: the worker's send is still parked
    expect(ch.length).toBe(0);
    expect(await ch.recv()).toEqual({ value: 'x', ok: true });
    expect(await acks.recv()).toEqual({ value: 'sent', ok: true });
    await task;
    // main → worker
    const ch2 = new Channel<string>();
    const sent = track(ch2.send('y'));
    await flush(20);
    expect(sent.current.status).toBe('pending');
    expect(await pool.go('recvOne', [ch2])).toEqual({ value: 'y', ok: true });
    await flush();
    expect(sent.current.status).toBe('fulfilled');
  });
});

describe('select across Web Workers (R3)', () => {
  async function mixed(capA: number, capB: number, rounds: number, seed: number) {
    const random = rng(seed);
    const a = new Channel<number>(capA); // main sends, the worker receives in its selects
    const b = new Channel<number>(capB); // the worker sends in its selects, main receives
    const local = new Channel<number>(2);
    const task = pool.go<{ got: number[]; sent: number; locals: number }>('selects', [
      a,
      b,
      rounds,
      1_000_000,
    ]);
    const stop = new Channel<never>();
    void task.then(
      () => stop.close(),
      () => stop.close(),
    );
    const sentA: number[] = [];
    const gotB: number[] = [];
    let next = 0;
    let localIn = 0;
    let localOut = 0;
    for (;;) {
      if (random(4) === 0 && local.trySend(localIn)) localIn++;
      const r = await select({ s: send(a, next), r: recv(b), l: recv(local), stop: recv(stop) });
      if (r.case === 'stop') break;
      if (r.case === 's') sentA.push(next++);
      else if (r.case === 'r') gotB.push(r.value!);
      else if (r.case === 'l') localOut++;
    }
    const w = await task;
    // In a browser a task's result can arrive before its last channel messages, which travel on
    // another port: wait for every value the worker's send cases committed before closing `b` (a
    // value lost on the way would time out here).
    while (gotB.length < w.sent) gotB.push((await b.recv()).value!);
    a.close();
    const leftA: number[] = [];
    for await (const v of a) leftA.push(v);
    b.close();
    const leftB: number[] = [];
    for await (const v of b) leftB.push(v);
    // a: every value main's send cases committed was received by exactly one worker case, or is left.
    expect([...w.got, ...leftA].sort((x, y) => x - y)).toEqual(sentA);
    // b: every value the worker's send cases committed was received by a main case, or is left.
    expect([...gotB, ...leftB].sort((x, y) => x - y)).toEqual(range(w.sent, 1_000_000));
    expect(localOut).toBeLessThanOrEqual(localIn);
    expect(w.got.length + w.sent + w.locals).toBe(rounds);
    return w;
  }

  it('R3 SE2 selects on both threads over local channels and endpoints: exactly one case each time, nothing lost or duplicated', async () => {
    const w = await mixed(4, 2, 500, 1);
    expect(w.got.length).toBeGreaterThan(0);
    expect(w.sent).toBeGreaterThan(0);
    await mixed(0, 3, 300, 2);
    await mixed(3, 0, 300, 3);
  });
});

describe('Web Worker death (R2)', () => {
  /** Parks a receive and a send (on different unbuffered channels), and two receives on a buffered one, homed in the only thread of `p`. */
  async function parked(p: ThreadPool) {
    const ch = await p.go<RemoteChannel<number>>('stuck', [0]);
    const dst = await p.go<RemoteChannel<number>>('stuck', [0]);
    const src = await p.go<RemoteChannel<number>>('stuck', [2]);
    const ops = [
      track(ch.recv()),
      track(dst.send(1)),
      track(src.recv()),
      track(src[Symbol.asyncIterator]().next()),
    ];
    await flush(5);
    for (const op of ops) expect(op.current.status).toBe('pending');
    return { ch, ops };
  }

  async function settledByExit(ch: RemoteChannel<number>, ops: ReturnType<typeof track>[]) {
    for (const op of ops) {
      expect(op.current.status).toBe('rejected');
      expect((op.current as { reason: unknown }).reason).toBeInstanceOf(WorkerExitError);
    }
    // the channels act as closed with that error
    await expect(ch.recv()).rejects.toBeInstanceOf(WorkerExitError);
    const e = await ch.send(2).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClosedChannelError);
    expect((e as Error).cause).toBeInstanceOf(WorkerExitError);
  }

  it('R2 a Web Worker ended mid-stream by an uncaught error: every operation parked on endpoints homed in it settles with WorkerExitError', async () => {
    const { pool: p } = webPool(1);
    pools.push(p);
    const { ch, ops } = await parked(p);
    // mid-stream: a channel homed in the thread, ranged over here while the thread feeds it
    const stream = await p.go<RemoteChannel<number>>('source', [4]);
    const got: number[] = [];
    const ranged = (async () => {
      for await (const v of stream) got.push(v);
    })().then(
      () => 'completed',
      (e: unknown) => e,
    );
    while (got.length < 100) await flush(1);
    const crashed = p.go('crash', []).then(undefined, (e: unknown) => e);
    expect(await crashed).toBeInstanceOf(WorkerExitError);
    await flush(1);
    await settledByExit(ch, ops);
    expect(await ranged).toBeInstanceOf(WorkerExitError); // after the values received, in order
    expect(got).toEqual(range(got.length));
  });
});
