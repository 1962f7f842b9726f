// The cross-thread channel tests that hold on every platform, registered by the Node spec
// (channels.node.spec.ts: worker_threads) and the Chromium spec (channels.browser.spec.ts: module
// Web Workers) with their own pools and sizes. Both worker files serve the handlers of
// workers/channel-handlers.ts, plus `crash` (an uncaught error a few ms after the call).

import fc from 'fast-check';
import {
  after,
  background,
  CanceledError,
  Channel,
  ClosedChannelError,
  recv,
  select,
  select$,
  send,
  type ThreadPool,
  threadPool,
  transfer,
  trySelect,
  WorkerExitError,
  withCancel,
} from 'gorx';
import { firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { host } from '../../lib/threads/link.js';
import { RemoteChannel } from '../../lib/threads/remote.js';
import { collector, flush, heapUsed, rng, track } from '../helpers/async.js';
import { STRESS_SCALE } from '../helpers/env.js';
import {
  closeAll,
  eventually,
  gather,
  heldIn,
  inOrder,
  produce,
  racedRecvs,
  racedSends,
  range,
  work,
} from './channel-helpers.js';
import {
  bothReceiver,
  END,
  eitherSender,
  numberOf,
  pause,
  receiver,
  type Side,
  sender,
} from './model-actors.js';
import {
  closing,
  eachInOrder,
  faceOf,
  judge,
  orHang,
  type Program,
  pair,
  program,
  valuesOf,
} from './model-checks.js';
import type { Death, Killable } from './workers/channel-handlers.js';
import { QuotaError } from './workers/classes.js';

/** Sizes of the tests that grow with the machine (values, rounds); the suite multiplies them by STRESS_SCALE. */
export interface ChannelSizes {
  /** Values relayed main → worker → main in the order test. */
  order: number;
  /** Values split by two workers between them. */
  fanOut: number;
  /** Values through capacity 8 with a consumer 10× slower. */
  slowConsumer: number;
  /** Values through capacity 256 with a consumer 10× slower, while the sender's heap is sampled. */
  backpressure: number;
  /** Selects on each side, per channel mix. */
  selects: number;
  /** Selects of the worker over four channels with mixed homes. */
  mixedSelects: number;
  /** Values of the stream a dying relay forwards (it dies at a random point of it). */
  killed: number;
  /** Random programs of the property test. */
  programs: number;
}

export interface ChannelPlatform {
  /** The other side as test names call it ('threads', 'Web Workers'), and one of them ('worker'). */
  threads: string;
  thread: string;
  /** One thread serving the channel handlers, made the way the platform's applications make it. */
  spawn(): Killable;
  /** Resolves with the time at which the pool can notice the death of `worker` (from now on). */
  noticed(worker: Killable): Promise<number>;
  /** How a thread may end itself ('exit' needs process.exit); terminate() is always tested. */
  deaths: readonly Death[];
  /** The deaths after which the channels lose and duplicate nothing (the thread posts its last turn). */
  lossless: readonly Death[];
  sizes: ChannelSizes;
}

/**
 * R2 says every operation parked on a dead thread settles within 50 ms of the death being noticed;
 * on a loaded shared machine a turn of the event loop alone can take a few hundred ms, so the
 * tests allow 20 times that: a hang still fails, a slow machine does not.
 */
export const SETTLE_BOUND_MS = 50 * 20;

/** 10^k for a power of ten, else the number itself: how test names give sizes. */
const power = (n: number) => (/^10*$/.test(String(n)) ? `10^${String(n).length - 1}` : String(n));

/** A receive case that fires once a 0 ms timer has. */
const soon = () => recv(after(0));

/** The senders and receivers of `p` at place `at`, as the `act` handler takes them. */
const actorsAt = (p: Program, at: number) => [
  ...p.senders.flatMap((s, i) =>
    s.at === at
      ? [{ send: true, face: s.face, values: valuesOf(p, i), gives: s.gives, seed: p.seed + i }]
      : [],
  ),
  ...p.receivers.flatMap((r, i) =>
    r.at === at
      ? [{ send: false, face: faceOf(p, r.face), values: [], gives: r.gives, seed: p.seed + 10 + i }]
      : [],
  ),
];

/** `p` with its places 1 and 2 made one (1): one task away. */
const onePlaceAway = (p: Program): Program => {
  const at1 = <A extends { at: number }>(a: A) => ({ ...a, at: Math.min(a.at, 1) });
  return { ...p, senders: p.senders.map(at1), receivers: p.receivers.map(at1) };
};

/** The senders and receivers of `p` in this thread (place 0), on `side`. */
function actHere(p: Program, side: Side, draw: (n: number) => number) {
  const pending = { sends: 0, gaveUp: 0 };
  const none = () => {};
  return {
    here: p.receivers.flatMap((r) =>
      r.at === 0 ? [receiver(side, faceOf(p, r.face), r.gives, draw, none, pending)] : [],
    ),
    sending: p.senders.flatMap((s, i) =>
      s.at === 0 ? [sender(side, s.face, valuesOf(p, i), s.gives, draw, none, pending)] : [],
    ),
  };
}

/** Terminates `worker` after `pauses` pauses; resolves with the error `task` failed with. */
async function kill(
  worker: Killable,
  task: PromiseLike<unknown>,
  pauses: number,
  draw: (n: number) => number,
) {
  for (let k = 0; k < pauses; k++) await pause(draw);
  void worker.terminate();
  return Promise.resolve(task).then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** Registers the shared channel tests on `platform`. */
export function channelSuite(platform: ChannelPlatform): void {
  const { threads, thread, sizes } = platform;
  /** A pool of `size` threads, and the threads it made. */
  const spawn = (size: number) => {
    const workers: Killable[] = [];
    const pool = threadPool(
      () => {
        const w = platform.spawn();
        workers.push(w);
        return w;
      },
      { size },
    );
    return { pool, workers };
  };
  let pool: ThreadPool;
  beforeAll(() => {
    pool = spawn(2).pool;
  });
  afterAll(() => pool.close());

  /** Pools of one test (whose threads it may kill); closed after it. */
  const pools: ThreadPool[] = [];
  const single = () => {
    const made = spawn(1);
    pools.push(made.pool);
    return { pool: made.pool, worker: made.workers[0]! };
  };
  afterEach(async () => {
    await closeAll(pools);
  });

  describe(`channels across ${threads}`, () => {
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
      const task = pool.go<number>('relay', [jobs, out, -1, 'throw']);
      const got: number[] = [];
      const reader = (async () => {
        for await (const v of out) got.push(v);
      })();
      await produce(jobs, 300);
      expect(await task).toBe(300);
      await reader;
      expect(got).toEqual(range(300));
    });

    it(`CH6 per-sender order and nothing lost or duplicated: ${power(sizes.order)} values main → worker → main (ranging faces)`, async () => {
      const n = sizes.order * STRESS_SCALE;
      const jobs = new Channel<number>(256);
      const out = new Channel<number>(256);
      const task = pool.go<number>('relay', [jobs, out, -1, 'throw']);
      const [got] = await Promise.all([gather(out), produce(jobs, n)]);
      expect(await task).toBe(n);
      expect(got.length).toBe(n);
      for (let i = 0; i < n; i++) if (got[i] !== i) expect(got[i]).toBe(i);
    });

    it('CH6 a channel made in a worker and returned crosses back as an endpoint: every value, in order', async () => {
      const n = 20_000;
      const ch = await pool.go<RemoteChannel<number>>('source', [64, n]);
      expect(ch.capacity).toBe(64);
      expect(await gather(ch)).toEqual(range(n));
      expect(await ch.recv()).toEqual({ value: undefined, ok: false });
    });

    it('CH6 one channel shared by two workers (fan-out, fan-in): every value exactly once', async () => {
      const n = sizes.fanOut;
      const jobs = new Channel<number>(64);
      const out = new Channel<number>(64);
      const a = pool.go<number>('forward', [jobs, out]);
      const b = pool.go<number>('forward', [jobs, out]);
      const collected = gather(out);
      await produce(jobs, n);
      const [na, nb] = await Promise.all([a, b]);
      out.close();
      const got = await collected;
      expect(na + nb).toBe(n);
      expect(got.sort((x, y) => x - y)).toEqual(range(n));
    });

    it(`CH6 a receiver here and a slower one in a ${thread} share one sender's channel: each gets its values in order, every value once (values prefetched there and left untaken come back before this side takes later ones)`, async () => {
      const n = 3000;
      const ch = new Channel<number>(16);
      const log = new Int32Array(new SharedArrayBuffer(4 * (n + 1)));
      const there = pool.go<number>('recvLogged', [ch, log, 2]);
      // This side starts receiving once the thread took a value and holds the rest of its window.
      let i = 0;
      while (i < 16) await ch.send(i++);
      while (Atomics.load(log, 0) === 0) await flush(1);
      const here: number[] = [];
      const receiving = (async () => {
        for (;;) {
          const r = await ch.recv();
          if (!r.ok) return;
          here.push(r.value);
          // It yields now and then, so that the thread's window idles while this side takes.
          if (here.length % 7 === 0) await flush(1);
        }
      })();
      while (i < n) await ch.send(i++);
      ch.close();
      await receiving;
      const taken = await there;
      const away = Array.from(log.subarray(1, 1 + taken));
      expect(inOrder(here)).toBe(true);
      expect(inOrder(away)).toBe(true);
      expect([...here, ...away].sort((x, y) => x - y)).toEqual(range(n));
      // Both received: the thread's window did idle while this side took values.
      expect(Math.min(here.length, away.length)).toBeGreaterThan(0);
    });

    it(`CH1 CH4 CH5 CH6 CH9 CH11 SE1 random senders and receivers here and in two tasks on ${threads}, each through a random face, some giving up, and a close from a random side after the sends or racing with them: every completed send received once and no failed one, in order, the close after the values, nothing hangs`, async () => {
      await fc.assert(
        fc.asyncProperty(program, async (p) => {
          const ch = new Channel<number>(p.capacity);
          const draw = rng(p.seed);
          const pending = { sends: 0, gaveUp: 0 };
          const none = () => {};
          const reports = new Channel<{ sent: number[]; maybe: number[] }[]>(2);
          // Places 1 and 2 are a task each, on an endpoint of its own.
          const places = [1, 2].filter(
            (at) => p.closer === at || [...p.senders, ...p.receivers].some((a) => a.at === at),
          );
          const closes = places.map(() => new Channel<string>(1));
          const tasks = places.map((at, j) => {
            const actors = actorsAt(p, at);
            return pool.go<number[][]>('act', [ch, actors, reports, closes[j]]);
          });
          const here = p.receivers.map((r) =>
            r.at === 0 ? receiver(ch, faceOf(p, r.face), r.gives, draw, none, pending) : Promise.resolve([]),
          );
          const sending = p.senders.map((s, i) =>
            s.at === 0 ? sender(ch, s.face, valuesOf(p, i), s.gives, draw, none, pending) : undefined,
          );
          const closed = closing(p.closeAfter, draw, async () => {
            const message = p.error ? END : '';
            if (p.closer === 0) ch.close(message === '' ? undefined : new Error(message));
            else await closes[places.indexOf(p.closer)]!.send(message);
          });
          const all = (async () => {
            const sent = (await Promise.all(sending)).filter((x) => x !== undefined);
            for (let j = 0; j < places.length; j++) sent.push(...(await reports.recv()).value!);
            await closed();
            for (const c of closes) c.close();
            const away = await Promise.all(tasks);
            const got = await Promise.all(here);
            // Receiver i's values: from this thread, or from its place's task, in the task's order.
            const next = places.map(() => 0);
            const lists = p.receivers.map((r, i) =>
              r.at === 0 ? got[i]! : away[places.indexOf(r.at)]![next[places.indexOf(r.at)]!++]!,
            );
            return { sent, lists };
          })();
          const { sent, lists } = await orHang(all, () => ({}), 20_000);
          expect(heldIn(ch as Channel<unknown>)).toBe(0);
          // Receivers of one task share its endpoint: a place each.
          judge(p, sent, lists, (i) => p.receivers[i]!.at);
        }),
        { numRuns: sizes.programs },
      );
    }, 120_000);

    it(`R1 R2 CH1 random senders and receivers here and in a task, its ${thread} terminated at a random moment: nothing hangs, no value is made up or received twice beyond .uncertain, none sent here is lost when none is received there, and the channel holds nothing once closed`, async () => {
      await fc.assert(
        fc.asyncProperty(program, fc.integer({ min: 0, max: 60 }), async (p0, dieAfter) => {
          const p = onePlaceAway(p0);
          const draw = rng(p.seed);
          const ch = new Channel<number>(p.capacity);
          const { pool: one, workers } = spawn(1);
          try {
            // The thread is up first: it dies while its actors act.
            await one.go('itself', [0]);
            const task = one.go('act', [ch, actorsAt(p, 1), new Channel(2), new Channel<string>(1)]);
            const { here, sending } = actHere(p, ch, draw);
            const all = (async () => {
              // The task waits for a close that never comes from here before the death: it dies.
              const death = await kill(workers[0]!, task, dieAfter, draw);
              ch.close();
              const sent = (await Promise.all(sending)).flatMap((r) => r.sent);
              const got = await Promise.all(here);
              // What no receiver here took is left in the channel, given back by the dead one too.
              const left: number[] = [];
              for await (const v of ch) left.push(numberOf(v));
              return { death, got: [...got, left], sent };
            })();
            const { death, got, sent } = await orHang(all, () => ({ held: ch.held }), 20_000);
            expect(death).toBeInstanceOf(WorkerExitError);
            const received = got.flat();
            const all1 = new Set(p.senders.flatMap((_, i) => valuesOf(p, i).map(numberOf)));
            expect(received.filter((v) => !all1.has(v))).toEqual([]);
            const twice = received.length - new Set(received).size;
            expect(twice).toBeLessThanOrEqual((death as WorkerExitError).uncertain);
            if (!p.receivers.some((r) => r.at === 1))
              expect(sent.filter((v) => !received.includes(v))).toEqual([]);
            expect(heldIn(ch as Channel<unknown>)).toBe(0);
          } finally {
            await one.close();
          }
        }),
        { numRuns: Math.ceil(sizes.programs / 2) },
      );
    }, 120_000);

    it(`R2 CH1 random senders and receivers here on an endpoint and in a task at the channel's home, its ${thread} terminated at a random moment: every operation here settles (receives end with WorkerExitError after the values they got), no value is made up or received twice, each sender's values arrive here in order`, async () => {
      await fc.assert(
        fc.asyncProperty(program, fc.integer({ min: 0, max: 60 }), async (p0, dieAfter) => {
          const p = onePlaceAway(p0);
          const draw = rng(p.seed);
          const { pool: one, workers } = spawn(1);
          try {
            const handoff = new Channel<RemoteChannel<number>>(1);
            const task = one.go('actHome', [p.capacity, actorsAt(p, 1), handoff]);
            const { here, sending } = actHere(p, (await handoff.recv()).value!, draw);
            const all = (async () => {
              const death = await kill(workers[0]!, task, dieAfter, draw);
              await Promise.all(sending);
              return { death, got: await Promise.all(here) };
            })();
            const { death, got } = await orHang(all, () => ({}), 20_000);
            expect(death).toBeInstanceOf(WorkerExitError);
            const received = got.flat();
            const values = new Set(p.senders.flatMap((_, i) => valuesOf(p, i).map(numberOf)));
            expect(received.filter((v) => !values.has(v))).toEqual([]);
            expect(new Set(received).size).toBe(received.length);
            if (!p.receivers.some((r) => r.at === 1)) eachInOrder(got, p.senders.length);
          } finally {
            await one.close();
          }
        }),
        { numRuns: Math.ceil(sizes.programs / 2) },
      );
    }, 120_000);

    it(`SE1 SE3 SE8 CH4 selects sending to either of two channels and receiving from both, here and in a task on ${threads}, some giving up, and both closed after the sends or racing with them: each value sent goes to one channel and is received once, in order`, async () => {
      await fc.assert(
        fc.asyncProperty(pair, async (p) => {
          const draw = rng(p.seed);
          const [a, b] = p.capacities.map((c) => new Channel<number>(c)) as [
            Channel<number>,
            Channel<number>,
          ];
          const reports = new Channel<number[]>(1);
          // Place 1: one task, with endpoints of both channels.
          const actors = [
            ...p.senders.flatMap((s, i) =>
              s.at === 1
                ? [{ send: true, values: range(s.count, i * 1000), gives: s.gives, seed: p.seed + i }]
                : [],
            ),
            ...p.receivers.flatMap((r, i) =>
              r.at === 1 ? [{ send: false, values: [], gives: r.gives, seed: p.seed + 10 + i }] : [],
            ),
          ];
          const task =
            actors.length > 0 ? pool.go<[number[], number[]][]>('actPair', [a, b, actors, reports]) : null;
          const here = p.receivers.map((r) => (r.at === 0 ? bothReceiver(a, b, r.gives, draw) : null));
          const sending = p.senders.map((s, i) =>
            s.at === 0 ? eitherSender(a, b, range(s.count, i * 1000), s.gives, draw) : Promise.resolve([]),
          );
          const closed = closing(p.closeAfter, draw, () => {
            a.close();
            b.close();
          });
          const all = (async () => {
            const sent = (await Promise.all(sending)).flat();
            if (task !== null) sent.push(...(await reports.recv()).value!);
            await closed();
            const away = task === null ? [] : await task;
            const got = await Promise.all(here);
            let next = 0;
            const lists = p.receivers.map((r, i) => (r.at === 0 ? got[i]! : away[next++]!));
            return { sent, lists };
          })();
          const { sent, lists } = await orHang(all, () => ({}), 20_000);
          const received = lists.flatMap(([x, y]) => [...x, ...y]).sort((x, y) => x - y);
          expect(received).toEqual(sent.sort((x, y) => x - y));
          expect([heldIn(a as Channel<unknown>), heldIn(b as Channel<unknown>)]).toEqual([0, 0]);
          // The documented case: receivers in the task give up one channel for the other.
          const racy = p.receivers.length > 1 && p.receivers.some((r) => r.at === 1);
          if (!racy) eachInOrder(lists.flat(), p.senders.length);
        }),
        { numRuns: sizes.programs },
      );
    }, 120_000);

    it(`GO2 a pipeline of more stages than the ${threads} run at once, each a task blocked on its channel, does not deadlock: queued stages start`, async () => {
      const n = 6;
      const chs = Array.from({ length: n + 1 }, () => new Channel<number>(0));
      const stages = chs.slice(0, n).map((ch, i) => pool.go<number>('pipe', [ch, chs[i + 1], 1]));
      const got: number[] = [];
      const reading = (async () => {
        for await (const v of chs[n]!) got.push(v);
      })();
      for (let v = 0; v < 5; v++) await chs[0]!.send(v);
      chs[0]!.close();
      await reading;
      expect(got).toEqual([6, 7, 8, 9, 10]);
      expect(await Promise.all(stages)).toEqual(Array(n).fill(5));
    }, 30_000);

    it(`CH4 CH6 two ${threads} receive from one sender's channel, one slowly (its prefetched window idles) and one fast: each gets its values in order, every value once`, async () => {
      const n = 3000;
      const ch = new Channel<number>(16);
      const logs = [0, 1].map(() => new Int32Array(new SharedArrayBuffer(4 * (n + 1))));
      const slow = pool.go<number>('recvLogged', [ch, logs[0], 2]);
      let i = 0;
      while (i < 16) await ch.send(i++);
      while (Atomics.load(logs[0]!, 0) === 0) await flush(1);
      const fast = pool.go<number>('recvLogged', [ch, logs[1], 0]);
      while (i < n) await ch.send(i++);
      ch.close();
      const got = (await Promise.all([slow, fast])).map((k, j) => Array.from(logs[j]!.subarray(1, 1 + k)));
      expect(got.map(inOrder)).toEqual([true, true]);
      expect(got.flat().sort((x, y) => x - y)).toEqual(range(n));
      expect(Math.min(...got.map((xs) => xs.length))).toBeGreaterThan(0);
    });

    it('P9 backpressure main → worker: a consumer 10× slower; values held anywhere ≤ capacity at every sample', async () => {
      const cap = 8;
      const n = sizes.slowConsumer;
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
      const n = sizes.slowConsumer;
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

    it(`P9 backpressure over a long stream: ${power(sizes.backpressure)} values main → worker, a consumer 10× slower; values held anywhere ≤ capacity at every sample, the sender's heap grows ≤ 1 MB`, async () => {
      const cap = 256;
      const n = sizes.backpressure * STRESS_SCALE;
      const gc = collector();
      const jobs = new Channel<number>(cap);
      let maxHeld = 0;
      const sample = () => {
        maxHeld = Math.max(maxHeld, heldIn(jobs));
      };
      const timer = setInterval(sample, 1);
      // The producer does one unit of work per value, the consumer ten.
      const task = pool.go<{ n: number; maxLength: number; inOrder: boolean }>('slowSink', [jobs, 10]);
      const heap: number[] = [];
      let sink = 0;
      for (let i = 0; i < n; i++) {
        sink ^= work(1);
        if (!jobs.trySend(i)) await jobs.send(i);
        sample();
        if (i % (n / 10) === 0) {
          gc();
          heap.push(heapUsed());
        }
      }
      jobs.close();
      const r = await task;
      clearInterval(timer);
      gc();
      heap.push(heapUsed());
      expect(r).toMatchObject({ n, inOrder: true });
      expect(maxHeld).toBeLessThanOrEqual(cap);
      expect(maxHeld).toBeGreaterThan(cap / 2); // the consumer lagged: the channel was full
      expect(r.maxLength).toBeLessThanOrEqual(cap); // what the endpoint prefetched
      // From the sample after the first tenth (the channel and its link warmed up) to the end.
      expect(heap[heap.length - 1]! - heap[1]!).toBeLessThanOrEqual(2 ** 20);
      expect(sink).not.toBeNaN();
    });

    it(`P9 backpressure over a long stream: ${power(sizes.backpressure)} values worker → main, a consumer 10× slower; values held anywhere ≤ capacity at every sample, the sending thread's heap grows ≤ 1 MB where it can be read`, async () => {
      const cap = 256;
      const n = sizes.backpressure * STRESS_SCALE;
      const results = new Channel<number>(cap);
      let maxHeld = 0;
      const sample = () => {
        maxHeld = Math.max(maxHeld, heldIn(results));
      };
      const timer = setInterval(sample, 1);
      const task = pool.go<{ growth: number | null }>('slowSource', [results, n]);
      let next = 0;
      let inOrder = true;
      let sink = 0;
      for await (const v of results) {
        if (v !== next) inOrder = false;
        next++;
        sink ^= work(10);
        sample();
      }
      const r = await task;
      clearInterval(timer);
      expect({ received: next, inOrder }).toEqual({ received: n, inOrder: true });
      expect(maxHeld).toBeLessThanOrEqual(cap);
      expect(maxHeld).toBeGreaterThan(cap / 2); // the consumer lagged: the channel was full
      if (r.growth !== null) expect(r.growth).toBeLessThanOrEqual(2 ** 20);
      expect(sink).not.toBeNaN();
    });

    it('CH11 close is delivered after the values sent before it, both ways', async () => {
      // main closes: the worker receives every value, then the end.
      const jobs = new Channel<number>(4);
      const collected = pool.go<number[]>('collect', [jobs]);
      for (let i = 0; i < 50; i++) await jobs.send(i);
      jobs.close();
      expect(await collected).toEqual(range(50));
      // the worker closes right after its last send: main receives every value, then ok: false.
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
      expect(await pool.go<string>('closeWith', [out, 'QuotaError'])).toBe('ClosedChannelError'); // a send on the endpoint it closed
      expect(await out.recv()).toEqual({ value: 1, ok: true });
      const err = await out.recv().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QuotaError);
      expect([(err as QuotaError).message, (err as QuotaError).limit]).toEqual(['quota of 5 exceeded', 5]);
      // main closes with an error: the worker's receives end with it, as the same class.
      const jobs = new Channel<number>(4);
      const drained = pool.go<{ n: number; error?: string; quota?: boolean }>('drain', [jobs]);
      await jobs.send(1);
      await jobs.send(2);
      jobs.close(new QuotaError(7));
      expect(await drained).toEqual({ n: 2, error: 'QuotaError', quota: true });
    });

    it('CH9 CH10 send on a closed channel, and close of a closed one, are ClosedChannelError on both sides', async () => {
      const ch = new Channel<number>(2);
      expect(await pool.go('closeWith', [ch, null])).toBe('ClosedChannelError');
      await expect(ch.send(1)).rejects.toBeInstanceOf(ClosedChannelError);
      expect(() => ch.close()).toThrow(ClosedChannelError);
      // closed here: the worker's parked send fails, and a send after it too.
      const full = new Channel<number>(1);
      full.trySend(0);
      const sending = pool.go('sendCtx', [full, 1]);
      await flush(5);
      full.close();
      expect(await sending).toEqual({ error: 'ClosedChannelError', canceled: false });
      // The close made here before the task starts is seen there (MM1), so its close() throws.
      await expect(pool.go('closeWith', [full, null])).rejects.toThrow('close of closed channel');
      expect(full.tryRecv()).toEqual({ value: 0, ok: true });
      expect(full.tryRecv()).toEqual({ value: undefined, ok: false });
    });

    it(`CH2 unbuffered across ${threads} is a rendezvous: a send completes only when a receiver takes its value`, async () => {
      // worker → main
      const ch = new Channel<string>();
      const acks = new Channel<string>(1);
      const task = pool.go('sendThenAck', [ch, acks, 'x']);
      await new Promise((r) => setTimeout(r, 30));
      expect(acks.tryRecv()).toBeUndefined(); // nobody received: the worker's send is still parked
      expect(ch.length).toBe(0);
      expect(await ch.recv()).toEqual({ value: 'x', ok: true });
      expect(await acks.recv()).toEqual({ value: 'sent', ok: true });
      await task;
      // main → worker
      const ch2 = new Channel<string>();
      const sent = track(ch2.send('y'));
      await new Promise((r) => setTimeout(r, 30));
      expect(sent.current.status).toBe('pending');
      expect(await pool.go('recvOne', [ch2])).toEqual({ value: 'y', ok: true });
      await flush();
      expect(sent.current.status).toBe('fulfilled');
    });

    it('CH2 unbuffered, 500 rendezvous each way through one worker, in order', async () => {
      const jobs = new Channel<number>();
      const out = new Channel<number>();
      const task = pool.go<number>('pipe', [jobs, out, 0]);
      const [got] = await Promise.all([gather(out), produce(jobs, 500)]);
      expect(await task).toBe(500);
      expect(got).toEqual(range(500));
    });

    it('CX cancellation reaches a receive parked on an endpoint in the worker; no value is lost to it', async () => {
      for (const cap of [0, 4]) {
        const ch = new Channel<number>(cap);
        const task = pool.go('recvCtx', [ch]);
        await flush(5);
        task.cancel();
        expect(await task).toEqual({ error: 'CanceledError', canceled: true });
        // the cancelled receive took nothing: a value sent now is received here
        const sent = ch.send(42);
        expect(await ch.recv()).toEqual({ value: 42, ok: true });
        await sent;
      }
    });

    it('CX cancellation reaches a send parked on an endpoint in the worker; its value was not sent', async () => {
      for (const cap of [0, 1]) {
        const ch = new Channel<number>(cap);
        if (cap > 0) ch.trySend(0);
        const task = pool.go('sendCtx', [ch, 99]);
        await flush(5);
        task.cancel();
        expect(await task).toEqual({ error: 'CanceledError', canceled: true });
        if (cap > 0) expect(ch.tryRecv()).toEqual({ value: 0, ok: true });
        await flush(5);
        expect(ch.tryRecv()).toBeUndefined();
      }
    });

    it('CX cancellation of a receive parked here on an endpoint: it rejects, and the value goes to the next receive', async () => {
      const ch = await pool.go<RemoteChannel<number>>('source', [4, 3]);
      await flush(5);
      while (ch.tryRecv() !== undefined) {} // the first values, whatever is prefetched
      const [ctx, cancel] = withCancel(background());
      const empty = await pool.go<RemoteChannel<number>>('stuck', [2]);
      const parked = empty.recv(ctx);
      cancel();
      await expect(parked).rejects.toBeInstanceOf(CanceledError);
      const [ctx2, cancel2] = withCancel(background());
      const sending = empty.send(5, ctx2); // an endpoint's send parks until the home grants room
      await flush(5);
      cancel2();
      const s = await sending.then(
        () => 'sent',
        (e: unknown) => (e instanceof CanceledError ? 'canceled' : e),
      );
      expect(['sent', 'canceled']).toContain(s);
    });
  });

  describe(`unbuffered sends across ${threads}: offers parked at the home`, () => {
    /** Races of a send against its own cancellation, each way. */
    const RACES = 10_000;

    it(`CH2 a send from a ${thread} on an unbuffered channel of this thread completes only once a receiver here took its value: until then it waits here as a sender, and its cancellation withdraws it, so nothing is ever received`, async () => {
      const ch = new Channel<number>();
      const task = pool.go('sendCtx', [ch, 7]);
      const state = track(task);
      // The send arrives as a sender of the channel, with its value …
      while (ch.waiting.senders === 0) await flush(1);
      await new Promise((r) => setTimeout(r, 20));
      // … and stays parked while nobody receives.
      expect(state.current.status).toBe('pending');
      expect(ch.waiting.senders).toBe(1);
      expect(ch.length).toBe(0);
      task.cancel();
      expect(await task).toEqual({ error: 'CanceledError', canceled: true });
      await flush(5);
      expect(ch.waiting.senders).toBe(0);
      expect(ch.tryRecv()).toBeUndefined();
      expect(ch.length).toBe(0);
    });

    it(`CH2 SE1 a select here takes a ${thread}'s parked unbuffered send like a local sender's, and only then does that send complete`, async () => {
      const ch = new Channel<string>();
      const acks = new Channel<string>(1);
      const local = new Channel<string>();
      const task = pool.go('sendThenAck', [ch, acks, 'x']);
      while (ch.waiting.senders === 0) await flush(1);
      await new Promise((r) => setTimeout(r, 20));
      expect(acks.tryRecv()).toBeUndefined();
      expect(await select({ c: recv(ch), l: recv(local) })).toEqual({ case: 'c', value: 'x', ok: true });
      expect(await acks.recv()).toEqual({ value: 'sent', ok: true });
      await task;
    });

    it(`CH2 CX 10^4 unbuffered sends from a ${thread}, each cancelled at a random moment while receives here come and go: each send completed exactly when its value was received (done) or failed with its context's error (withdrawn); nothing lost, nothing duplicated`, async () => {
      const ch = new Channel<number>();
      const task = pool.go<number[]>('offerRace', [ch, RACES, 11]);
      const got = await racedRecvs(ch, rng(7), () => flush(1));
      const sent = await task;
      expect(got).toEqual(sent);
      // both outcomes happened
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.length).toBeLessThan(RACES);
    });

    it(`CH2 CX 10^4 unbuffered sends here to a channel of a ${thread}, each cancelled at a random moment while its receiver there comes and goes: nothing lost, nothing duplicated`, async () => {
      const { pool: one } = single();
      const ch = await one.go<RemoteChannel<number>>('sink', [5]);
      const sent = await racedSends(ch, RACES, rng(13), () => flush(1));
      ch.close();
      expect(await one.go('sunk', [])).toEqual(sent);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.length).toBeLessThan(RACES);
    });
  });

  describe(`unbuffered select cases across ${threads}: a rendezvous, never a value left in the channel`, () => {
    const RACES = 10_000;

    it(`CH2 SE2 CX ${power(RACES)} select send cases in a ${thread} (beside a case that fires after a turn) against receives here cancelled at random moments: each committed send was taken by a receive here that returned it; nothing lost, duplicated or left`, async () => {
      const ch = new Channel<number>();
      const task = pool.go<number[]>('selectSends', [ch, RACES, 19]);
      // No value waits in an unbuffered channel: a committed send went to a receiver.
      const got = await racedRecvs(
        ch,
        rng(17),
        () => flush(1),
        () => expect(ch.length).toBe(0),
      );
      const sent = await task;
      expect(got).toEqual(sent);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.length).toBeLessThan(RACES);
    });

    it(`CH2 SE2 CX ${power(RACES)} sends here cancelled at random moments against select receive cases in a ${thread} (beside a case that fires after a turn): each completed send was taken there; nothing lost, duplicated or left`, async () => {
      const ch = new Channel<number>();
      const task = pool.go<number[]>('selectRecvs', [ch, 23]);
      // No value waits in an unbuffered channel: a completed send went to a receiver.
      const sent = await racedSends(
        ch,
        RACES,
        rng(29),
        () => flush(1),
        () => expect(ch.length).toBe(0),
      );
      ch.close();
      expect(await task).toEqual(sent);
      expect(ch.length).toBe(0);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.length).toBeLessThan(RACES);
    });

    it(`CH2 a plain send, which may go ahead to a ${thread} whose receiver took the last value, completes only when a receiver takes it: there in its turn, or else here`, async () => {
      const ch = new Channel<number>();
      const next = new Channel<never>();
      const task = pool.go<number[]>('recvLater', [ch, next]);
      await ch.send(1); // taken there: the next plain send may go ahead
      const ahead = track(ch.send(2));
      await flush(5);
      // Nobody there receives it: it waits (there for a turn, then here), and a receiver here takes it.
      expect(ahead.current.status).toBe('pending');
      expect(await ch.recv()).toEqual({ value: 2, ok: true });
      await flush(1);
      expect(ahead.current.status).toBe('fulfilled');
      // The receiver there is back (ranging): sends go to it.
      next.close();
      for (let i = 3; i < 10; i++) await ch.send(i);
      // One more, and the channel is closed here before anyone takes it: the send fails.
      const late = ch.send(10);
      await flush(5);
      ch.close();
      const outcome = await late.then(
        () => 'sent',
        (e: unknown) => e,
      );
      const got = await task;
      // It was taken there before the close, or it failed and nobody received it.
      if (outcome === 'sent') expect(got).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 10]);
      else {
        expect(outcome).toBeInstanceOf(ClosedChannelError);
        expect(got).toEqual([1, 3, 4, 5, 6, 7, 8, 9]);
      }
    });

    it(`CH2 SE2 CX two endpoints of an unbuffered channel of this thread, both in ${threads}: one sends (plain sends cancelled at random, or select send cases), the other receives in selects; every value whose send completed is received there once, in order`, async () => {
      for (const sender of ['offerRace', 'selectSends']) {
        const ch = new Channel<number>();
        const received = pool.go<number[]>('selectRecvs', [ch, 31]);
        const sent = await pool.go<number[]>(sender, [ch, RACES / 5, 37]);
        expect(await received).toEqual(sent);
        expect(ch.length).toBe(0);
        // A select without its timer case waits for the receiver: some of those commit.
        if (sender === 'selectSends') expect(sent.length).toBeGreaterThan(0);
      }
    });
  });

  it(`D2 transfer() on a value sent on a channel moves its buffers to the ${thread} and back instead of copying them, buffered and unbuffered`, async () => {
    for (const capacity of [0, 2]) {
      const jobs = new Channel<Uint8Array>(capacity);
      const task = pool.go<number[]>('firstBytes', [jobs]);
      const sent: Uint8Array[] = [];
      for (let i = 1; i <= 5; i++) {
        const b = new Uint8Array(64).fill(i);
        sent.push(b);
        await jobs.send(transfer(b, [b.buffer]));
      }
      jobs.close();
      expect(await task).toEqual([1, 2, 3, 4, 5]);
      expect(sent.map((b) => b.byteLength)).toEqual([0, 0, 0, 0, 0]);
      const out = new Channel<Uint8Array>(capacity);
      const back = pool.go<number[]>('sendBytes', [out, 5, 64]);
      const got = await gather(out);
      expect(got.map((b) => [b.byteLength, b[0]])).toEqual([1, 2, 3, 4, 5].map((i) => [64, i]));
      expect(await back).toEqual([0, 0, 0, 0, 0]);
    }
  });

  describe(`channels inside values, across ${threads}`, () => {
    it(`a request carries its own reply channel (Go's chan of requests with a reply chan): ${thread} answers on channels made here, here answers on channels made in the ${thread}`, async () => {
      const reqs = new Channel<{ n: number; reply: Channel<number> }>(2);
      const task = pool.go<number>('answer', [reqs]);
      const replies = [0, 1, 2, 3].map((n) => {
        const reply = new Channel<number>(n % 2);
        return { n, reply, sent: reqs.send({ n, reply }) };
      });
      for (const { n, reply, sent } of replies) {
        await sent;
        expect(await reply.recv()).toEqual({ value: 2 * n, ok: true });
        expect(await reply.recv()).toEqual({ value: undefined, ok: false }); // closed there
      }
      reqs.close();
      expect(await task).toBe(4);
      // the other way: the requests come from there, each with a reply channel of its own thread
      const asks = new Channel<{ n: number; reply: RemoteChannel<number> }>();
      const asking = pool.go<number[]>('ask', [asks, 6]);
      for await (const { n, reply } of asks) {
        expect(reply).toBeInstanceOf(RemoteChannel);
        await reply.send(n + 100);
      }
      expect(await asking).toEqual([100, 101, 102, 103, 104, 105]);
    });

    it(`a channel that crossed is a plain one again once closed and drained, whichever way its values went: its links end, also while the task that holds the other side runs on`, async () => {
      // Within a few round trips (a sender there gives its credits back once it hears of the close).
      const plain = (ch: Channel<unknown>) => eventually(() => ch.crossing === null);
      // Reply channels the thread only sends on and closes.
      const reqs = new Channel<{ n: number; reply: Channel<number> }>();
      const task = pool.go<number>('answer', [reqs]);
      for (const capacity of [0, 1, 4]) {
        const reply = new Channel<number>(capacity);
        await reqs.send({ n: capacity, reply });
        expect(await reply.recv()).toEqual({ value: 2 * capacity, ok: true });
        expect(await reply.recv()).toEqual({ value: undefined, ok: false });
        expect(await plain(reply as Channel<unknown>)).toBe(true);
        // Closed with values left, drained later here.
        const late = new Channel<number>(capacity + 1);
        await reqs.send({ n: 7, reply: late });
        await eventually(() => late.closed);
        expect(await late.recv()).toEqual({ value: 14, ok: true });
        expect(await plain(late as Channel<unknown>)).toBe(true);
      }
      // A channel the thread only sent on, closed here once it has what it wanted.
      const out = new Channel<string>(4);
      const acks = new Channel<string>(1);
      const sending = pool.go('sendThenAck', [out, acks, 'v']);
      expect((await out.recv()).value).toBe('v');
      await acks.recv();
      await sending;
      out.close();
      expect(await plain(out as Channel<unknown>)).toBe(true);
      reqs.close();
      await task;
    });

    it(`a channel that crossed and is never closed (Go collects it): once the ${thread} lets its endpoint go, the link ends and everything lent there comes back; the channel stays open`, async () => {
      const { pool: one } = single();
      const plain = (ch: Channel<number>) => (ch as Channel<unknown>).crossing === null;
      const reqs = new Channel<{ n: number; reply: Channel<number> }>();
      const task = one.go<number>('answer', [reqs, false]);
      const replies = [0, 1, 4].map((c) => new Channel<number>(c));
      // The last one may stay in the frame of the loop that waits for the next request there.
      for (const [n, reply] of [...replies, new Channel<number>()].entries()) {
        await reqs.send({ n, reply });
        expect(await reply.recv()).toEqual({ value: 2 * n, ok: true });
      }
      // A window prefetched there (one value of it taken), and credits there (one used).
      const lent = new Channel<number>(8);
      for (let i = 0; i < 8; i++) lent.trySend(i);
      expect(await one.go('recvOne', [lent])).toEqual({ value: 0, ok: true });
      const room = new Channel<number>(4);
      await one.go('sendOne', [room, 9]);
      const all = [...replies, lent, room];
      await eventually(
        () => all.every(plain),
        () => one.go('gcHere', []),
      );
      expect(all.map(plain)).toEqual(all.map(() => true));
      const rest: number[] = [];
      for (let r = lent.tryRecv(); r?.ok; r = lent.tryRecv()) rest.push(r.value!);
      expect(rest).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(room.length).toBe(1);
      for (let i = 0; i < 3; i++) expect(room.trySend(i)).toBe(true);
      expect(room.trySend(-1)).toBe(false);
      // Open: it crosses again.
      await reqs.send({ n: 5, reply: replies[1]! });
      expect(await replies[1]!.recv()).toEqual({ value: 10, ok: true });
      reqs.close();
      expect(await task).toBe(5);
    });

    it(`endpoints here of channels made in the ${thread}, never closed: once this thread lets them go, the ${thread}'s channels are plain ones again, with the values lent here back`, async () => {
      const { pool: one } = single();
      const gc = collector();
      const capacities = [0, 1, 4];
      // Used and let go in a frame of their own.
      await (async () => {
        for (const c of capacities) {
          const ep = await one.go<RemoteChannel<number>>('keepFull', [`lent${c}`, c]);
          if (c > 0) expect(await ep.recv()).toEqual({ value: 0, ok: true });
        }
      })();
      const state = () =>
        Promise.all(
          capacities.map((c) => one.go<{ plain: boolean; length: number }>('keptState', [`lent${c}`])),
        );
      await eventually(
        async () => (await state()).every((s) => s.plain),
        async () => {
          gc();
          await new Promise((resolve) => setTimeout(resolve, 5));
        },
      );
      expect(await state()).toEqual(capacities.map((c) => ({ plain: true, length: Math.max(0, c - 1) })));
      for (const c of capacities) expect(await one.go('takeKept', [`lent${c}`])).toEqual(range(c).slice(1));
    });

    for (const closes of [true, false]) {
      it(`a task that runs on answering requests, each with a reply channel made here that it ${closes ? 'closes: the links of the replies end as they go' : `never closes: the links of the replies end as the ${thread} lets them go`} (this thread's heap grows ≤ 2 MB over 4,000 requests, or within two more windows of 4,000 where a window ends over it)`, async () => {
        const { pool: one } = single();
        const gc = collector();
        const reqs = new Channel<{ n: number; reply: Channel<number> }>();
        const task = one.go<number>('answer', [reqs, closes]);
        const ask = async (n: number) => {
          const reply = new Channel<number>(n % 2);
          await reqs.send({ n, reply });
          expect((await reply.recv()).value).toBe(2 * n);
          if (closes) expect((await reply.recv()).ok).toBe(false);
        };
        // Left open, the replies go once the thread's collector runs.
        const collect = () => (closes ? undefined : one.go('gcHere', []));
        for (let i = 0; i < 500; i++) await ask(i);
        await collect();
        gc();
        const before = heapUsed();
        // A leak grows with every window of 4,000 requests. Chromium under load may hold a few MB
        // after a window and give them back in the next, so a window over the bound gets up to two
        // more before the growth is judged.
        let growth = 0;
        let windows = 0;
        do {
          for (let i = 0; i < 4000; i++) {
            await ask(i);
            if (i % 500 === 499) await collect();
          }
          windows++;
          await flush(2);
          gc();
          growth = heapUsed() - before;
        } while (growth > 2 ** 21 && windows < 3);
        reqs.close();
        expect(await task).toBe(500 + 4000 * windows);
        expect(growth).toBeLessThanOrEqual(2 ** 21);
      });
    }

    it(`a channel of channels (Go's chan chan T), and channels inside an argument`, async () => {
      const chans = new Channel<Channel<number>>(1);
      const task = pool.go<number>('fill', [chans]);
      const targets = [new Channel<number>(1), new Channel<number>(0), new Channel<number>(3)];
      const got = targets.map((c) => c.recv());
      for (const c of targets) await chans.send(c);
      chans.close();
      expect(await task).toBe(3);
      expect(await Promise.all(got)).toEqual([0, 1, 2].map((value) => ({ value, ok: true })));
      const jobs = new Channel<number>(4);
      const out = new Channel<number>();
      const summing = pool.go('sumInto', [{ jobs, out }]);
      await produce(jobs, 10);
      expect(await out.recv()).toEqual({ value: 45, ok: true });
      await summing;
    });
  });

  describe(`a channel homed here between two ${threads}`, () => {
    for (const capacity of [1, 2]) {
      it(`CH3 capacity ${capacity}: a receive in one ${thread} waits first, then a send in another goes through (the slot held for the receive goes to the sender)`, async () => {
        const a = single();
        const b = single();
        const ch = new Channel<number>(capacity);
        const got = b.pool.go('recvOne', [ch]);
        // The receive there waits here (a receiver parked for it, holding a slot).
        while (ch.waiting.receivers === 0) await flush();
        expect(await a.pool.go('produce', [ch, capacity])).toBe(capacity);
        expect(await got).toEqual({ value: 0, ok: true });
        expect(await gather(ch)).toEqual(range(capacity).slice(1));
      });
    }
  });

  describe(`endpoints cross on between ${threads} (CH17: a channel is a value like any other)`, () => {
    it('CH17 an endpoint that comes back to its home thread is the channel itself: as a result, inside a value sent on a channel, and it still works across threads', async () => {
      const ch = new Channel<number>(2);
      expect(await pool.go('itself', [ch])).toBe(ch);
      const out = new Channel<{ back: Channel<number> }>(1);
      await pool.go('resend', [ch, out]);
      expect((await out.recv()).value!.back).toBe(ch);
      const task = pool.go<number[]>('collect', [ch]);
      await produce(ch, 100);
      expect(await task).toEqual(range(100));
      await flush(4);
      // The links opened for the trips home are dropped: what is left is the endpoints of the two tasks.
      const links = (ch.crossing as unknown as { links: unknown[] } | null)?.links.length ?? 0;
      expect(links).toBeLessThanOrEqual(2);
    });

    for (const capacity of [0, 16]) {
      it(`CH4 CH18 a channel made in one ${thread} (capacity ${capacity}), whose endpoint the main thread hands to another: that one talks to the home directly; every value in order, then the rest here, after it handed it back`, async () => {
        const a = single();
        const b = single();
        const n = 2000;
        const src = await a.pool.go<RemoteChannel<number>>('source', [capacity, n]);
        const { got, ch } = await b.pool.go<{ got: number[]; ch: RemoteChannel<number> }>('takeSome', [
          src,
          700,
        ]);
        expect(got).toEqual(range(700));
        expect(ch).toBeInstanceOf(RemoteChannel);
        expect(ch.capacity).toBe(capacity);
        const rest = await gather(ch);
        expect(rest).toEqual(range(n).slice(700));
        // The endpoint the main thread kept sees the same channel, closed and drained.
        expect(await src.recv()).toEqual({ value: undefined, ok: false });
      });
    }

    it(`CH17 an endpoint sent inside a value from one ${thread} reaches another through a channel homed here; a main-thread channel, unbuffered, goes on working end to end`, async () => {
      const a = single();
      const b = single();
      const ch = new Channel<number>();
      const via = new Channel<{ back: Channel<number> }>(1);
      const collected = b.pool.go<number[]>('collectVia', [via]);
      await a.pool.go('resend', [ch, via]);
      await produce(ch, 300);
      expect(await collected).toEqual(range(300));
      expect(ch.length).toBe(0);
    });

    it(`MM1 what a ${thread} sent on an endpoint that reached it through another ${thread} is here when its task settles`, async () => {
      const a = single();
      const b = single();
      for (let round = 0; round < 20; round++) {
        const key = `inbox${round}`;
        const inbox = await b.pool.go<RemoteChannel<{ back: Channel<number> }>>('inbox', [key]);
        const ch = new Channel<number>(8);
        const sent = b.pool.go('sendVia', [key, 8]);
        await a.pool.go('resend', [ch, inbox]);
        await sent;
        expect(ch.length).toBe(8);
        expect(range(8).map(() => ch.tryRecv()?.value)).toEqual(range(8));
      }
    });

    it(`an endpoint that crossed on to a third ${thread} and is let go there and on the way: the channel is a plain one again, with what it lent back, in order`, async () => {
      const a = single();
      const b = single();
      const ch = new Channel<number>(8);
      for (let i = 0; i < 8; i++) ch.trySend(i);
      await (async () => {
        const inbox = await b.pool.go<RemoteChannel<{ back: Channel<number> }>>('inbox', ['via']);
        const took = b.pool.go<number[]>('takeVia', ['via', 3]);
        await a.pool.go('resend', [ch, inbox]);
        expect(await took).toEqual([0, 1, 2]);
      })();
      await eventually(
        () => (ch as Channel<unknown>).crossing === null,
        () => Promise.all([a.pool.go('gcHere', []), b.pool.go('gcHere', [])]),
      );
      expect((ch as Channel<unknown>).crossing).toBe(null);
      expect(range(5).map(() => ch.tryRecv()?.value)).toEqual([3, 4, 5, 6, 7]);
    });

    it(`R2 the home ${thread} of a channel dies just as its endpoint leaves for another ${thread}: that task ends with WorkerExitError either way`, async () => {
      for (let round = 0; round < 3; round++) {
        const a = single();
        const b = single();
        const src = await a.pool.go<RemoteChannel<number>>('source', [4, Number.POSITIVE_INFINITY]);
        // The other thread is still starting: the endpoint waits here with its task.
        const drained = b.pool.go<{ error?: string }>('drain', [src]);
        a.worker.terminate();
        const seen = await drained.then(
          (r) => r.error,
          (e: unknown) => (e as Error).name,
        );
        expect(seen).toBe('WorkerExitError');
      }
    });

    it(`an argument that cannot be cloned beside an endpoint that crosses on still fails its task with DataCloneError`, async () => {
      const a = single();
      const src = await a.pool.go<RemoteChannel<number>>('source', [4, 3]);
      const err = await pool.go('drain', [src, () => 1]).then(undefined, (e: unknown) => e);
      expect((err as Error).name).toBe('DataCloneError');
      expect(await gather(src)).toEqual([0, 1, 2]);
    });

    it(`R2 a ${thread} that got an endpoint through the main thread dies: the channel's ${thread} takes back what it held, and its other receivers go on in order`, async () => {
      const a = single();
      const b = single();
      const n = 2000;
      const src = await a.pool.go<RemoteChannel<number>>('source', [4, n]);
      const slow = b.pool.go('slow', [src, 5]).then(undefined, (e: unknown) => e);
      await flush(20);
      b.worker.terminate();
      expect(await slow).toBeInstanceOf(WorkerExitError);
      const rest = await gather(src);
      expect(rest.at(-1)).toBe(n - 1);
      for (let i = 1; i < rest.length; i++)
        if (rest[i]! <= rest[i - 1]!) expect(rest[i]).toBeGreaterThan(rest[i - 1]!);
    });

    it('an endpoint whose channel is closed and drained crosses on closed and drained, with its error', async () => {
      const a = single();
      const src = await a.pool.go<RemoteChannel<number>>('source', [2, 3]);
      expect(await gather(src)).toEqual([0, 1, 2]);
      expect(await pool.go('drain', [src])).toEqual({ n: 0 });
      const failing = await a.pool.go<RemoteChannel<unknown>>('stuck', [1]);
      failing.close(new RangeError('gone'));
      expect(await pool.go('drain', [failing])).toEqual({ n: 0, error: 'RangeError', quota: false });
    });

    it(`R2 the home ${thread} of a channel whose endpoint went on to another ${thread} dies: the receive there settles with WorkerExitError`, async () => {
      const a = single();
      const b = single();
      const src = await a.pool.go<RemoteChannel<number>>('source', [4, Number.POSITIVE_INFINITY]);
      // The other thread is running: the endpoint reaches it before the death.
      await b.pool.go('itself', [0]);
      const drained = b.pool.go<{ n: number; error?: string }>('drain', [src]);
      await flush(20);
      const t0 = performance.now();
      a.worker.terminate();
      const r = await drained;
      expect(performance.now() - t0).toBeLessThan(SETTLE_BOUND_MS);
      expect(r.error).toBe('WorkerExitError');
    });

    it(`R2 a channel homed in the ${thread} of a pool nested in a ${thread} reaches this thread through it; when that ${thread} dies, a receive here settles with WorkerExitError`, async () => {
      const { pool: p } = single();
      const ch = await p.go<RemoteChannel<number>>('nestedChannel', [4]);
      const received = ch.recv();
      const got = track(received);
      await flush(5);
      expect(got.current.status).toBe('pending');
      // No pool here knows that thread: the news comes up through the pool that made it.
      const t0 = performance.now();
      await p.go('killNested', []);
      await expect(received).rejects.toBeInstanceOf(WorkerExitError);
      expect(performance.now() - t0).toBeLessThan(SETTLE_BOUND_MS);
    });
  });

  it(`GO2 CH10 a channel closed here before pool.go is closed for that task in the ${thread}, and one closed there before its task returned is closed here, though the close ended its link`, async () => {
    const { pool: one } = single();
    for (let i = 0; i < 30; i++) {
      const ch = new Channel<number>(4);
      await one.go('holdEndpoint', [`c${i}`, ch]);
      await new Promise((resolve) => setTimeout(resolve, 1));
      ch.close();
      expect(await one.go('probeHeld', [`c${i}`])).toEqual({ recv: 'closed', close: 'ClosedChannelError' });
      const there = await one.go<RemoteChannel<number>>('keepEmpty', [`o${i}`]);
      await new Promise((resolve) => setTimeout(resolve, 1));
      await one.go('closeKept', [`o${i}`]);
      expect(there.tryRecv()).toEqual({ value: undefined, ok: false });
    }
  });

  it(`an endpoint in a ${thread} of an unbuffered channel keeps no credit: trySend alone says false while a receiver waits here, and a send there meets it`, async () => {
    const ch = new Channel<number>();
    const got = ch.recv();
    expect(await pool.go('pollThenSend', [ch, 20, 8])).toBe(0);
    expect(await got).toEqual({ value: 8, ok: true });
  });

  describe('bad input', () => {
    it('a value that cannot be cloned closes its channel with DataCloneError, both ways; nothing waits for it', async () => {
      const out = new Channel<unknown>(4);
      await pool.go('sendUncloneable', [out]);
      expect(await out.recv()).toEqual({ value: 1, ok: true });
      const e = await out.recv().catch((x: unknown) => x);
      expect((e as Error).name).toBe('DataCloneError');
      expect(out.held).toBe(0);
      const jobs = new Channel<unknown>(4);
      const drained = pool.go('drain', [jobs]);
      await jobs.send(1);
      await jobs.send(() => 2);
      expect(await drained).toEqual({ n: 1, error: 'DataCloneError', quota: false });
      await expect(jobs.send(3)).rejects.toBeInstanceOf(ClosedChannelError);
    });

    it(`R1 an endpoint that sends a value that cannot be cloned and closes in one turn: the close carries DataCloneError, and every credit comes back once`, async () => {
      const ch = new Channel<unknown>(4);
      const go = new Channel<number>(1);
      const task = pool.go<boolean>('closeAfterUncloneable', [ch, go]);
      expect(await ch.recv()).toEqual({ value: 1, ok: true });
      const closed = expect(ch.recv()).rejects.toMatchObject({ name: 'DataCloneError' });
      await go.send(0);
      expect(await task).toBe(true);
      await closed;
      // Its room is all there: the channel took back every credit once, not twice.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect([ch.held, ch.length]).toEqual([0, 0]);
    });

    it(`an unbuffered send here of a value that cannot be cloned, taken for a receive in a ${thread}, fails with DataCloneError; the channel stays open and nothing hangs`, async () => {
      const ch = new Channel<unknown>();
      const task = pool.go('recvOne', [ch]);
      const e = await ch.send(() => 1).catch((x: unknown) => x);
      expect((e as Error).name).toBe('DataCloneError');
      await ch.send(2);
      expect(await task).toEqual({ value: 2, ok: true });
    });
  });

  describe(`select across ${threads} (R3)`, () => {
    it(`CH2 R1 R2 an unbuffered select send in a ${thread}, met by a receive in another whose context ends before the send's thread reads its credit: that receive was held before the credit went, so it takes the value, once; nothing goes back and forth, and no receiver is left asking there`, async () => {
      const { pool: two } = spawn(2);
      pools.push(two);
      const ch = new Channel<number>();
      const quitter = two.go<{ out: unknown }>('recvGivingUp', [ch, 300, 1500]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Busy once it waits: it reads its credit after the receiver's context ended.
      expect(await two.go('selectSendBusy', [ch, 7, 800])).toBe('s');
      const cpu = (
        globalThis as { process?: { cpuUsage?(prev?: unknown): { user: number; system: number } } }
      ).process?.cpuUsage;
      if (cpu !== undefined) {
        // Nothing waits anywhere: the threads are idle (the process counts them all).
        await new Promise((resolve) => setTimeout(resolve, 100));
        const c0 = cpu();
        await new Promise((resolve) => setTimeout(resolve, 400));
        const used = cpu(c0);
        expect((used.user + used.system) / 1000).toBeLessThan(100);
      }
      expect(ch.tryRecv()).toBeUndefined();
      // The thread that received asks for nothing more: a new select send waits for a receiver.
      const later = two.go<string>('selectSendBusy', [ch, 8, 0]);
      const got = track(later);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(got.current.status).toBe('pending');
      expect(await ch.recv()).toEqual({ value: 8, ok: true });
      expect(await later).toBe('s');
      expect(await quitter).toEqual({ out: { value: 7, ok: true }, length: 0 });
      expect(ch.tryRecv()).toBeUndefined();
    });

    it(`SE4 SE5 a full channel whose values are in a ${thread} is not ready to send, though a receiver waits here behind them: a select here takes its ready case, trySelect never its default`, async () => {
      const ch = new Channel<number>(8);
      for (let i = 0; i < 8; i++) ch.trySend(i);
      // The thread takes the 8 values ahead and one of them, then is busy: it reports nothing.
      const task = pool.go<number>('takeOneThenBusy', [ch, 600]);
      while (ch.length > 0) await flush(1);
      const behind = ch.recv();
      const local = new Channel<number>(1);
      const picked: string[] = [];
      for (let i = 0; i < 20; i++) {
        local.trySend(i);
        picked.push(trySelect({ a: recv(local), b: send(ch, 100 + i) })?.case ?? 'default');
      }
      const t0 = performance.now();
      local.trySend(20);
      picked.push((await select({ a: recv(local), b: send(ch, 120) })).case);
      expect(performance.now() - t0).toBeLessThan(300);
      expect(picked).toEqual(picked.map(() => 'a'));
      expect(await task).toBe(0);
      expect(await behind).toEqual({ value: 1, ok: true });
    });

    it(`SE9 a select in a ${thread} with a send and a receive case on one unbuffered channel of this thread never meets itself: its other case fires, and nothing is left in the channel`, async () => {
      const ch = new Channel<number>();
      for (let round = 0; round < 3; round++) {
        // One select of a send and a receive, beside a case that fires after 100 ms: that one fires.
        expect(await pool.go('exchange', [ch, 1, 1, 0, 100])).toEqual({ sent: [], got: [] });
        expect(ch.length).toBe(0);
        expect(ch.tryRecv()).toBeUndefined();
      }
    });

    it(`SE9 two selects at once in one ${thread}, each with a send and a receive case on one unbuffered channel of this thread, meet each other: one receives what the other sent`, async () => {
      const ch = new Channel<number>();
      for (let round = 0; round < 3; round++) {
        const r = await pool.go<{ sent: number[]; got: number[] }>('exchange', [ch, 1, 1, 1, 200]);
        expect(r.sent).toHaveLength(1);
        expect(r.got).toEqual(r.sent);
        expect(ch.length).toBe(0);
      }
    });

    it(`SE9 two tasks in two ${threads}, each looping over a select with a send of its own values and a receive on one unbuffered channel of this thread, never receive their own: each gets what the other sent, nothing is left`, async () => {
      const { pool: two } = spawn(2);
      pools.push(two);
      const ch = new Channel<number>();
      const [a, b] = await Promise.all(
        [1, 2].map((tag) => two.go<{ sent: number[]; got: number[] }>('exchange', [ch, tag, 200, 0, 300])),
      );
      expect(a!.got.filter((v) => Math.floor(v / 1e6) === 1)).toEqual([]);
      expect(b!.got.filter((v) => Math.floor(v / 1e6) === 2)).toEqual([]);
      // A send completes only with the receive that takes its value (CH2): each got exactly what
      // the other sent, in order, and nothing waits in the channel.
      expect(a!.got).toEqual(b!.sent);
      expect(b!.got).toEqual(a!.sent);
      expect(ch.tryRecv()).toBeUndefined();
      expect(a!.sent.length + b!.sent.length).toBeGreaterThan(100);
      expect(ch.length).toBe(0);
    });

    it(`CH2 a select send case in one of two ${threads} met by a select receive case in the other, whose timer case fires meanwhile, completes only if that receive took its value`, async () => {
      const { pool: two } = spawn(2);
      pools.push(two);
      let met = 0;
      for (let round = 0; round < 40; round++) {
        const ch = new Channel<number>();
        // The receive gives up after 0 to 4 ms: about when the send, asked at once, is arranged.
        const [sent, got] = await Promise.all([
          two.go<boolean>('sendOrTimer', [ch, round, 100]),
          two.go<number | null>('recvOrTimer', [ch, round % 5]),
        ]);
        expect({ round, got }).toEqual({ round, got: sent ? round : null });
        expect(ch.tryRecv()).toBeUndefined();
        if (sent) met++;
      }
      // Some sends met the receive: the check above was not only of sends that gave up.
      expect(met).toBeGreaterThan(0);
    });

    it(`SE1 a select with two receive cases on one channel takes one value of a batch sent from ${thread}; the other stays in the channel`, async () => {
      for (const capacity of [0, 4]) {
        const ch = new Channel<number>(capacity);
        const picked = select({ a: recv(ch), b: recv(ch) });
        await flush(2);
        const task = pool.go('produce', [ch, 2]);
        const first = await picked;
        const rest: number[] = [];
        for (let r = await ch.recv(); r.ok; r = await ch.recv()) rest.push(r.value);
        expect(await task).toBe(2);
        expect([first.value, ...rest]).toEqual([0, 1]);
      }
    });

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
      // The task's end is seen after every channel message it posted before ending (MM4), so
      // what its send cases committed is already here when `b` is closed.
      const w = await task;
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
      // CH2: a value of an unbuffered channel is sent only to a receiver that takes it; none is left.
      if (capA === 0) expect(leftA).toEqual([]);
      if (capB === 0) expect(leftB).toEqual([]);
      expect(localOut).toBeLessThanOrEqual(localIn);
      expect(w.got.length + w.sent + w.locals).toBe(rounds);
      return w;
    }

    it('R3 SE5 select$ over an endpoint, unsubscribed at random by a timeout case: every value of the worker received once', async () => {
      const n = 300;
      const src = await pool.go<RemoteChannel<number>>('source', [4, n]);
      const random = rng(5);
      const got: number[] = [];
      let timeouts = 0;
      for (;;) {
        const r = await firstValueFrom(select$({ v: recv(src), t: recv(after(random(2))) }));
        if (r.case === 't') timeouts++;
        else if (!r.ok) break;
        else got.push(r.value);
      }
      expect(got).toEqual(range(n));
      expect(timeouts).toBeGreaterThan(0);
    });

    it('R3 SE2 selects on both threads over local channels and endpoints (buffered): exactly one case each time, nothing lost or duplicated', async () => {
      const w = await mixed(4, 2, sizes.selects * STRESS_SCALE, 1);
      expect(w.got.length).toBeGreaterThan(0);
      expect(w.sent).toBeGreaterThan(0);
    });

    it('R3 SE2 the same with unbuffered channels on either side', async () => {
      await mixed(0, 3, sizes.selects * STRESS_SCALE, 2);
      await mixed(3, 0, sizes.selects * STRESS_SCALE, 3);
    });

    it(`R3 SE2 ${power(sizes.mixedSelects)} selects on each thread over four channels, two homed on each side: exactly one case commits each time, every value is received once or left`, async () => {
      const rounds = sizes.mixedSelects * STRESS_SCALE;
      const { pool: p } = single(); // one thread: the channels `keep` makes are there for `mixedSelects`
      const random = rng(11);
      const a = new Channel<number>(4); // homed here: main sends, the worker receives
      const b = new Channel<number>(2); // homed here: the worker sends, main receives
      const c = await p.go<RemoteChannel<number>>('keep', ['c', 3]); // homed there: main sends
      const d = await p.go<RemoteChannel<number>>('keep', ['d', 0]); // homed there: main receives
      const task = p.go<{ gotA: number[]; gotC: number[]; sentB: number; sentD: number }>('mixedSelects', [
        a,
        b,
        'c',
        'd',
        rounds,
        1_000_000,
        2_000_000,
      ]);
      const stop = new Channel<never>();
      void task.then(
        () => stop.close(),
        () => stop.close(),
      );
      let sentA = 0;
      let sentC = 0;
      const gotB: number[] = [];
      const gotD: number[] = [];
      let timeouts = 0;
      for (;;) {
        const cases = { a: send(a, sentA), b: recv(b), c: send(c, sentC), d: recv(d), stop: recv(stop) };
        // Now and then through select$, dropped by a timer case: its withdrawn cases must not commit.
        const r =
          random(16) === 0 ? await firstValueFrom(select$({ ...cases, t: soon() })) : await select(cases);
        if (r.case === 'stop') break;
        if (r.case === 'a') sentA++;
        else if (r.case === 'b') gotB.push(r.value!);
        else if (r.case === 'c') sentC++;
        else if (r.case === 'd') gotD.push(r.value!);
        else timeouts++;
      }
      const w = await task;
      expect(w.gotA.length + w.gotC.length + w.sentB + w.sentD).toBe(rounds);
      // What the worker's send cases committed may still be on its way (another port): wait for it.
      while (gotB.length < w.sentB) gotB.push((await b.recv()).value!);
      while (gotD.length < w.sentD) gotD.push((await d.recv()).value!);
      // Whatever is left in each channel, after its close.
      const rest = async (ch: Channel<number> | RemoteChannel<number>) => {
        ch.close();
        const left: number[] = [];
        for await (const v of ch) left.push(v);
        return left;
      };
      const sorted = (xs: number[]) => xs.sort((x, y) => x - y);
      expect(sorted([...w.gotA, ...(await rest(a))])).toEqual(range(sentA));
      expect(sorted([...w.gotC, ...(await rest(c))])).toEqual(range(sentC));
      expect(sorted([...gotB, ...(await rest(b))])).toEqual(range(w.sentB, 1_000_000));
      // CH2: `d` is unbuffered, so each value the worker's send cases committed was taken by a receiver here.
      expect(await rest(d)).toEqual([]);
      expect(sorted(gotD)).toEqual(range(w.sentD, 2_000_000));
      // Every case fired on both sides, and some select$ were dropped by their timer.
      expect(Math.min(sentA, sentC, gotB.length, gotD.length, timeouts)).toBeGreaterThan(0);
      expect(Math.min(w.gotA.length, w.gotC.length, w.sentB, w.sentD)).toBeGreaterThan(0);
    });
  });

  describe(`${thread} death (R1, R2)`, () => {
    /** Parks a receive and a send (on different unbuffered channels), and two receives on a buffered one, homed in the only thread of `p`. */
    async function parked(p: ThreadPool) {
      const ch = await p.go<RemoteChannel<number>>('stuck', [0]);
      const dst = await p.go<RemoteChannel<number>>('stuck', [0]);
      const src = await p.go<RemoteChannel<number>>('stuck', [2]);
      const ops: Promise<unknown>[] = [
        ch.recv(),
        dst.send(1),
        src.recv(),
        src[Symbol.asyncIterator]().next(),
      ];
      const tracked = ops.map((op) => track(op));
      const times = ops.map((op) =>
        op.then(
          () => performance.now(),
          () => performance.now(),
        ),
      );
      await flush(5);
      for (const op of tracked) expect(op.current.status).toBe('pending');
      return { ch, ops: tracked, settled: () => Promise.all(times) };
    }

    /** Every parked operation failed with WorkerExitError, and its channel acts as closed with it. */
    async function settledByExit(ch: RemoteChannel<number>, ops: ReturnType<typeof track>[]) {
      for (const op of ops) {
        expect(op.current.status).toBe('rejected');
        expect((op.current as { reason: unknown }).reason).toBeInstanceOf(WorkerExitError);
      }
      await expect(ch.recv()).rejects.toBeInstanceOf(WorkerExitError);
      const e = await ch.send(2).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ClosedChannelError);
      expect((e as Error).cause).toBeInstanceOf(WorkerExitError);
    }

    it('R2 operations parked on endpoints whose home thread died settle with WorkerExitError in the turn of the exit', async () => {
      const { pool: p, worker } = single();
      const { ch, ops } = await parked(p);
      const noticed = platform.noticed(worker);
      void worker.terminate();
      await noticed;
      await flush(1);
      await settledByExit(ch, ops);
    });

    it(`R2 channels homed in a ${thread} that arrived inside values (a result, a value received) settle with WorkerExitError when it dies`, async () => {
      const { pool: p } = single();
      const { inner } = await p.go<{ inner: RemoteChannel<number> }>('nested', [0]);
      const out = new Channel<{ inner: RemoteChannel<number> }>(1);
      await p.go('sendNested', [out]);
      const { inner: other } = (await out.recv()).value!;
      const ops = [inner.recv(), other.send(1)];
      const crashed = p.go('crash', ['throw', 1]).then(undefined, (e: unknown) => e);
      expect(await crashed).toBeInstanceOf(WorkerExitError);
      for (const op of ops) await expect(op).rejects.toBeInstanceOf(WorkerExitError);
    });

    it(`R2 a ${thread} ended mid-stream by an uncaught error: every operation parked on endpoints homed in it settles with WorkerExitError`, async () => {
      const { pool: p } = single();
      const { ch, ops } = await parked(p);
      // mid-stream: a channel homed in the thread, ranged over here while the thread feeds it
      const stream = await p.go<RemoteChannel<number>>('source', [4, Number.POSITIVE_INFINITY]);
      const got: number[] = [];
      const ranged = (async () => {
        for await (const v of stream) got.push(v);
      })().then(
        () => 'completed',
        (e: unknown) => e,
      );
      while (got.length < 100) await flush(1);
      const crashed = p.go('crash', ['throw', 1]).then(undefined, (e: unknown) => e);
      expect(await crashed).toBeInstanceOf(WorkerExitError);
      await flush(1);
      await settledByExit(ch, ops);
      expect(await ranged).toBeInstanceOf(WorkerExitError); // after the values received, in order
      expect(got).toEqual(range(got.length));
    });

    /**
     * A stream of `sizes.killed` values main → worker → main through two buffered channels of main
     * (10^6 in Node); the worker dies at a random point of it (`how`). Every value main sent is received once, or is left in `jobs`, except at most
     * `uncertain` of them (reported on the WorkerExitError), plus the one value the dying relay may
     * hold in its hand between its receive and its send. Operations parked on channels homed in the
     * dying thread all settle, within SETTLE_BOUND_MS of the death being noticed.
     */
    async function killed(how: Death | 'terminate', seed: number, capacity = [64, 32]) {
      const random = rng(seed);
      const n = sizes.killed * STRESS_SCALE;
      const at = 1 + random(n - 1);
      const { pool: p, worker } = single();
      const { ops, settled } = await parked(p);
      const jobs = new Channel<number>(capacity[0]);
      const out = new Channel<number>(capacity[1]);
      const noticed = platform.noticed(worker);
      const task = p.go('relay', [
        jobs,
        out,
        how === 'terminate' ? -1 : at,
        how === 'terminate' ? 'throw' : how,
      ]);
      const failed = task.then(
        () => undefined,
        (e: unknown) => e,
      );
      const failedAt = failed.then(() => performance.now());
      let stopped = false;
      void failed.then(() => {
        stopped = true;
      });
      let sent = 0; // the producer sends 0, 1, 2, …: values below `sent` were sent
      const [ctx, cancel] = withCancel(background());
      const producing = (async () => {
        for (let i = 0; i < n && !stopped; i++) {
          if (!jobs.trySend(i)) {
            try {
              await jobs.send(i, ctx);
            } catch {
              return;
            }
          }
          sent = i + 1;
        }
      })();
      const seen = new Uint8Array(n); // times each value was received, or left in `jobs`
      let got = 0;
      const receiving = (async () => {
        for await (const v of out) {
          seen[v]!++;
          if (++got === at && how === 'terminate') void worker.terminate();
        }
      })();
      const err = await failed;
      expect(err).toBeInstanceOf(WorkerExitError);
      const t0 = await noticed;
      const last = Math.max(await failedAt, ...(await settled()));
      expect(last - t0).toBeLessThanOrEqual(SETTLE_BOUND_MS);
      for (const op of ops)
        expect((op.current as { reason?: unknown }).reason).toBeInstanceOf(WorkerExitError);
      cancel();
      await producing;
      out.close();
      await receiving;
      jobs.close();
      for await (const v of jobs) seen[v]!++;
      let lost = 0;
      let duplicated = 0;
      for (let v = 0; v < n; v++) {
        if (seen[v] === 0 && v < sent) lost++;
        if (seen[v]! > 1) duplicated += seen[v]! - 1;
        if (seen[v]! > 0 && v >= sent) expect.unreachable(`${v} was received but never sent`);
      }
      const { uncertain } = err as WorkerExitError;
      expect(lost + duplicated).toBeLessThanOrEqual(uncertain + 1);
      if ((platform.lossless as readonly string[]).includes(how))
        expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
      // Where the relay's takes and sends are counted in shared memory and its exit is reported,
      // only the value in its hands can be missing.
      if (host.shared && (err as WorkerExitError).code !== undefined) {
        expect(duplicated).toBe(0);
        expect(lost).toBeLessThanOrEqual(1);
      }
      return { lost, duplicated, uncertain };
    }

    it(`R1 a consumer ${thread} terminated at a random point: where memory is shared and the host reports the thread's exit (Node), nothing it took comes back (no duplicate) and .uncertain is 0; elsewhere (a Web Worker runs on a while after terminate(), with no exit event) duplicates stay within .uncertain`, async () => {
      for (let seed = 1; seed <= 3; seed++) {
        const random = rng(seed * 11);
        const n = 20_000;
        const at = 1 + random(n / 2);
        const { pool: p, worker } = single();
        const jobs = new Channel<number>(16);
        const log = new Int32Array(new SharedArrayBuffer(4 * (n + 1)));
        const failed = p.go('consume', [jobs, log]).then(
          () => undefined,
          (e: unknown) => e,
        );
        let sent = 0;
        let killed = false;
        for (let i = 0; i < n; i++) {
          if (!jobs.trySend(i)) await jobs.send(i);
          sent = i + 1;
          if (!killed && Atomics.load(log, 0) >= at) {
            killed = true;
            void worker.terminate();
            break;
          }
        }
        const err = (await failed) as WorkerExitError;
        expect(err).toBeInstanceOf(WorkerExitError);
        jobs.close();
        const seen = new Uint8Array(n);
        const logged = Atomics.load(log, 0);
        for (let i = 0; i < logged; i++) seen[log[1 + i]!]!++;
        for await (const v of jobs) seen[v]!++;
        let missing = 0;
        let duplicated = 0;
        for (let v = 0; v < sent; v++) {
          if (seen[v] === 0) missing++;
          if (seen[v]! > 1) duplicated += seen[v]! - 1;
        }
        // At most the value in the consumer's hands when it died is taken and not logged.
        expect(missing).toBeLessThanOrEqual(1);
        if (host.shared && err.code !== undefined)
          expect({ duplicated, uncertain: err.uncertain }).toEqual({ duplicated: 0, uncertain: 0 });
        else expect(duplicated).toBeLessThanOrEqual(err.uncertain);
      }
    });

    /**
     * A producer on a thread (numbers, or objects when `boxed`) is terminated at a random point
     * while main receives; returns what main received, how many sends completed there (one more
     * may have completed, uncounted) and the WorkerExitError.
     */
    async function producerKilled(seed: number, boxed: boolean) {
      const random = rng(seed * 13);
      const at = 1 + random(2_000);
      const delay = random(2);
      const { pool: p, worker } = single();
      const ch = new Channel<number | { i: number }>(64);
      const log = new Int32Array(new SharedArrayBuffer(4));
      // The producer works between its sends, so that its thread mostly dies mid-turn: with
      // sends that completed there and were not posted yet.
      const failed = p.go('produceLogged', [ch, log, 20, boxed]).then(
        () => undefined,
        (e: unknown) => e,
      );
      const [ctx, cancel] = withCancel(background());
      void failed.then(cancel);
      const got: number[] = [];
      const unbox = (v: number | { i: number }) => (typeof v === 'number' ? v : v.i);
      try {
        for (;;) {
          got.push(unbox((await ch.recv(ctx)).value!));
          if (got.length === at) setTimeout(() => void worker.terminate(), delay);
        }
      } catch {
        // the producer died: what it sent and this side did not receive yet is in the buffer
      }
      for (let r = ch.tryRecv(); r?.ok; r = ch.tryRecv()) got.push(unbox(r.value));
      const err = (await failed) as WorkerExitError;
      expect(err).toBeInstanceOf(WorkerExitError);
      expect(got).toEqual(range(got.length));
      return { got: got.length, completed: Atomics.load(log, 0), err };
    }

    it(`R1 a producer ${thread} terminated at a random point: where memory is shared and the host reports the thread's exit (Node), every send of a number that completed there is received here, once and in order, and .uncertain is 0; elsewhere what is lost stays within .uncertain`, async () => {
      for (let seed = 1; seed <= 3; seed++) {
        const { got, completed, err } = await producerKilled(seed, false);
        if (host.shared && err.code !== undefined) {
          expect(got - completed).toBeGreaterThanOrEqual(0);
          expect(got - completed).toBeLessThanOrEqual(1);
          expect(err.uncertain).toBe(0);
        } else expect(completed - got).toBeLessThanOrEqual(err.uncertain);
      }
    });

    it(`R1 a producer of objects ${thread} terminated at a random point: where memory is shared and the host reports the thread's exit (Node), .uncertain is exactly the number of its sends that completed and were lost; elsewhere what is lost stays within .uncertain`, async () => {
      for (let seed = 4; seed <= 6; seed++) {
        const { got, completed, err } = await producerKilled(seed, true);
        if (host.shared && err.code !== undefined) {
          expect(err.uncertain - (completed - got)).toBeGreaterThanOrEqual(0);
          expect(err.uncertain - (completed - got)).toBeLessThanOrEqual(1);
        } else expect(completed - got).toBeLessThanOrEqual(err.uncertain);
      }
    });

    for (const how of [...platform.deaths, 'terminate'] as const) {
      const bound = (platform.lossless as readonly string[]).includes(how)
        ? ''
        : ' beyond .uncertain (where memory is shared and the exit is reported: nothing but the value in its hands)';
      // Streams of up to 10^6 values, three times: 10 s and more on a busy 2-core machine. The
      // bound that matters is inside (every Promise settled within SETTLE_BOUND_MS of the death).
      it(`R1 R2 a relay that dies by ${how} at a random point: nothing lost or duplicated${bound}, every Promise settled`, async () => {
        for (let seed = 1; seed <= 3; seed++) await killed(how, seed * 7 + how.length);
      }, 120_000);
    }

    it("R1 R2 G5 a relay with windows of thousands (two Channel(4096)), terminated at a random point: what was pushed to it in long batches and not taken is the channel's again, nothing lost or duplicated beyond .uncertain", async () => {
      for (let seed = 1; seed <= 2; seed++) await killed('terminate', seed * 13, [4096, 4096]);
    }, 120_000);
  });
}
