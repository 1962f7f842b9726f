// The soak: a seeded random mix of every gorx operation, with random close and random cancellation,
// for a given number of seconds; then everything is cancelled, closed and drained, and the run is
// checked:
// - exactly once: every value whose send resolved was received exactly once, no value twice, and
//   no value whose send was cancelled or rejected was received (a buffered value is still delivered
//   after close, and the final drain receives it, so no loss is legitimate);
// - the sync kit: mutual exclusion held, every lock and permit came back;
// - memory: the heap after gc(), sampled every few seconds, does not clearly grow.
//
//   npm run soak                          60 s, seed 1
//   npm run soak -- --seconds 300 --seed 7
//
// It exits non-zero on a loss, a duplicate, a broken invariant, a hang at shutdown or a growing heap.
import { from, type Observable, type Subscription, take } from 'rxjs';
import {
  after,
  background,
  type Cancel,
  CanceledError,
  Channel,
  ClosedChannelError,
  type Context,
  DeadlineExceededError,
  errGroup,
  fanIn,
  go,
  Mutex,
  newTicker,
  newTimer,
  produce,
  RWMutex,
  recv,
  Semaphore,
  select,
  select$,
  send,
  sendTo,
  sleep,
  toChannel,
  trySelect,
  WaitGroup,
  withCancel,
  withTimeout,
  workerPool,
} from '../../lib/index.js';
import { snapshotLive } from '../../lib/testing/index.js';
import { rng } from '../helpers/async.js';

// ---------------------------------------------------------------------------------------------
// Arguments.

function option(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === `--${name}`) return Number(args[i + 1]);
    if (a.startsWith(`--${name}=`)) return Number(a.slice(name.length + 3));
  }
  return fallback;
}

const SECONDS = option('seconds', 60);
const SEED = option('seed', 1);
const WORKERS = option('workers', 24);
/** `--without kind,kind`: leave operations out of the mix (to find which one breaks a run). */
const WITHOUT = new Set(
  (process.argv.find((a, i, all) => all[i - 1] === '--without' || a.startsWith('--without=')) ?? '')
    .replace(/^--without=/, '')
    .split(',')
    .filter((k) => k !== ''),
);
if (!(SECONDS > 0) || !Number.isSafeInteger(SEED)) {
  console.error('usage: soak [--seconds N] [--seed S] [--workers W]');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('soak: run node with --expose-gc (npm run soak does)');
  process.exit(2);
}

const random = rng(SEED);
const chance = (p: number) => random(1_000_000) < p * 1_000_000;
const pick = <T>(xs: readonly T[]): T => xs[random(xs.length)]!;

// ---------------------------------------------------------------------------------------------
// The ledger: one byte per value id, in pages of external memory (not on the JS heap, so the
// ledger's own growth does not show in the heap slope). Bits 0–1: the send's fate; bits 2–3: how
// many times the value was received (saturating at 3).

const PENDING = 0;
const SENT = 1;
const FAILED = 2;
const PAGE = 1 << 20;
const pages: Uint8Array[] = [];
/** Which operation sent each value (an index into OPS), to name the culprit of a loss. */
const senders: Uint8Array[] = [];
let nextId = 0;
let currentOp = 0;

function newId(): number {
  const id = nextId++;
  if (id % PAGE === 0) {
    pages.push(new Uint8Array(PAGE));
    senders.push(new Uint8Array(PAGE));
  }
  senders[Math.floor(id / PAGE)]![id % PAGE] = currentOp;
  return id;
}

function fate(id: number, f: typeof SENT | typeof FAILED): void {
  const page = pages[Math.floor(id / PAGE)]!;
  const i = id % PAGE;
  const was = page[i]! & 3;
  if (was !== PENDING) problem(`value ${id}: its send ended twice (${was} then ${f})`);
  page[i] = (page[i]! & ~3) | f;
}

function received(v: unknown): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v >= nextId) {
    problem(`received ${String(v)}, a value nobody sent`);
    return;
  }
  const page = pages[Math.floor(v / PAGE)]!;
  const i = v % PAGE;
  const n = (page[i]! >> 2) & 3;
  if (n < 3) page[i] = (page[i]! & 3) | ((n + 1) << 2);
}

const problems: string[] = [];
function problem(text: string): void {
  if (problems.length < 50) problems.push(text);
  else if (problems.length === 50) problems.push('… (more problems left out)');
}

// ---------------------------------------------------------------------------------------------
// Counting operations.

const ops = new Map<string, number>();
let total = 0;
function count(kind: string): void {
  total++;
  ops.set(kind, (ops.get(kind) ?? 0) + 1);
}

// ---------------------------------------------------------------------------------------------
// The shared state: a pool of channels that the closer replaces, a chaos context that is
// cancelled and replaced at random, and the sync kit with its invariants.

const CAPACITIES = [0, 0, 1, 4, 16];
const slots: Channel<number>[] = Array.from({ length: 6 }, () => new Channel<number>(pick(CAPACITIES)));
/** Pipeline outputs (bridges, fan-ins, generators) not yet seen closed: swept now and then. */
const outlets = new Set<Channel<number>>();

let stopping = false;
let chaos = withCancel(background());

const mutex = new Mutex();
const rw = new RWMutex();
const SEM_SIZE = 3;
const sem = new Semaphore(SEM_SIZE);
const held = { mutex: 0, readers: 0, writers: 0, permits: 0 };

/** A cancel argument: none, a timeout context, an AbortSignal that aborts soon, or the chaos context. */
function cancelToken(): Cancel | undefined {
  switch (random(6)) {
    case 0:
      return undefined;
    case 1:
    case 2:
      return withTimeout(background(), random(4))[0];
    case 3: {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), random(4));
      return ac.signal;
    }
    case 4:
      return AbortSignal.timeout(1 + random(3));
    default:
      return chaos[0];
  }
}

/** The context for a pipeline: a timeout, or the chaos context. */
function pipelineCtx(): Context {
  return chance(0.5) ? withTimeout(background(), 1 + random(8))[0] : chaos[0];
}

function expected(e: unknown): boolean {
  return e instanceof CanceledError || e instanceof DeadlineExceededError || e instanceof ClosedChannelError;
}

function unexpected(where: string, e: unknown): void {
  if (!expected(e))
    problem(`${where}: unexpected ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
}

const slot = () => pick(slots);
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Subscribes, then unsubscribes after a random short time (or at once, or never before it ends). */
function unsubscribeSoon(sub: Subscription): Promise<void> {
  return new Promise((resolve) => {
    const t = random(4);
    if (t === 0) {
      sub.unsubscribe();
      resolve();
    } else
      setTimeout(() => {
        sub.unsubscribe();
        resolve();
      }, t - 1);
  });
}

/**
 * Subscribes to `source` until it ends, or until `ms` (when given) pass and it is unsubscribed;
 * an error must be one of the expected ones.
 */
function runFor<T>(kind: string, source: Observable<T>, next: (v: T) => void, ms?: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const sub = source.subscribe({
      next,
      error: (e) => {
        unexpected(kind, e);
        resolve();
      },
      complete: resolve,
    });
    if (ms !== undefined)
      setTimeout(() => {
        sub.unsubscribe();
        resolve();
      }, ms);
  });
}

/** One send of a fresh value: `attempt` says whether it was sent; a throw means it was not. */
async function sendOnce(kind: string, attempt: (id: number) => boolean | Promise<boolean>): Promise<void> {
  const id = newId();
  count(kind);
  try {
    fate(id, (await attempt(id)) ? SENT : FAILED);
  } catch (e) {
    fate(id, FAILED);
    unexpected(kind, e);
  }
}

/** One receive: what `attempt` gives (a result, or undefined for nothing) is counted. */
async function recvOnce(
  kind: string,
  attempt: () =>
    | { ok: boolean; value?: unknown }
    | undefined
    | Promise<{ ok: boolean; value?: unknown } | undefined>,
): Promise<void> {
  count(kind);
  try {
    const r = await attempt();
    if (r?.ok) received(r.value);
  } catch (e) {
    unexpected(kind, e);
  }
}

/** Runs a `$` send: the value is sent iff the Observable emitted before it was unsubscribed. */
async function sendObservable(kind: string, make: (id: number) => Observable<unknown>): Promise<void> {
  const id = newId();
  const source = make(id);
  count(kind);
  let emitted = false;
  let failed = false;
  const sub = source.subscribe({
    next: () => {
      emitted = true;
    },
    error: (e) => {
      failed = true;
      unexpected(kind, e);
    },
  });
  await unsubscribeSoon(sub);
  fate(id, emitted && !failed ? SENT : FAILED);
}

/** What holding a lock or permits means for the invariants: entering and leaving checks them. */
interface Holding {
  enter(n: number): void;
  leave(n: number): void;
}

const MUTEX: Holding = {
  enter: () => {
    if (held.mutex++ !== 0) problem('Mutex: two holders');
  },
  leave: () => void held.mutex--,
};
const READER: Holding = {
  enter: () => {
    held.readers++;
    if (held.writers !== 0) problem('RWMutex: a reader with a writer');
  },
  leave: () => void held.readers--,
};
const WRITER: Holding = {
  enter: () => {
    if (held.writers++ !== 0 || held.readers !== 0) problem('RWMutex: a writer not alone');
  },
  leave: () => void held.writers--,
};
const PERMITS: Holding = {
  enter: (n) => {
    held.permits += n;
    if (held.permits > SEM_SIZE) problem(`Semaphore: ${held.permits} permits held of ${SEM_SIZE}`);
  },
  leave: (n) => void (held.permits -= n),
};

/** Takes a lock (or permits) through its Promise face, holds it a moment, gives it back. */
async function holdPromise(
  kind: string,
  holding: Holding,
  take: (cancel: Cancel | undefined) => Promise<() => void>,
  n = 1,
): Promise<void> {
  count(kind);
  try {
    const release = await take(cancelToken());
    holding.enter(n);
    if (chance(0.3)) await yieldNow();
    holding.leave(n);
    release();
  } catch (e) {
    unexpected(kind, e);
  }
}

/** Takes a lock (or permits) through its `$` face, and unsubscribes after a random moment. */
async function hold$(kind: string, holding: Holding, source: Observable<unknown>, n = 1): Promise<void> {
  count(kind);
  let mine = false;
  const sub = source.subscribe(() => {
    holding.enter(n);
    mine = true;
  });
  await new Promise((resolve) => setTimeout(resolve, random(3)));
  if (mine) holding.leave(n);
  sub.unsubscribe();
}

// ---------------------------------------------------------------------------------------------
// The operations. Each is one step of a worker; the table's weights set the mix.

type Op = [kind: string, weight: number, run: () => Promise<void> | void];

const OPS: Op[] = [
  // Sends.
  [
    'send',
    8,
    () =>
      sendOnce('send', (id) =>
        slot()
          .send(id, cancelToken())
          .then(() => true),
      ),
  ],
  ['trySend', 6, () => sendOnce('trySend', (id) => slot().trySend(id))],
  ['send$', 4, () => sendObservable('send$', (id) => slot().send$(id))],
  [
    'select send',
    4,
    () =>
      sendOnce(
        'select send',
        async (id) =>
          (await select({ s: send(slot(), id), t: recv(after(random(3))) }, cancelToken())).case === 's',
      ),
  ],
  [
    'select$ send',
    2,
    () => sendObservable('select$ send', (id) => select$({ s: send(slot(), id), n: recv(null) })),
  ],
  [
    'trySelect send',
    3,
    () =>
      sendOnce('trySelect send', (id) => trySelect({ a: send(slot(), id), b: send(null, id) }) !== undefined),
  ],
  [
    'sendTo',
    2,
    async () => {
      count('sendTo');
      const ids = Array.from({ length: 1 + random(5) }, newId);
      const mirrored = new Set<number>();
      const pipeline = from(ids).pipe(sendTo(slot(), { close: false, ctx: pipelineCtx() }));
      await runFor('sendTo', pipeline, (v) => mirrored.add(v), chance(0.3) ? random(3) : undefined);
      for (const id of ids) fate(id, mirrored.has(id) ? SENT : FAILED);
    },
  ],
  [
    'produce',
    1,
    async () => {
      count('produce');
      const [ctx, cancel] = withCancel(chaos[0]);
      const n = 1 + random(6);
      const attempted: number[] = [];
      const out = produce<number>(
        async (ch, c) => {
          for (let k = 0; k < n; k++) {
            const id = newId();
            attempted.push(id);
            try {
              await ch.send(id, c);
              fate(id, SENT);
            } catch (e) {
              fate(id, FAILED);
              throw e;
            }
          }
        },
        { ctx, capacity: random(3) },
      );
      let k = 0;
      const stopAt = random(n + 2);
      try {
        for await (const v of out) {
          received(v);
          if (++k >= stopAt) break;
        }
      } catch (e) {
        unexpected('produce', e);
      }
      cancel();
      outlets.add(out as Channel<number>);
    },
  ],
  // Receives.
  ['recv', 8, () => recvOnce('recv', () => slot().recv(cancelToken()))],
  ['tryRecv', 6, () => recvOnce('tryRecv', () => slot().tryRecv())],
  [
    'recv$',
    4,
    async () => {
      count('recv$');
      const sub = slot()
        .recv$()
        .subscribe({ next: received, error: (e) => unexpected('recv$', e) });
      await unsubscribeSoon(sub);
    },
  ],
  [
    'select recv',
    4,
    () =>
      recvOnce('select recv', async () => {
        const r = await select(
          { a: recv(slot()), b: recv(slot()), t: recv(after(random(3))) },
          cancelToken(),
        );
        return r.case === 't' ? undefined : r;
      }),
  ],
  [
    'select$ recv',
    2,
    async () => {
      count('select$ recv');
      const sub = select$({ a: recv(slot()), b: recv(slot()) }).subscribe({
        next: (r) => {
          if (r.ok) received(r.value);
        },
        error: (e) => unexpected('select$ recv', e),
      });
      await unsubscribeSoon(sub);
    },
  ],
  [
    'trySelect recv',
    3,
    () => recvOnce('trySelect recv', () => trySelect({ a: recv(slot()), b: recv(slot()) })),
  ],
  [
    'for await + break',
    2,
    async () => {
      count('for await + break');
      const stopAt = 1 + random(4);
      let k = 0;
      const ch = slot();
      // A guard: if nothing comes, the channel is closed by the closer or at shutdown.
      try {
        for await (const v of ch) {
          received(v);
          if (++k >= stopAt) break;
        }
      } catch (e) {
        unexpected('for await', e);
      }
    },
  ],
  [
    'subscribe (range) + take',
    2,
    async () => {
      count('subscribe (range)');
      await runFor('range', slot().pipe(take(1 + random(4))), received, random(4));
    },
  ],
  [
    'toChannel',
    1,
    async () => {
      count('toChannel');
      const [ctx, cancel] = withCancel(pipelineCtx());
      const bridge = toChannel(slot(), { capacity: random(4), ctx });
      outlets.add(bridge as Channel<number>);
      const stopAt = 1 + random(4);
      let k = 0;
      try {
        for await (const v of bridge) {
          received(v);
          if (++k >= stopAt) break;
        }
      } catch (e) {
        unexpected('toChannel', e);
      }
      cancel();
    },
  ],
  [
    'workerPool',
    1,
    async () => {
      count('workerPool');
      // A value is received when the pool hands it to a worker: a task cancelled afterwards (the
      // output unsubscribed) had it, as a goroutine that took it from the jobs channel.
      const work = (v: number) => {
        received(v);
        return [v];
      };
      const pool = slot().pipe(workerPool(1 + random(3), work, { ctx: pipelineCtx() }), take(1 + random(5)));
      await runFor('workerPool', pool, () => {}, random(5));
    },
  ],
  [
    'fanIn',
    1,
    async () => {
      count('fanIn');
      const out = fanIn(slot(), slot());
      outlets.add(out as Channel<number>);
      const r = await out.recv(cancelToken()).catch((e) => unexpected('fanIn', e));
      if (r?.ok) received(r.value);
    },
  ],
  // The sync kit.
  ['lock', 3, () => holdPromise('lock', MUTEX, (c) => mutex.lock(c))],
  ['lock$', 2, () => hold$('lock$', MUTEX, mutex.lock$())],
  [
    'tryLock',
    2,
    () => {
      count('tryLock');
      if (!mutex.tryLock()) return;
      MUTEX.enter(1);
      MUTEX.leave(1);
      mutex.unlock();
    },
  ],
  ['rLock', 3, () => holdPromise('rLock', READER, (c) => rw.rLock(c))],
  ['rLock$', 1, () => hold$('rLock$', READER, rw.rLock$())],
  ['rw lock', 2, () => holdPromise('rw lock', WRITER, (c) => rw.lock(c))],
  [
    'acquire',
    3,
    () => {
      const n = 1 + random(SEM_SIZE);
      return holdPromise('acquire', PERMITS, (c) => sem.acquire(n, c).then(() => () => sem.release(n)), n);
    },
  ],
  [
    'acquire$',
    2,
    () => {
      const n = 1 + random(SEM_SIZE);
      return hold$('acquire$', PERMITS, sem.acquire$(n), n);
    },
  ],
  [
    'WaitGroup',
    1,
    async () => {
      count('WaitGroup');
      const wg = new WaitGroup();
      const n = 1 + random(4);
      let ended = 0;
      for (let k = 0; k < n; k++)
        wg.go(async () => {
          await sleep(random(2));
          ended++;
        });
      try {
        await wg.wait(chance(0.2) ? cancelToken() : undefined);
        if (ended !== n) problem(`WaitGroup: wait returned with ${ended} of ${n} done`);
      } catch (e) {
        unexpected('WaitGroup', e);
        await wg.wait();
      }
    },
  ],
  [
    'errGroup',
    1,
    async () => {
      count('errGroup');
      const [g, ctx] = errGroup(chaos[0]);
      g.setLimit(1 + random(3));
      const n = 1 + random(4);
      const failing = random(n + 2);
      let ended = 0;
      const boom = new Error('boom');
      for (let k = 0; k < n; k++)
        await g.go(async (c) => {
          try {
            await sleep(random(2), c);
            if (k === failing) throw boom;
          } finally {
            ended++;
          }
        });
      try {
        await g.wait();
      } catch (e) {
        if (e !== boom) unexpected('errGroup', e);
      }
      if (ended !== n) problem(`errGroup: wait returned with ${ended} of ${n} ended`);
      if (ctx.err === undefined) problem('errGroup: its context is not done after wait');
    },
  ],
  [
    'go + cancel',
    2,
    async () => {
      count('go + cancel');
      const task = go((ctx) => sleep(random(3), ctx), { ctx: chaos[0] });
      if (chance(0.5)) task.cancel();
      try {
        await task;
      } catch (e) {
        unexpected('go', e);
      }
    },
  ],
  [
    'timer',
    2,
    async () => {
      count('timer');
      const t = newTimer(random(3));
      if (chance(0.3)) t.reset(random(2));
      if (chance(0.3) && t.stop()) return;
      const r = await select({ fired: recv(t.c), late: recv(after(1000)) });
      if (r.case === 'late') problem('timer: an active timer did not fire within a second');
    },
  ],
  [
    'ticker',
    1,
    async () => {
      count('ticker');
      const t = newTicker(1);
      let last = -1;
      for (let k = 0; k < 2; k++) {
        const r = await t.c.recv();
        if ((r.value as number) <= last) problem('ticker: ticks out of order');
        last = r.value as number;
      }
      t.stop();
    },
  ],
  [
    'sleep',
    1,
    async () => {
      count('sleep');
      await sleep(random(2), cancelToken()).catch((e) => unexpected('sleep', e));
    },
  ],
];

for (const [kind] of OPS) WITHOUT.delete(kind);
if (WITHOUT.size > 0) {
  console.error(`soak: no operation named ${[...WITHOUT].join(', ')}`);
  process.exit(2);
}
const without = new Set(
  (process.argv.find((a, i, all) => all[i - 1] === '--without' || a.startsWith('--without=')) ?? '')
    .replace(/^--without=/, '')
    .split(','),
);
for (const op of OPS) if (without.has(op[0])) op[1] = 0;
const weights = OPS.reduce((sum, op) => sum + op[1], 0);
function chooseOp(): Op {
  let r = random(weights);
  for (const op of OPS) if ((r -= op[1]) < 0) return op;
  return OPS[0]!;
}

// ---------------------------------------------------------------------------------------------
// The actors: workers running random operations, a closer, a chaos canceller, the heap sampler.

async function worker(): Promise<void> {
  while (!stopping) {
    const op = chooseOp();
    currentOp = OPS.indexOf(op);
    await op[2]();
    // A macrotask hop now and then, so timers run and memory can be sampled.
    if ((total & 63) === 0) await yieldNow();
  }
}

async function closer(): Promise<void> {
  while (!stopping) {
    await new Promise((resolve) => setTimeout(resolve, 5 + random(60)));
    if (stopping) break;
    const i = random(slots.length);
    const old = slots[i]!;
    slots[i] = new Channel<number>(pick(CAPACITIES));
    old.close(chance(0.3) ? new CanceledError() : undefined);
    count('close');
    // A retired channel's buffered values are still receivable: this task receives them.
    sweep(old);
    for (const out of outlets) if (sweep(out)) outlets.delete(out);
  }
}

async function chaosMonkey(): Promise<void> {
  while (!stopping) {
    await new Promise((resolve) => setTimeout(resolve, 2 + random(20)));
    const [, cancel] = chaos;
    chaos = withCancel(background());
    cancel();
    count('chaos cancel');
  }
}

const samples: { t: number; heap: number; ops: number }[] = [];
function sampleHeap(start: number): void {
  gc!();
  samples.push({ t: (performance.now() - start) / 1000, heap: process.memoryUsage().heapUsed, ops: total });
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Receives what a channel holds now; true once it reports closed and drained. */
function sweep(ch: Channel<number>): boolean {
  for (;;) {
    let r: ReturnType<typeof ch.tryRecv>;
    try {
      r = ch.tryRecv();
    } catch (e) {
      unexpected('sweep', e);
      return true;
    }
    if (r === undefined) return false;
    if (!r.ok) return true;
    received(r.value);
  }
}

/**
 * Receives everything a channel still holds, until it reports closed. A pipeline's output (a
 * bridge, a fan-in, a generator) is not closed here: it closes by itself once its inputs are
 * closed and what it took is delivered, so the drain waits for it (bounded).
 */
async function drainChannel(ch: Channel<number>, deadline: number): Promise<void> {
  for (;;) {
    let r: ReturnType<typeof ch.tryRecv>;
    try {
      r = ch.tryRecv();
    } catch (e) {
      unexpected('drain', e);
      return;
    }
    if (r?.ok === false) return;
    if (r !== undefined) received(r.value);
    else if (performance.now() > deadline) {
      problem('drain: a pipeline output never closed after every channel was closed');
      return;
    } else await yieldNow();
  }
}

async function main(): Promise<void> {
  const baseline = snapshotLive();
  const start = performance.now();
  const end = start + SECONDS * 1000;
  const every = Math.max(1, Math.min(5, SECONDS / 12));
  console.log(
    `soak: ${SECONDS} s, seed ${SEED}, ${WORKERS} workers, heap sampled every ${every} s after gc()`,
  );

  const actors = [...Array.from({ length: WORKERS }, worker), closer(), chaosMonkey()];
  sampleHeap(start);
  let nextSample = start + every * 1000;
  let nextReport = start + 30_000;
  while (performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = performance.now();
    if (now >= nextSample) {
      sampleHeap(start);
      nextSample += every * 1000;
    }
    if (now >= nextReport) {
      const last = samples.at(-1)!;
      console.log(
        `  ${Math.round(last.t)} s: ${total.toLocaleString('en')} operations, heap ${(last.heap / 1e6).toFixed(1)} MB`,
      );
      nextReport += 30_000;
    }
  }
  const ran = (performance.now() - start) / 1000;

  // Shutdown: stop the actors, close every channel (buffered values stay receivable), cancel the
  // chaos context, wait for every worker's last operation (bounded), then drain what is left.
  stopping = true;
  chaos[1]();
  for (const ch of slots) if (!(ch as unknown as { closed: boolean }).closed) ch.close();
  const settled = await Promise.race([
    Promise.all(actors).then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000)),
  ]);
  if (!settled) problem('shutdown: workers still blocked 10 s after every channel was closed');
  const deadline = performance.now() + 10_000;
  for (const ch of slots) await drainChannel(ch, deadline);
  for (const ch of outlets) await drainChannel(ch, deadline);

  // Exactly once.
  let sent = 0;
  let failed = 0;
  let pending = 0;
  let got = 0;
  let lost = 0;
  let duplicated = 0;
  let ghost = 0;
  const lostBy = new Map<string, number>();
  for (let id = 0; id < nextId; id++) {
    const b = pages[Math.floor(id / PAGE)]![id % PAGE]!;
    const f = b & 3;
    const n = (b >> 2) & 3;
    got += n;
    if (n > 1) duplicated++;
    if (f === SENT) {
      sent++;
      if (n === 0) {
        lost++;
        const by = OPS[senders[Math.floor(id / PAGE)]![id % PAGE]!]![0];
        lostBy.set(by, (lostBy.get(by) ?? 0) + 1);
      }
    } else if (f === FAILED) {
      failed++;
      if (n > 0) ghost++;
    } else pending++;
    if (
      (lost > 0 && lost <= 3 && n === 0 && f === SENT) ||
      (ghost > 0 && ghost <= 3 && f === FAILED && n > 0)
    )
      problem(`value ${id}: send ${f === SENT ? 'resolved' : 'failed'}, received ${n} time(s)`);
  }
  if (lost > 0)
    problem(
      `${lost} value(s) lost: their send resolved, nobody received them (sent by ${[...lostBy].map(([k, n]) => `${k} ×${n}`).join(', ')})`,
    );
  if (duplicated > 0) problem(`${duplicated} value(s) received more than once`);
  if (ghost > 0) problem(`${ghost} value(s) received although their send was cancelled or rejected`);
  if (pending > 0) problem(`${pending} send(s) never settled`);

  // The sync kit came back whole.
  if (!mutex.tryLock()) problem('Mutex: still locked at the end');
  else mutex.unlock();
  if (!rw.tryLock()) problem('RWMutex: still locked at the end');
  else rw.unlock();
  if (!sem.tryAcquire(SEM_SIZE)) problem('Semaphore: permits missing at the end');
  else sem.release(SEM_SIZE);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const live = snapshotLive();
  const parked = live.parked - baseline.parked;
  if (parked > 0) problem(`${parked} operation(s) still parked after shutdown`);

  // Heap: the slope after gc(), over the samples past the first fifth of the run (warm-up).
  sampleHeap(start);
  const used = samples.filter((s) => s.t >= ran / 5);
  const bytesPerSecond =
    used.length >= 3
      ? slope(
          used.map((s) => s.t),
          used.map((s) => s.heap),
        )
      : 0;
  const opsPerSecond = total / ran;
  const bytesPerMillionOps = (bytesPerSecond / opsPerSecond) * 1e6;
  const span = used.length >= 2 ? used.at(-1)!.t - used[0]!.t : 0;
  const growth = bytesPerSecond * span;
  const median = [...used].sort((a, b) => a.heap - b.heap)[Math.floor(used.length / 2)]?.heap ?? 0;
  const growing = growth > Math.max(8e6, 0.2 * median);
  if (growing) problem(`heap grows: ${(growth / 1e6).toFixed(1)} MB over ${span.toFixed(0)} s`);

  const kinds = [...ops].sort((a, b) => b[1] - a[1]);
  console.log(
    `\noperations: ${total.toLocaleString('en')} in ${ran.toFixed(1)} s (${Math.round(opsPerSecond).toLocaleString('en')}/s)`,
  );
  for (const [kind, n] of kinds) console.log(`  ${kind.padEnd(24)} ${n.toLocaleString('en').padStart(12)}`);
  console.log(
    `\nexactly once: ${nextId.toLocaleString('en')} values; sent ${sent.toLocaleString('en')}, ` +
      `send failed ${failed.toLocaleString('en')}, received ${got.toLocaleString('en')}, ` +
      `lost ${lost}, duplicated ${duplicated}, received after a failed send ${ghost}, unsettled ${pending}`,
  );
  console.log(
    `heap after gc(): ${samples.map((s) => (s.heap / 1e6).toFixed(1)).join(' ')} MB\n` +
      `heap slope: ${Math.round(bytesPerSecond).toLocaleString('en')} B/s, ` +
      `${Math.round(bytesPerMillionOps).toLocaleString('en')} B per million operations ` +
      `(${growing ? 'GROWING' : 'flat'})`,
  );
  if (problems.length > 0) {
    console.log(`\nFAILED:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log('\nOK');
  process.exit(0);
}

void main();
