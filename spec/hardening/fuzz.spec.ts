// The bad-input suite: every export of gorx and gorx/testing, every method, every argument
// position, fed arbitrary values. Each call either works as documented or throws a typed error at
// the call (API.md: TypeError for a wrong kind, RangeError for a number out of range), runs no user
// code while validating or formatting, returns no rejected Promise for a bad argument, and leaves
// its object working (a health check per primitive). Nothing may hang: every await is bounded.
//
// The table `SITES` has one row per export/method × argument position; adding an export is one row.
import fc from 'fast-check';
import {
  after,
  afterFunc,
  BufferOverflowError,
  background,
  CanceledError,
  Channel,
  ClosedChannelError,
  type Context,
  cancelWith,
  cause,
  contextKey,
  DeadlineExceededError,
  ErrGroup,
  errGroup,
  fanIn,
  fromDestroyRef,
  fromSignal,
  go,
  Mutex,
  NegativeCounterError,
  newTicker,
  newTimer,
  Once,
  onceFunc,
  onceValue,
  produce,
  RWMutex,
  recv,
  Semaphore,
  select,
  select$,
  send,
  sendTo,
  sleep,
  Ticker,
  Timer,
  tick,
  toChannel,
  trySelect,
  UnlockError,
  WaitGroup,
  withCancel,
  withCancelCause,
  withDeadline,
  withoutCancel,
  withTimeout,
  withValue,
  workerPool,
} from 'gorx';
import {
  captureStacks,
  DeadlockError,
  LeakError,
  snapshotLive,
  synctest,
  VirtualClock,
  verifyNoLeaks,
} from 'gorx/testing';
import { config, lastValueFrom, Observable, of, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, flush, type State, track } from '../helpers/async.js';
import {
  type Arg,
  booleanArg,
  cancelArg,
  casesArg,
  closable,
  concurrencyArg,
  contextArg,
  countArg,
  dataArg,
  deadlineArg,
  destroyRefArg,
  durationArg,
  fires,
  fnArg,
  Hostile,
  integerArg,
  keyArg,
  optsArg,
  overflowArg,
  periodArg,
  pollutionArg,
  recvChannelArg,
  sendChannelArg,
  signalArg,
  sourceArg,
  spy,
  stringArg,
  tickPeriodArg,
  UserCanceled,
  type Verdict,
} from './arbitraries.js';

// ---------------------------------------------------------------------------------------------
// Settings: a fixed seed (overridable in Node only), runs per row, the time a Promise gets.

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const SEED = Number(env?.GORX_FUZZ_SEED ?? 0x60_5e_ed);
const SCALE = Number(env?.GORX_FUZZ_SCALE ?? 1);
const RUNS = Math.max(1, Math.round(30 * SCALE));
/** Only the rows whose name contains this (Node only): for reproducing one row. */
const ONLY = env?.GORX_FUZZ_ONLY;
/** Real-time bound on a Promise that must settle: generous for a loaded machine, far below a hang. */
const LIMIT = 1000;

class Hang extends Error {
  override name = 'Hang';
}

/** Awaits `p`, failing with `Hang` if it does not settle within LIMIT ms of real time. */
async function within<T>(p: PromiseLike<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Hang(`${what} did not settle within ${LIMIT} ms`)), LIMIT);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

function fail(message: string): never {
  throw new Error(message);
}

function describeValue(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split('\n')[0]}`;
  if (typeof e === 'symbol') return e.toString();
  if (typeof e === 'object' && e !== null) return Array.isArray(e) ? 'an array' : 'an object';
  if (typeof e === 'function') return 'a function';
  return typeof e === 'bigint' ? `${e}n` : String(e);
}

/** Whether `v` is a thenable; a `then` getter that throws makes it none (the caller settles it). */
function isThenable(v: unknown): v is PromiseLike<unknown> {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return false;
  try {
    return typeof (v as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/** The gorx objects inside a subject (a tuple or a record of them): what a run may freeze. */
function primitives(s: unknown): object[] {
  if (typeof s !== 'object' || s === null) return [];
  const plain = Array.isArray(s) || Object.getPrototypeOf(s) === Object.prototype;
  if (!plain) return [s];
  return Object.values(s).filter(
    (v): v is object =>
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.getPrototypeOf(v) !== Object.prototype,
  );
}

// ---------------------------------------------------------------------------------------------
// The table.

/** How an accepted call ended: its value, or the error it threw or rejected with. */
type Ended = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Site<S = any> {
  /** The call, as a user writes it, with `x` at the position under test. */
  readonly name: string;
  /** The lib file the call belongs to (for grouping the report). */
  readonly file: string;
  /** Rule ids the row protects. */
  readonly rules: string;
  readonly arg: fc.Arbitrary<Arg>;
  /** A fresh object for each run (the receiver of a method). */
  readonly subject?: () => S;
  readonly call: (s: S, x: unknown) => unknown;
  /** Releases a call that parked on something the run's cancel tokens cannot reach. */
  readonly unblock?: (s: S) => void;
  /** Checks the documented effect of an accepted call and releases what it holds. */
  readonly accepted?: (s: S, ended: Ended, x: unknown, out: unknown) => void | Promise<void>;
  /** The call returns a `$` Observable: subscribe to it, fire the tokens, unsubscribe. */
  readonly observe?: boolean;
  /** The object still works (by default: the library as a whole still works). */
  readonly health?: (s: S) => void | Promise<void>;
  /** Error classes an accepted call may end with, besides the cancel errors and `Hostile`. */
  readonly documented?: readonly Function[];
  /** The value is user data: an error equal to it is its own (e.g. a close error). */
  readonly data?: boolean;
  /** A failing callback surfaces as an unhandled rejection, by contract (GO4). */
  readonly surfaces?: boolean;
  /** Runs for this row, relative to RUNS. */
  readonly weight?: number;
}

const CANCEL_ERRORS: readonly Function[] = [CanceledError, DeadlineExceededError, UserCanceled];

function allowedError(site: Site, e: unknown, x: unknown): boolean {
  if (e instanceof Hostile) return true;
  if (site.data === true && Object.is(e, x)) return true;
  return [...CANCEL_ERRORS, ...(site.documented ?? [])].some((C) => e instanceof (C as any));
}

// Health checks, one per primitive.

/** A channel whose residue is `left`: it holds exactly those values, then sends, receives and closes in order. */
async function channelHealth(ch: Channel<unknown>, left: readonly unknown[] = []): Promise<void> {
  for (const v of left) {
    const r = ch.tryRecv();
    if (r === undefined || !r.ok || !Object.is(r.value, v))
      fail(`channel: expected ${describeValue(v)} left in it, got ${JSON.stringify(r)}`);
  }
  const rest = ch.tryRecv();
  if (rest !== undefined)
    fail(`channel: expected empty and open, tryRecv gave ${rest.ok ? 'a value' : 'closed'}`);
  const a = { a: 1 };
  const b = { b: 2 };
  const sa = ch.send(a);
  const sb = ch.send(b);
  const ra = await within(ch.recv(), 'channel recv');
  const rb = await within(ch.recv(), 'channel recv');
  if (ra.value !== a || rb.value !== b) fail('channel: values out of order or lost');
  await within(sa, 'channel send');
  await within(sb, 'channel send');
  ch.close();
  const end = await within(ch.recv(), 'recv on a closed channel');
  if (end.ok) fail('channel: a closed, drained channel gave a value');
  expect(() => ch.trySend(1)).toThrow(ClosedChannelError);
}

async function mutexHealth(m: Mutex | RWMutex): Promise<void> {
  if (!m.tryLock()) fail('mutex: left locked');
  m.unlock();
  const unlock = await within(m.lock(), 'mutex lock');
  unlock();
  if (!m.tryLock()) fail('mutex: Unlock did not release it');
  m.unlock();
}

async function rwHealth(rw: RWMutex): Promise<void> {
  if (!rw.tryRLock() || !rw.tryRLock()) fail('RWMutex: a read lock was refused');
  rw.rUnlock();
  rw.rUnlock();
  await mutexHealth(rw);
}

async function semaphoreHealth(sem: Semaphore, size: number): Promise<void> {
  if (!sem.tryAcquire(size)) fail(`semaphore: cannot acquire its full size ${size}`);
  sem.release(size);
  await within(sem.acquire(Math.min(1, size)), 'semaphore acquire');
  sem.release(Math.min(1, size));
}

async function waitGroupHealth(wg: WaitGroup): Promise<void> {
  await within(wg.wait(), 'WaitGroup.wait on a zero counter');
  wg.add(1);
  const p = track(wg.wait());
  await flush(1);
  if (p.current.status !== 'pending') fail('WaitGroup: wait returned with a counter of 1');
  wg.done();
  await within(wg.wait(), 'WaitGroup.wait after done');
}

async function errGroupHealth(g: ErrGroup): Promise<void> {
  let ran = false;
  await within(
    g.go(() => {
      ran = true;
    }),
    'ErrGroup.go',
  );
  await within(g.wait(), 'ErrGroup.wait').catch((e) => {
    if (!(e instanceof Hostile)) throw e;
  });
  if (!ran) fail('ErrGroup: a task did not run');
}

/** A context still cancels: err set, done closed, signal aborted, children cancelled. */
async function contextHealth(ctx: Context, cancel?: () => void): Promise<void> {
  const [child, cancelChild] = withCancel(ctx);
  if (cancel === undefined) {
    cancelChild();
    if (child.err === undefined) fail('context: a child cannot be cancelled');
    return;
  }
  cancel();
  if (!(ctx.err instanceof CanceledError || ctx.err instanceof DeadlineExceededError))
    fail(`context: err after cancel() is ${describeValue(ctx.err)}`);
  const r = await within(ctx.done.recv(), 'ctx.done after cancel()');
  if (r.ok) fail('context: done gave a value');
  if (!ctx.signal.aborted) fail('context: signal not aborted');
  if (child.err === undefined) fail('context: child not cancelled');
}

async function onceHealth(once: Once): Promise<void> {
  let runs = 0;
  await within(
    once.do(() => {
      runs++;
    }),
    'Once.do',
  ).catch((e) => {
    if (!(e instanceof Hostile)) throw e;
  });
  await within(
    once.do(() => {
      runs++;
    }),
    'Once.do',
  );
  if (runs > 1) fail('Once: ran twice');
}

async function timerHealth(t: Timer): Promise<void> {
  t.reset(0);
  const r = await within(t.c.recv(), 'a timer reset to 0');
  if (typeof r.value !== 'number' || !Number.isFinite(r.value))
    fail(`timer: fired with ${describeValue(r.value)}`);
  if (t.stop()) fail('timer: stop() after the value was received returned true');
}

async function tickerHealth(t: Ticker): Promise<void> {
  t.reset(1);
  const a = await within(t.c.recv(), 'a ticker tick');
  const b = await within(t.c.recv(), 'a second ticker tick');
  if (!(Number.isFinite(a.value) && Number.isFinite(b.value) && (b.value as number) > (a.value as number)))
    fail(`ticker: ticks ${a.value}, ${b.value}`);
  t.stop();
}

/** The most values a drained channel of this suite may give: more is an endless stream. */
const MOST = 64;

/** Ranges over a receive channel to its end (bounded in time and length): its values. */
async function drain<T>(ch: Observable<T>, what: string): Promise<T[]> {
  const values = await within(lastValueFrom(ch.pipe(take(MOST + 1), toArray())), what);
  if (values.length > MOST)
    fail(`${what}: more than ${MOST} values (${values.slice(0, 3).map(describeValue).join(', ')}, …)`);
  return values;
}

/** The library as a whole still works: select, contexts, timers (after a stack overflow they may not). */
async function libraryHealth(): Promise<void> {
  const ch = new Channel<number>(1);
  ch.trySend(1);
  const r = trySelect({ a: recv(ch), nil: recv(null) });
  if (r?.case !== 'a') fail('library: trySelect on a ready channel did not take it');
  const [ctx, cancel] = withCancel(background());
  cancel();
  if (ctx.done.tryRecv()?.ok !== false) fail('library: a cancelled context is not done');
  await within(sleep(0), 'sleep(0)');
}

/** A `[ctx, cancel]` pair the call made still cancels. */
function derivedHealth(_: unknown, ended: Ended): Promise<void> | undefined {
  if (!ended.ok) return undefined;
  const [ctx, cancel] = ended.value as [Context, () => void];
  return contextHealth(ctx, cancel);
}

// Subjects that a call can park on.

/** A Mutex held by someone else, and how to release it. */
function heldMutex<M extends Mutex | RWMutex>(m: M): { m: M; release(): void; grant?: () => void } {
  m.tryLock();
  let held = true;
  return {
    m,
    release() {
      if (held) m.unlock();
      held = false;
    },
  };
}

function unlockIfGranted(ended: Ended): void {
  if (ended.ok && typeof ended.value === 'function') (ended.value as () => void)();
}

// A blocker: a task an ErrGroup, Once or WaitGroup waits for, finished on demand.
function blocker(): { promise: Promise<void>; finish(): void } {
  let finish!: () => void;
  const promise = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { promise, finish };
}

const V = 'V';

// The rows, area by area. `x` is the value under test.

const CHANNEL: Site[] = [
  {
    name: 'new Channel(capacity)',
    file: 'channel/Channel.ts',
    rules: 'CH1',
    arg: countArg(),
    call: (_, x) => new Channel(x as number),
    accepted: (_, ended) => channelHealth(ended.ok ? (ended.value as Channel<unknown>) : fail('no channel')),
    health: () => channelHealth(new Channel(1)),
  },
  {
    name: 'ch.send(value)',
    file: 'channel/Channel.ts',
    rules: 'T3 CH2',
    arg: dataArg(),
    subject: () => ({ ch: new Channel<unknown>(), got: undefined as unknown }),
    call: (s, x) => s.ch.send(x),
    unblock: (s) => {
      s.got = s.ch.tryRecv();
    },
    accepted: (s, ended, x) => {
      if (!ended.ok) fail(`send rejected with ${describeValue(ended.error)}`);
      if (!Object.is(s.got?.value, x)) fail('the value received is not the value sent');
    },
    health: (s) => channelHealth(s.ch),
  },
  {
    name: 'ch.send(V, cancel)',
    file: 'channel/Channel.ts',
    rules: 'T9 CH2',
    arg: cancelArg(),
    subject: () => ({
      ch: new Channel<unknown>(),
      got: undefined as { ok: boolean; value: unknown } | undefined,
    }),
    call: (s, x) => s.ch.send(V, x as Context),
    unblock: (s) => {
      s.got = s.ch.tryRecv();
    },
    accepted: (s, ended) => {
      if (ended.ok && s.got?.value !== V) fail('send resolved but its value was not received');
    },
    health: (s) => channelHealth(s.ch),
  },
  {
    name: 'ch.send$(value)',
    file: 'channel/Channel.ts',
    rules: 'RX2 CH2',
    arg: dataArg(),
    subject: () => ({ ch: new Channel<unknown>(1), left: [] as unknown[] }),
    call: (s, x) => {
      const out = s.ch.send$(x);
      if (!(out instanceof Observable)) fail('send$ did not return an Observable');
      out.subscribe();
      s.left.push(x);
      return undefined;
    },
    health: (s) => channelHealth(s.ch, s.left),
  },
  {
    name: 'ch.trySend(value)',
    file: 'channel/Channel.ts',
    rules: 'T5 T3',
    arg: dataArg(),
    subject: () => ({ ch: new Channel<unknown>(1), left: [] as unknown[] }),
    call: (s, x) => {
      const sent = s.ch.trySend(x);
      if (sent !== true) fail('trySend on an empty buffered channel returned false');
      s.left.push(x);
      return undefined;
    },
    health: (s) => channelHealth(s.ch, s.left),
  },
  {
    name: 'ch.close(error)',
    file: 'channel/Channel.ts',
    rules: 'CH10 CH11 CH13',
    arg: dataArg(),
    data: true,
    subject: () => {
      const ch = new Channel<unknown>(1);
      ch.trySend(V);
      return ch;
    },
    call: (ch, x) => ch.close(x),
    accepted: async (ch, _, x) => {
      const first = ch.tryRecv();
      if (first?.value !== V) fail('the buffered value was lost by close');
      const end = await within(ch.recv(), 'recv after close').then(
        (r) => ({ ok: true as const, r: r as { ok: boolean } }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      const noError = x === undefined || x === null;
      if (noError && !(end.ok && !end.r.ok))
        fail(`close(${describeValue(x)}) should end receives with ok: false (nil error)`);
      if (!noError && (end.ok || !Object.is(end.error, x)))
        fail('receivers did not get the close error itself');
      expect(() => ch.trySend(1)).toThrow(ClosedChannelError);
      expect(() => ch.close()).toThrow(ClosedChannelError);
    },
    health: () => channelHealth(new Channel()),
  },
  {
    name: 'ch.recv(cancel)',
    file: 'channel/ReceivePort.ts',
    rules: 'T9 CH4',
    arg: cancelArg(),
    subject: () => new Channel<unknown>(),
    call: (ch, x) => ch.recv(x as Context),
    unblock: (ch) => {
      if (!ch.trySend(V)) fail('the parked recv is not registered');
    },
    accepted: (_, ended) => {
      if (ended.ok && (ended.value as { value: unknown }).value !== V)
        fail('recv resolved with a value nobody sent');
    },
    health: (ch) => channelHealth(ch),
  },
  {
    name: 'ch.recv(cancel) with a value ready',
    file: 'channel/ReceivePort.ts',
    rules: 'T9 CH4',
    arg: cancelArg(),
    subject: () => {
      const ch = new Channel<unknown>(1);
      ch.trySend(V);
      return { ch, left: [V] as unknown[] };
    },
    call: (s, x) => s.ch.recv(x as Context),
    accepted: (s, ended) => {
      if (ended.ok) s.left = [];
    },
    health: (s) => channelHealth(s.ch, s.left),
  },
  {
    name: 'ctx.done.recv(cancel)',
    file: 'channel/ReceivePort.ts',
    rules: 'T9 CX2',
    arg: cancelArg(),
    subject: () => withCancel(background()),
    call: ([ctx], x) => ctx.done.recv(x as Context),
    unblock: ([, cancel]) => cancel(),
    health: ([ctx, cancel]) => contextHealth(ctx, cancel),
  },
  {
    name: 'newTimer(1e9).c.recv(cancel)',
    file: 'time/TimerPort.ts',
    rules: 'T9 TM1',
    arg: cancelArg(),
    subject: () => newTimer(1e9),
    call: (t, x) => t.c.recv(x as Context),
    unblock: (t) => {
      t.reset(0);
    },
    health: (t) => timerHealth(t),
  },
  {
    name: 'ctx.done.trySend(value) (receive-only)',
    file: 'context/Context.ts',
    rules: 'CH16 CX2',
    arg: dataArg().map((a) => a.with(['type'])),
    subject: () => withCancel(background()),
    call: ([ctx], x) => (ctx.done as any).trySend(x),
    health: ([ctx, cancel]) => contextHealth(ctx, cancel),
  },
  {
    name: 'ctx.done.close(error) (receive-only)',
    file: 'context/Context.ts',
    rules: 'CH16 CX2',
    arg: dataArg().map((a) => a.with(['type'])),
    subject: () => withCancel(background()),
    call: ([ctx], x) => (ctx.done as any).close(x),
    health: ([ctx, cancel]) => contextHealth(ctx, cancel),
  },
];

/** A select on `cases` with a cancel token that is fired at the end of the run. */
function fired(): Context {
  const [ctx, cancel] = withCancel(background());
  fires.push(cancel);
  return ctx;
}

const SELECT: Site[] = [
  {
    name: 'recv(ch)',
    file: 'select/cases.ts',
    rules: 'SE6 SE7',
    arg: recvChannelArg(),
    call: (_, x) => recv(x as Channel<unknown>),
    accepted: (_, ended) => {
      if (!ended.ok) return;
      // The case works in a non-blocking select.
      trySelect({ c: ended.value as ReturnType<typeof recv> });
    },
  },
  {
    name: 'send(ch, V)',
    file: 'select/cases.ts',
    rules: 'SE8 SE11',
    arg: sendChannelArg(),
    call: (_, x) => send(x as Channel<unknown>, V),
    accepted: (_, ended) => {
      if (ended.ok) trySelect({ c: ended.value as ReturnType<typeof send> });
    },
  },
  {
    name: 'trySelect({ s: send(ch, value) })',
    file: 'select/cases.ts',
    rules: 'SE1 SE11 T3',
    arg: dataArg(),
    subject: () => new Channel<unknown>(1),
    call: (ch, x) => trySelect({ s: send(ch, x) }),
    accepted: (ch, ended, x) => {
      if (!ended.ok || (ended.value as { case: string } | undefined)?.case !== 's')
        fail('the send case did not commit');
      const r = ch.tryRecv();
      if (!r?.ok || !Object.is(r.value, x)) fail('the value received is not the value sent');
    },
    health: (ch) => channelHealth(ch),
  },
  {
    name: 'select(cases, ctx)',
    file: 'select/select.ts',
    rules: 'SE1 SE5 G1',
    arg: casesArg(),
    call: (_, x) => select(x as {}, fired()),
    accepted: (_, ended, x) => {
      if (ended.ok) ownCase(ended.value, x);
    },
    documented: [ClosedChannelError],
  },
  {
    name: 'select({ a: recv(ch) }, cancel)',
    file: 'select/select.ts',
    rules: 'T9 SE5 G7',
    arg: cancelArg(),
    subject: () => new Channel<unknown>(),
    call: (ch, x) => select({ a: recv(ch) }, x as Context),
    unblock: (ch) => {
      if (!ch.trySend(V)) fail('the parked select is not registered');
    },
    health: (ch) => channelHealth(ch),
  },
  {
    name: 'select$(cases)',
    file: 'select/select.ts',
    rules: 'SE1 RX2',
    arg: casesArg(),
    call: (_, x) => select$(x as {}),
    accepted: (_, ended, x) => {
      if (!ended.ok) return;
      const seen: unknown[] = [];
      const sub = (ended.value as Observable<unknown>).subscribe({
        next: (v) => seen.push(v),
        error: () => {},
      });
      sub.unsubscribe();
      for (const v of seen) ownCase(v, x);
    },
  },
  {
    name: 'trySelect(cases)',
    file: 'select/select.ts',
    rules: 'SE1 SE4 T5',
    arg: casesArg(),
    call: (_, x) => trySelect(x as {}),
    accepted: (_, ended, x) => {
      if (ended.ok && ended.value !== undefined) ownCase(ended.value, x);
    },
    documented: [ClosedChannelError],
  },
];

/** A select result names one of the cases' own keys (never an inherited one). */
function ownCase(result: unknown, cases: unknown): void {
  const key = (result as { case?: unknown } | undefined)?.case;
  if (typeof key !== 'string' || !Object.hasOwn(cases as object, key))
    fail(`select committed case ${String(key)}, not an own key`);
}

const CONTEXT: Site[] = [
  ...(
    [
      ['withCancel(parent)', (p: unknown) => withCancel(p as Context)],
      ['withCancelCause(parent)', (p: unknown) => withCancelCause(p as Context)],
      ['withTimeout(parent, 1e9)', (p: unknown) => withTimeout(p as Context, 1e9)],
      [
        'withDeadline(parent, Date.now() + 1e9)',
        (p: unknown) => withDeadline(p as Context, Date.now() + 1e9),
      ],
    ] as const
  ).map(
    ([name, make]): Site => ({
      name,
      file: name.startsWith('withCancel') ? 'context/withCancel.ts' : 'context/withDeadline.ts',
      rules: 'CX10 CX4',
      arg: contextArg(),
      call: (_, x) => make(x),
      accepted: (_, ended) => {
        if (!ended.ok) return;
        const [ctx, cancel] = ended.value as [Context, () => void];
        return contextHealth(ctx, cancel);
      },
    }),
  ),
  {
    name: 'withCancelCause(bg)[1](cause)',
    file: 'context/withCancel.ts',
    rules: 'CX11',
    arg: dataArg(),
    subject: () => withCancelCause(background()),
    call: ([, cancel], x) => cancel(x),
    accepted: ([ctx], _, x) => {
      if (!(ctx.err instanceof CanceledError)) fail('not cancelled');
      const want = x === undefined || x === null ? ctx.err : x;
      if (!Object.is(cause(ctx), want)) fail('cause(ctx) is not the cause given');
    },
  },
  {
    name: 'withTimeout(bg, ms)',
    file: 'context/withDeadline.ts',
    rules: 'CX7 T7',
    arg: durationArg(),
    call: (_, x) => withTimeout(background(), x as number),
    accepted: derivedHealth,
  },
  {
    name: 'withTimeout(bg, 1e9, cause)',
    file: 'context/withDeadline.ts',
    rules: 'CX11',
    arg: dataArg(),
    call: (_, x) => withTimeout(background(), 1e9, x),
    accepted: (_, ended) => {
      if (ended.ok) (ended.value as [Context, () => void])[1]();
    },
  },
  {
    name: 'withDeadline(bg, at)',
    file: 'context/withDeadline.ts',
    rules: 'CX7 T7',
    arg: deadlineArg(),
    call: (_, x) => withDeadline(background(), x as number),
    accepted: derivedHealth,
  },
  {
    name: 'withValue(parent, key, 1)',
    file: 'context/Context.ts',
    rules: 'CX9 CX10',
    arg: contextArg(),
    call: (_, x) => withValue(x as Context, contextKey('k'), 1),
    accepted: (_, ended) => (ended.ok ? contextHealth(ended.value as Context) : undefined),
  },
  {
    name: 'withValue(bg, key, 1)',
    file: 'context/Context.ts',
    rules: 'CX9',
    arg: keyArg(),
    call: (_, x) => withValue(background(), x as never, 1),
    accepted: (_, ended, x) => {
      if (!ended.ok) return;
      const ctx = ended.value as Context;
      if (!Number.isNaN(x) && ctx.value(x as never) !== 1) fail('value(key) did not find the value');
    },
  },
  {
    name: 'withValue(bg, key, value)',
    file: 'context/Context.ts',
    rules: 'CX9',
    arg: dataArg(),
    call: (_, x) => withValue(background(), KEY, x),
    accepted: (_, ended, x) => {
      if (ended.ok && !Object.is((ended.value as Context).value(KEY), x))
        fail('value(key) is not the value stored');
    },
  },
  {
    name: 'withoutCancel(parent)',
    file: 'context/Context.ts',
    rules: 'CX12 CX10',
    arg: contextArg(),
    call: (_, x) => withoutCancel(x as Context),
    accepted: (_, ended) => {
      if (ended.ok && (ended.value as Context).err !== undefined) fail('withoutCancel gave a done context');
    },
  },
  {
    name: 'contextKey(name)',
    file: 'context/Context.ts',
    rules: 'CX9',
    arg: stringArg(false),
    call: (_, x) => contextKey(x as string),
  },
  {
    name: 'cause(ctx)',
    file: 'context/Context.ts',
    rules: 'CX11 CX14',
    arg: contextArg(),
    call: (_, x) => cause(x as Context),
  },
  {
    name: 'ctx.value(key)',
    file: 'context/Context.ts',
    rules: 'CX9',
    arg: dataArg(),
    subject: () => withCancel(withValue(background(), KEY, 1)),
    call: ([ctx], x) => ctx.value(x as never),
    accepted: (_, ended, x) => {
      if (ended.ok && ended.value !== (x === KEY ? 1 : undefined))
        fail('value(key) found a value under a key never stored');
    },
    health: ([ctx, cancel]) => contextHealth(ctx, cancel),
  },
  {
    name: 'afterFunc(ctx, () => {})',
    file: 'context/afterFunc.ts',
    rules: 'CX13 CX10',
    arg: contextArg(),
    call: (_, x) => afterFunc(x as Context, () => {}),
    accepted: (_, ended) => {
      if (ended.ok && typeof ended.value !== 'function') fail('afterFunc did not return stop()');
    },
  },
  {
    name: 'afterFunc(ctx, fn)',
    file: 'context/afterFunc.ts',
    rules: 'CX13 GO4',
    arg: fnArg(),
    subject: () => withCancel(background()),
    call: ([ctx], x) => afterFunc(ctx, x as () => void),
    surfaces: true,
    health: ([ctx, cancel]) => contextHealth(ctx, cancel),
  },
  {
    name: 'fromSignal(signal)',
    file: 'context/interop.ts',
    rules: 'CX16',
    arg: signalArg(),
    call: (_, x) => fromSignal(x as AbortSignal),
  },
  {
    name: 'fromSignal(signal, parent)',
    file: 'context/interop.ts',
    rules: 'CX16 CX10',
    arg: contextArg(true),
    subject: () => new AbortController(),
    call: (ac, x) => fromSignal(ac.signal, x as Context),
    accepted: (ac, ended) => {
      if (!ended.ok) return;
      ac.abort();
      if ((ended.value as Context).err === undefined) fail('the context did not follow its signal');
    },
  },
  {
    name: 'fromDestroyRef(ref)',
    file: 'context/interop.ts',
    rules: 'CX16 CX2',
    arg: destroyRefArg(),
    call: (_, x) => fromDestroyRef(x as never),
    accepted: (_, ended) => (ended.ok ? contextHealth(ended.value as Context) : undefined),
    // A throwing unregister function is the user's own error: reported after every child is cancelled.
    surfaces: true,
  },
  {
    name: 'fromDestroyRef(ref, parent)',
    file: 'context/interop.ts',
    rules: 'CX16 CX10',
    arg: contextArg(true),
    call: (_, x) => fromDestroyRef({ onDestroy() {} }, x as Context),
  },
];

const KEY = contextKey<unknown>('fuzz');

const TASKS: Site[] = [
  {
    name: 'go(fn)',
    file: 'task/go.ts',
    rules: 'GO1 GO4',
    arg: fnArg(),
    call: (_, x) => go(x as () => unknown),
  },
  {
    name: 'go(() => {}, opts)',
    file: 'task/go.ts',
    rules: 'GO1',
    arg: optsArg(),
    call: (_, x) => go(() => {}, x as {}),
  },
  {
    name: 'go(() => {}, { ctx })',
    file: 'task/go.ts',
    rules: 'GO1 CX10',
    arg: cancelArg(),
    call: (_, x) => go(() => {}, { ctx: x as Context }),
  },
  {
    name: 'go(() => {}, { name })',
    file: 'task/go.ts',
    rules: 'GO1',
    arg: stringArg(true),
    call: (_, x) => go(() => {}, { name: x as string }),
    accepted: (_, ended, x, task) => {
      if (ended.ok && typeof x === 'string' && (task as { name: string }).name !== x)
        fail('task.name differs');
    },
  },
];

const SYNC: Site[] = [
  {
    name: 'wg.add(delta)',
    file: 'sync/WaitGroup.ts',
    rules: 'WG1',
    arg: integerArg(),
    subject: () => new WaitGroup(),
    call: (wg, x) => wg.add(x as number),
    accepted: (wg, ended, x) => {
      const delta = x === undefined ? 1 : (x as number);
      if (ended.ok && delta !== 0) wg.add(-delta);
    },
    documented: [NegativeCounterError],
    health: (wg) => waitGroupHealth(wg),
  },
  {
    name: 'wg.add(2 ** 52) twice',
    file: 'sync/WaitGroup.ts',
    rules: 'WG1',
    arg: integerArg(),
    subject: () => {
      const wg = new WaitGroup();
      wg.add(2 ** 52);
      return wg;
    },
    call: (wg, x) => {
      wg.add(x as number);
      return x;
    },
    accepted: (wg, ended, x) => {
      if (ended.ok && typeof x === 'number' && x !== 0) wg.add(-x);
    },
    documented: [NegativeCounterError],
    health: async (wg) => {
      const p = track(wg.wait());
      await flush(1);
      if (p.current.status !== 'pending') fail('WaitGroup: wait returned with a counter of 2^52');
      wg.add(-(2 ** 52));
      await within(wg.wait(), 'WaitGroup.wait');
      return waitGroupHealth(wg);
    },
  },
  {
    name: 'wg.wait(cancel)',
    file: 'sync/WaitGroup.ts',
    rules: 'T9 WG2',
    arg: cancelArg(),
    subject: () => {
      const wg = new WaitGroup();
      wg.add(1);
      return { wg, open: true };
    },
    call: (s, x) => s.wg.wait(x as Context),
    unblock: (s) => {
      s.open = false;
      s.wg.done();
    },
    health: (s) => {
      if (s.open) s.wg.done();
      return waitGroupHealth(s.wg);
    },
  },
  {
    name: 'wg.go(fn)',
    file: 'sync/WaitGroup.ts',
    rules: 'WG5 GO4',
    arg: fnArg(),
    subject: () => new WaitGroup(),
    call: (wg, x) => wg.go(x as () => void),
    accepted: (wg) => within(wg.wait(), 'WaitGroup.wait after wg.go(fn)'),
    surfaces: true,
    health: (wg) => waitGroupHealth(wg),
  },
  {
    name: 'errGroup(parent)',
    file: 'sync/ErrGroup.ts',
    rules: 'EG2 CX10',
    arg: contextArg(true),
    call: (_, x) => errGroup(x as Context),
    accepted: (_, ended) => (ended.ok ? errGroupHealth((ended.value as [ErrGroup])[0]) : undefined),
  },
  {
    name: 'g.go(fn)',
    file: 'sync/ErrGroup.ts',
    rules: 'EG1 EG4',
    arg: fnArg(),
    subject: () => errGroup()[0],
    call: (g, x) => g.go(x as () => void),
    accepted: (g) =>
      within(g.wait(), 'ErrGroup.wait').then(
        () => {},
        (e) => {
          if (!(e instanceof Hostile)) throw e;
        },
      ),
    health: (g) => errGroupHealth(g),
  },
  {
    name: 'g.go(fn, cancel) at its limit',
    file: 'sync/ErrGroup.ts',
    rules: 'EG5 T9',
    arg: cancelArg(),
    subject: () => {
      const g = new ErrGroup();
      g.setLimit(1);
      const b = blocker();
      g.tryGo(() => b.promise);
      return { g, b, ran: 0 };
    },
    call: (s, x) =>
      s.g.go(() => {
        s.ran++;
      }, x as Context),
    unblock: (s) => s.b.finish(),
    accepted: async (s, ended) => {
      s.b.finish();
      await within(s.g.wait(), 'ErrGroup.wait');
      if (ended.ok !== (s.ran === 1))
        fail(`go ${ended.ok ? 'resolved' : 'rejected'} but its fn ran ${s.ran} times`);
    },
    health: async (s) => {
      s.b.finish();
      await within(s.g.wait(), 'ErrGroup.wait');
      if (s.ran !== 0 && s.ran !== 1) fail(`fn ran ${s.ran} times`);
      return errGroupHealth(s.g);
    },
  },
  {
    name: 'g.tryGo(fn)',
    file: 'sync/ErrGroup.ts',
    rules: 'EG6',
    arg: fnArg(),
    subject: () => new ErrGroup(),
    call: (g, x) => g.tryGo(x as () => void),
    health: (g) => errGroupHealth(g),
  },
  {
    name: 'g.setLimit(n)',
    file: 'sync/ErrGroup.ts',
    rules: 'EG5',
    arg: integerArg(false),
    subject: () => new ErrGroup(),
    call: (g, x) => g.setLimit(x as number),
    accepted: (g, ended, x) => {
      if (ended.ok && x === 0 && g.tryGo(() => {})) fail('a limit of 0 let a task start');
      if (ended.ok) g.setLimit(-1);
    },
    health: (g) => errGroupHealth(g),
  },
  {
    name: 'g.wait(cancel)',
    file: 'sync/ErrGroup.ts',
    rules: 'EG4 T9',
    arg: cancelArg(),
    subject: () => {
      const g = new ErrGroup();
      const b = blocker();
      g.go(() => b.promise);
      return { g, b };
    },
    call: (s, x) => s.g.wait(x as Context),
    unblock: (s) => s.b.finish(),
    health: async (s) => {
      s.b.finish();
      await within(s.g.wait(), 'ErrGroup.wait');
      return errGroupHealth(s.g);
    },
  },
  // Mutex.lock, RWMutex.lock and RWMutex.rLock: the same rows over the write or the read side.
  ...(
    [
      ['Mutex', 'lock', 'withLock', 'MU1'],
      ['RWMutex', 'lock', 'withLock', 'MU1 RW1'],
      ['RWMutex', 'rLock', 'withRLock', 'RW1 RW2'],
    ] as const
  ).flatMap(([kind, lock, withLock, rules]): Site[] => {
    const make = (): Mutex & RWMutex => (kind === 'Mutex' ? new Mutex() : new RWMutex()) as Mutex & RWMutex;
    const file = `sync/${kind}.ts`;
    const health = (m: Mutex | RWMutex) => (m instanceof RWMutex ? rwHealth(m) : mutexHealth(m));
    const held = {
      subject: () => heldMutex(make()),
      unblock: (s: ReturnType<typeof heldMutex<Mutex & RWMutex>>) => s.release(),
      health: (s: ReturnType<typeof heldMutex<Mutex & RWMutex>>) => {
        s.release();
        return health(s.m);
      },
    };
    return [
      {
        ...held,
        name: `${kind}.${lock}(cancel) while write-locked`,
        file,
        rules: `${rules} T9`,
        arg: cancelArg(),
        call: (s, x) => s.m[lock](x as Context),
        accepted: (s, ended) => {
          s.release();
          unlockIfGranted(ended);
        },
      },
      {
        name: `${kind}.${withLock}(fn)`,
        file,
        rules,
        arg: fnArg(),
        subject: make,
        call: (m, x) => m[withLock](x as () => unknown),
        health,
      },
      {
        ...held,
        name: `${kind}.${withLock}(() => 1, cancel) while write-locked`,
        file,
        rules: `${rules} T9`,
        arg: cancelArg(),
        call: (s, x) => s.m[withLock](() => 1, x as Context),
      },
    ];
  }),
  {
    name: 'new Semaphore(size)',
    file: 'sync/Semaphore.ts',
    rules: 'SM1',
    arg: countArg(false),
    call: (_, x) => new Semaphore(x as number),
    accepted: (_, ended, x) =>
      ended.ok ? semaphoreHealth(ended.value as Semaphore, x as number) : undefined,
    health: () => semaphoreHealth(new Semaphore(2), 2),
  },
  ...(
    [
      ['acquire(n, ctx)', (sem: Semaphore, n: unknown) => sem.acquire(n as number, fired())],
      ['acquire$(n)', (sem: Semaphore, n: unknown) => sem.acquire$(n as number)],
      ['tryAcquire(n)', (sem: Semaphore, n: unknown) => sem.tryAcquire(n as number)],
      [
        'withPermits(n, () => 1, ctx)',
        (sem: Semaphore, n: unknown) => sem.withPermits(n as number, () => 1, fired()),
      ],
    ] as const
  ).map(
    ([name, call]): Site<{ sem: Semaphore }> => ({
      name: `sem.${name} of 3`,
      file: 'sync/Semaphore.ts',
      rules: 'SM1 SM3 SM4 SM8',
      // withPermits has no default weight: its n is required.
      arg: countArg(!name.startsWith('withPermits')),
      observe: name.startsWith('acquire$'),
      subject: () => ({ sem: new Semaphore(3) }),
      call: (s, x) => call(s.sem, x),
      accepted: (s, ended, x) => {
        // A granted acquire holds its permits (the Observable's are released on unsubscribe).
        if (name.startsWith('acquire(') && ended.ok) s.sem.release((x as number | undefined) ?? 1);
        if (name.startsWith('tryAcquire') && ended.ok && ended.value === true)
          s.sem.release((x as number | undefined) ?? 1);
      },
      health: (s) => semaphoreHealth(s.sem, 3),
    }),
  ),
  {
    name: 'sem.release(n) holding 2 of 3',
    file: 'sync/Semaphore.ts',
    rules: 'SM7',
    arg: countArg(),
    subject: () => {
      const sem = new Semaphore(3);
      sem.tryAcquire(2);
      return { sem, held: 2 };
    },
    call: (s, x) => {
      s.sem.release(x as number);
      s.held -= (x as number | undefined) ?? 1;
    },
    documented: [UnlockError],
    health: (s) => {
      if (s.held > 0) s.sem.release(s.held);
      return semaphoreHealth(s.sem, 3);
    },
  },
  {
    name: 'sem.acquire(1, cancel) when full',
    file: 'sync/Semaphore.ts',
    rules: 'SM1 SM5 T9',
    arg: cancelArg(),
    subject: () => {
      const sem = new Semaphore(1);
      sem.tryAcquire(1);
      return { sem, held: 1 };
    },
    call: (s, x) => s.sem.acquire(1, x as Context),
    unblock: (s) => {
      s.held--;
      s.sem.release(1);
    },
    accepted: (s, ended) => {
      if (ended.ok) s.held++;
    },
    health: (s) => {
      if (s.held > 0) s.sem.release(s.held);
      return semaphoreHealth(s.sem, 1);
    },
  },
  {
    name: 'sem.withPermits(1, fn)',
    file: 'sync/Semaphore.ts',
    rules: 'SM1',
    arg: fnArg(),
    subject: () => new Semaphore(1),
    call: (sem, x) => sem.withPermits(1, x as () => unknown),
    health: (sem) => semaphoreHealth(sem, 1),
  },
  {
    name: 'once.do(fn)',
    file: 'sync/Once.ts',
    rules: 'ON1 ON2',
    arg: fnArg(),
    subject: () => new Once(),
    call: (once, x) => once.do(x as () => void),
    health: (once) => onceHealth(once),
  },
  {
    name: 'once.do(() => {}, cancel) while the first runs',
    file: 'sync/Once.ts',
    rules: 'ON1 T9',
    arg: cancelArg(),
    subject: () => {
      const once = new Once();
      const b = blocker();
      const first = once.do(() => b.promise);
      return { once, b, first };
    },
    call: (s, x) => s.once.do(() => {}, x as Context),
    unblock: (s) => s.b.finish(),
    health: async (s) => {
      s.b.finish();
      await within(s.first, 'the first Once.do');
      return onceHealth(s.once);
    },
  },
  {
    name: 'onceFunc(fn)',
    file: 'sync/Once.ts',
    rules: 'ON4',
    arg: fnArg(),
    call: (_, x) => onceFunc(x as () => unknown),
    accepted: (_, ended) => {
      if (!ended.ok) return;
      const f = ended.value as () => unknown;
      const first = attempt(f);
      const second = attempt(f);
      if (
        first.ok !== second.ok ||
        !Object.is(first.ok ? first.value : first.error, second.ok ? second.value : second.error)
      )
        fail('onceFunc: a later call did not repeat the first result');
      quiet(first);
    },
  },
  {
    name: 'onceValue(fn)',
    file: 'sync/Once.ts',
    rules: 'ON4',
    arg: fnArg(),
    call: (_, x) => onceValue(x as () => unknown),
    accepted: (_, ended) => {
      if (!ended.ok) return;
      const f = ended.value as () => unknown;
      const first = attempt(f);
      const second = attempt(f);
      if (first.ok !== second.ok) fail('onceValue: a later call did not repeat the first result');
      quiet(first);
    },
  },
];

/** Handles a rejected Promise a callback returned, so it is not reported as unhandled. */
function quiet(ended: Ended): void {
  if (ended.ok && isThenable(ended.value)) Promise.resolve(ended.value).catch(() => {});
}

function attempt(f: () => unknown): Ended {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

const TIME: Site[] = [
  ...(
    [
      ['after(ms)', (ms: unknown) => after(ms as number)],
      ['newTimer(ms).c', (ms: unknown) => newTimer(ms as number).c],
      ['new Timer(ms).c', (ms: unknown) => new Timer(ms as number).c],
    ] as const
  ).map(
    ([name, make]): Site => ({
      name,
      file: 'time/Timer.ts',
      rules: 'TM1 TM7 T7',
      arg: durationArg(),
      call: (_, x) => make(x),
    }),
  ),
  {
    name: 'timer.reset(ms)',
    file: 'time/Timer.ts',
    rules: 'TM4',
    arg: durationArg(),
    subject: () => newTimer(1e9),
    call: (t, x) => t.reset(x as number),
    health: (t) => timerHealth(t),
  },
  ...(
    [
      ['tick(ms)', (ms: unknown) => ({ c: tick(ms as number), stop: undefined }), tickPeriodArg],
      ['newTicker(ms)', (ms: unknown) => newTicker(ms as number), periodArg],
      ['new Ticker(ms)', (ms: unknown) => new Ticker(ms as number), periodArg],
    ] as const
  ).map(
    ([name, make, period]): Site => ({
      name,
      file: 'time/Ticker.ts',
      rules: 'TK1 TK2',
      arg: period(),
      call: (_, x) => make(x),
      accepted: async (_, ended, x) => {
        if (!ended.ok) return;
        const t = ended.value as { c: Channel<number>; stop?: () => void };
        // tick(d <= 0): the nil channel, never ready (TK1).
        if ((x as number) <= 0) {
          if (t.c.tryRecv() !== undefined) fail('tick(d <= 0) is ready');
          return;
        }
        if ((x as number) > 20) return t.stop?.();
        // Two ticks, in increasing time, from a subscription that returns (a period that cannot
        // move the clock must not spin).
        const ticks = await drain(t.c.pipe(take(2)), 'two ticks');
        if (!(ticks.length === 2 && (ticks[1] as number) > (ticks[0] as number)))
          fail(`ticks ${ticks.join(', ')}`);
        t.stop?.();
      },
    }),
  ),
  {
    name: 'ticker.reset(ms)',
    file: 'time/Ticker.ts',
    rules: 'TK1 TK3',
    arg: periodArg(),
    subject: () => newTicker(1e9),
    call: (t, x) => t.reset(x as number),
    health: (t) => tickerHealth(t),
  },
  {
    name: 'sleep(ms, ctx)',
    file: 'time/sleep.ts',
    rules: 'TM1 T7',
    arg: durationArg(),
    call: (_, x) => sleep(x as number, fired()),
  },
  {
    name: 'sleep(1, cancel)',
    file: 'time/sleep.ts',
    rules: 'T9',
    arg: cancelArg(),
    call: (_, x) => sleep(1, x as Context),
  },
];

/** Results of running `of(1, 2, 3)` through an operator, sorted. */
async function through(op: (s: Observable<number>) => Observable<unknown>): Promise<unknown[]> {
  const out = await within(lastValueFrom(of(1, 2, 3).pipe(op, toArray())), 'the pipeline');
  return out.sort();
}

const double = (v: number) => of(v * 2);

const OPERATORS: Site[] = [
  {
    name: 'workerPool(concurrency, work)',
    file: 'operators/workerPool.ts',
    rules: 'PT3 PT4',
    arg: concurrencyArg(),
    call: (_, x) => workerPool(x as number, double),
    accepted: async (_, ended) => {
      if (ended.ok) expect(await through(ended.value as never)).toEqual([2, 4, 6]);
    },
  },
  {
    name: 'workerPool(2, work)',
    file: 'operators/workerPool.ts',
    rules: 'PT3 PT4',
    arg: fnArg(),
    call: (_, x) => workerPool(2, x as never),
    accepted: async (_, ended) => {
      if (ended.ok)
        await through(ended.value as never).catch((e) => {
          if (!(e instanceof Hostile || e instanceof TypeError)) throw e;
        });
    },
  },
  {
    name: 'workerPool(2, work, opts)',
    file: 'operators/workerPool.ts',
    rules: 'PT3',
    arg: optsArg(),
    call: (_, x) => workerPool(2, double, x as {}),
  },
  {
    name: 'workerPool(2, work, { ctx })',
    file: 'operators/workerPool.ts',
    rules: 'PT4 CX10',
    arg: cancelArg(),
    call: (_, x) => workerPool(2, double, { ctx: x as Context }),
    accepted: async (_, ended) => {
      if (ended.ok) await through(ended.value as never).catch(() => {});
    },
  },
  {
    name: 'workerPool(2, work, { ordered })',
    file: 'operators/workerPool.ts',
    rules: 'PT3',
    arg: booleanArg(),
    call: (_, x) => workerPool(2, double, { ordered: x as boolean }),
  },
  {
    name: 'toChannel(source)',
    file: 'operators/toChannel.ts',
    rules: 'PT1 CH19',
    arg: sourceArg(),
    call: (_, x) => toChannel(x as never),
    accepted: async (_, ended) => {
      if (ended.ok) await drain(ended.value as Channel<unknown>, 'draining toChannel(source)');
    },
  },
  {
    name: 'toChannel(of(1, 2), opts)',
    file: 'operators/toChannel.ts',
    rules: 'PT1',
    arg: optsArg(),
    call: (_, x) => toChannel(of(1, 2), x as {}),
    accepted: async (_, ended) => {
      if (ended.ok)
        expect(await drain(ended.value as Channel<unknown>, 'draining toChannel')).toEqual([1, 2]);
    },
  },
  {
    name: 'toChannel(of(1, 2), { capacity })',
    file: 'operators/toChannel.ts',
    rules: 'PT1 CH1',
    arg: countArg(),
    call: (_, x) => toChannel(of(1, 2), { capacity: x as number, overflow: 'unbounded' }),
    accepted: async (_, ended) => {
      if (ended.ok)
        expect(await drain(ended.value as Channel<unknown>, 'draining toChannel')).toEqual([1, 2]);
    },
  },
  {
    name: 'toChannel(of(1, 2), { overflow })',
    file: 'operators/toChannel.ts',
    rules: 'CH19',
    arg: overflowArg(),
    call: (_, x) => toChannel(of(1, 2), { overflow: x as never }),
    accepted: async (_, ended) => {
      if (ended.ok)
        expect(await drain(ended.value as Channel<unknown>, 'draining toChannel')).toEqual([1, 2]);
    },
  },
  {
    name: 'toChannel(of(1, 2), { ctx })',
    file: 'operators/toChannel.ts',
    rules: 'PT1 CX10',
    arg: cancelArg(),
    call: (_, x) => toChannel(of(1, 2), { ctx: x as Context }),
    accepted: async (_, ended) => {
      if (ended.ok)
        await drain(ended.value as Channel<unknown>, 'draining toChannel').catch((e) => {
          if (!CANCEL_ERRORS.some((C) => e instanceof (C as any))) throw e;
        });
    },
  },
  {
    name: 'sendTo(ch)',
    file: 'operators/sendTo.ts',
    rules: 'PT1 T6',
    arg: sendChannelArg(['ok', 'type']),
    call: (_, x) => sendTo(x as Channel<unknown>),
    accepted: async (_, ended, x) => {
      if (!ended.ok || x === null) return;
      const ch = x as Channel<number>;
      const sub = of(1)
        .pipe(ended.value as never)
        .subscribe();
      expect(await drain(ch, 'draining the channel sendTo fills')).toEqual([1]);
      sub.unsubscribe();
    },
  },
  ...(
    [
      ['sendTo(ch, opts)', optsArg(), (x: unknown) => x],
      ['sendTo(ch, { close })', booleanArg(), (x: unknown) => ({ close: x })],
      ['sendTo(ch, { ctx })', cancelArg(), (x: unknown) => ({ ctx: x })],
    ] as const
  ).map(
    ([name, arg, opts]): Site<Channel<number>> => ({
      name,
      file: 'operators/sendTo.ts',
      rules: 'PT1',
      arg,
      subject: () => new Channel<number>(4),
      call: (ch, x) => sendTo(ch, opts(x) as {}),
      accepted: async (ch, ended) => {
        if (!ended.ok) return;
        const done = track(lastValueFrom(of(1).pipe(ended.value as never, toArray())));
        await flush(2);
        if (done.current.status === 'fulfilled' && ch.tryRecv()?.value !== 1)
          fail('sendTo mirrored a value it did not send');
      },
    }),
  ),
  {
    name: 'produce(work)',
    file: 'operators/produce.ts',
    rules: 'PT1',
    arg: fnArg(),
    call: (_, x) => produce(x as never),
    accepted: async (_, ended) => {
      if (ended.ok)
        await drain(ended.value as Channel<unknown>, 'draining produce').catch((e) => {
          if (!(e instanceof Hostile)) throw e;
        });
    },
  },
  ...(
    [
      ['produce(work, opts)', optsArg(), (x: unknown) => x],
      ['produce(work, { capacity })', countArg(), (x: unknown) => ({ capacity: x })],
      ['produce(work, { ctx })', cancelArg(), (x: unknown) => ({ ctx: x })],
    ] as const
  ).map(
    ([name, arg, opts]): Site => ({
      name,
      file: 'operators/produce.ts',
      rules: 'PT1',
      arg,
      call: (_, x) =>
        produce<number>(
          async (out) => {
            await out.send(1);
          },
          opts(x) as {},
        ),
      accepted: async (_, ended) => {
        if (ended.ok)
          await drain(ended.value as Channel<unknown>, 'draining produce').catch((e) => {
            if (!CANCEL_ERRORS.some((C) => e instanceof (C as any))) throw e;
          });
      },
    }),
  ),
  {
    name: 'fanIn(a, x, b)',
    file: 'operators/fanIn.ts',
    rules: 'PT2 T6',
    arg: recvChannelArg(),
    call: (_, x) => {
      const a = new Channel<number>(1);
      a.trySend(1);
      a.close();
      return { out: fanIn(a, x as Channel<number>), x };
    },
    accepted: async (_, ended) => {
      if (!ended.ok) return;
      const { out, x } = ended.value as { out: Channel<unknown>; x: Channel<unknown> | null };
      const r = await within(out.recv(), 'fanIn output');
      if (!(r.ok && (r.value === 1 || r.value === 7))) fail(`fanIn gave ${JSON.stringify(r)}`);
      // With a nil input fanIn never closes (PT2, T6); else it ends once every input is closed,
      // after delivering what it took.
      if (x === null) return;
      if (closable.has(x)) (x as Channel<unknown>).close();
      cancelAll();
      const rest = await drain(out, 'the rest of the fanIn output');
      if (rest.some((v) => v !== 7) || rest.length + 1 !== ((x as Channel<unknown>).capacity === 1 ? 2 : 1))
        fail(`fanIn delivered ${JSON.stringify([r.value, ...rest])}`);
    },
  },
  {
    name: 'cancelWith(cancel)',
    file: 'operators/cancelWith.ts',
    rules: 'T9 RX5',
    arg: cancelArg(false),
    call: (_, x) => cancelWith(x as Context),
    accepted: async (_, ended) => {
      if (ended.ok)
        await through(ended.value as never).catch((e) => {
          if (!CANCEL_ERRORS.some((C) => e instanceof (C as any))) throw e;
        });
    },
  },
];

/** synctest and verifyNoLeaks are slow per call: fewer runs. */
const SLOW = 0.4;

const TESTING: Site[] = [
  {
    name: 'synctest(body)',
    file: 'testing/synctest.ts',
    rules: 'DL1 DL5',
    arg: fnArg(),
    call: (_, x) => synctest(x as never),
    documented: [DeadlockError, LeakError],
    weight: SLOW,
    health: () =>
      within(
        synctest(async () => void (await sleep(1000))),
        'synctest',
      ),
  },
  ...(
    [
      ['synctest(body, opts)', optsArg(), (x: unknown) => x],
      ['synctest(body, { drainSteps })', countArg(), (x: unknown) => ({ drainSteps: x })],
      ['synctest(body, { stacks })', booleanArg(), (x: unknown) => ({ stacks: x })],
    ] as const
  ).map(
    ([name, arg, opts]): Site => ({
      name,
      file: 'testing/synctest.ts',
      rules: 'DL5',
      arg,
      // A body that leaves a task on a long sleep: the drain must move time and finish.
      call: (_, x) =>
        synctest(
          async () => {
            go(() => sleep(5000));
          },
          opts(x) as {},
        ),
      documented: [LeakError],
      weight: SLOW,
      health: () =>
        within(
          synctest(async () => void (await sleep(1000))),
          'synctest',
        ),
    }),
  ),
  ...(
    [
      ['verifyNoLeaks(opts)', optsArg(), (x: unknown) => x],
      [
        'verifyNoLeaks({ attempts })',
        countArg(),
        (x: unknown) => ({ attempts: x, maxSleep: 1, ignore: snapshotLive() }),
      ],
      [
        'verifyNoLeaks({ maxSleep })',
        durationArg(),
        (x: unknown) => ({ attempts: 3, maxSleep: x, ignore: snapshotLive() }),
      ],
      ['verifyNoLeaks({ ignore })', optsArg(), (x: unknown) => ({ attempts: 2, maxSleep: 1, ignore: x })],
      [
        'verifyNoLeaks({ ignoreTask })',
        fnArg(true),
        (x: unknown) => ({ attempts: 2, maxSleep: 1, ignoreTask: x }),
      ],
    ] as const
  ).map(
    ([name, arg, opts]): Site => ({
      name,
      file: 'testing/leaks.ts',
      rules: 'LK2 LK3',
      // A predicate that returns a rejected Promise instead of a boolean: that Promise is the
      // caller's own, unhandled.
      surfaces: name.includes('ignoreTask'),
      arg,
      call: (_, x) => verifyNoLeaks(opts(x) as {}),
      documented: [LeakError],
      weight: SLOW,
      health: () =>
        within(verifyNoLeaks({ ignore: snapshotLive(), attempts: 2, maxSleep: 1 }), 'verifyNoLeaks'),
    }),
  ),
  {
    name: 'captureStacks(on)',
    file: 'testing/leaks.ts',
    rules: 'LK1',
    arg: booleanArg(),
    subject: () => captureStacks(false),
    call: (previous, x) => {
      try {
        return captureStacks(x as boolean);
      } finally {
        captureStacks(previous);
      }
    },
  },
  {
    name: 'new VirtualClock(start)',
    file: 'testing/VirtualClock.ts',
    rules: 'T10',
    arg: durationArg(true),
    call: (_, x) => new VirtualClock(x as number),
    accepted: (_, ended) => {
      if (!ended.ok) return;
      const clock = ended.value as VirtualClock;
      let ran = false;
      clock.schedule(() => {
        ran = true;
      }, 10);
      clock.advance(10);
      if (!ran || !Number.isFinite(clock.now())) fail('the clock did not run a timer');
    },
  },
  {
    name: 'clock.advance(ms)',
    file: 'testing/VirtualClock.ts',
    rules: 'T10',
    arg: durationArg().map((a) =>
      typeof a.make() === 'number' && (a.make() as number) < 0 ? a.with(['range']) : a,
    ),
    subject: () => new VirtualClock(),
    call: (clock, x) => clock.advance(x as number),
    health: (clock) => {
      let ran = false;
      clock.schedule(() => {
        ran = true;
      }, 1);
      clock.advance(1);
      if (!ran) fail('the clock did not run a timer');
    },
  },
];

/** Error classes: constructing one with any argument never runs user code. */
const ERRORS: Site[] = (
  [
    ['new ClosedChannelError(message)', (x: unknown) => new ClosedChannelError(x as string)],
    ['new CanceledError(options)', (x: unknown) => new CanceledError(x as ErrorOptions)],
    ['new DeadlineExceededError(options)', (x: unknown) => new DeadlineExceededError(x as ErrorOptions)],
    ['new NegativeCounterError(message)', (x: unknown) => new NegativeCounterError(x as string)],
    ['new UnlockError(message)', (x: unknown) => new UnlockError(x as string)],
    ['new BufferOverflowError(capacity)', (x: unknown) => new BufferOverflowError(x as number)],
  ] as const
).map(
  ([name, make]): Site => ({
    name,
    file: 'errors.ts',
    rules: 'T1',
    arg: fc.oneof(dataArg().map((a) => a.with(['ok', 'type']))),
    call: (_, x) => make(x),
    weight: 0.5,
  }),
);

const SITES: readonly Site[] = [
  ...CHANNEL,
  ...SELECT,
  ...CONTEXT,
  ...TASKS,
  ...SYNC,
  ...TIME,
  ...OPERATORS,
  ...TESTING,
  ...ERRORS,
];

// ---------------------------------------------------------------------------------------------
// The property each row is checked against.

const runsOf = (site: Site): number => Math.max(4, Math.round(RUNS * (site.weight ?? 1)));

const ROWS = SITES.filter((s) => ONLY === undefined || s.name.includes(ONLY));

const counts = { runs: 0, bad: 0 };
const failures: { site: Site; example: string; message: string }[] = [];

const errorClass: Record<Verdict, Function | null> = { ok: null, type: TypeError, range: RangeError };

/** What a call threw matches what its argument allows (a typed error, or the hostile object's own). */
function checkThrown(site: Site, arg: Arg, x: unknown, error: unknown): void {
  const typed = arg.allow.some((v) => v !== 'ok' && error instanceof (errorClass[v] as any));
  if (typed) return;
  if (error instanceof Hostile) return; // a hostile trap or callback threw at the call: its own error
  if (arg.allow.includes('ok') && allowedError(site, error, x)) return;
  const wanted = arg.allow.filter((v) => v !== 'ok').map((v) => (v === 'type' ? 'TypeError' : 'RangeError'));
  fail(
    `threw ${describeValue(error)}` +
      (wanted.length > 0 ? `; expected ${wanted.join(' or ')}` : '; expected it to work'),
  );
}

/** Settles what an accepted call started: fires the run's tokens, unblocks, bounds the wait. */
async function settle(site: Site, s: unknown, out: unknown, x: unknown): Promise<Ended> {
  if (site.observe === true && out instanceof Observable) {
    const errors: unknown[] = [];
    const sub = out.subscribe({ error: (e) => errors.push(e) });
    await flush(1);
    for (const fire of fires.splice(0)) fire();
    await flush(1);
    sub.unsubscribe();
    for (const e of errors)
      if (!allowedError(site, e, x)) fail(`the Observable errored with ${describeValue(e)}`);
    return { ok: true, value: out };
  }
  if (!isThenable(out)) return { ok: true, value: out };
  const state: { current: State<unknown> } = track(out);
  await flush(1);
  if (state.current.status === 'pending') {
    for (const fire of fires.splice(0)) fire();
    await flush(1);
  }
  if (state.current.status === 'pending') site.unblock?.(s);
  try {
    return { ok: true, value: await within(out, 'the accepted call') };
  } catch (error) {
    if (error instanceof Hang) throw error;
    if (!allowedError(site, error, x)) fail(`the accepted call rejected with ${describeValue(error)}`);
    return { ok: false, error };
  }
}

/** Fires the run's contexts and signals; a cancel that throws is a failure of its own. */
function cancelAll(): void {
  for (const fire of fires.splice(0)) {
    try {
      fire();
    } catch (error) {
      fail(`cancelling a context of the run threw ${describeValue(error)}`);
    }
  }
}

/** Uncaught errors that arrived after a row's last run: they belong to that row. */
async function lateErrors(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const late = [...unhandled.flatMap((c) => c.seen.splice(0)), ...rxReported.splice(0)];
  if (late.length > 0)
    fail(`reported ${late.length} uncaught error(s) after its runs: ${late.map(describeValue).join('; ')}`);
}

let unhandled: { seen: unknown[]; restore(): void }[] = [];
const rxReported: unknown[] = [];

async function runOnce(site: Site, arg: Arg, pollution: Arg | null, freeze: boolean): Promise<void> {
  counts.runs++;
  if (!arg.allow.includes('ok')) counts.bad++;
  spy.reset();
  fires.length = 0;
  const before = snapshotLive();
  for (const c of unhandled) c.seen.length = 0;
  rxReported.length = 0;
  let s: unknown;
  let out: unknown;
  let thrown: { error: unknown } | null = null;
  try {
    s = site.subject?.();
    if (freeze) for (const p of primitives(s)) Object.freeze(p);
    const x = arg.make();
    const polluted = pollution?.make() as [string, unknown] | undefined;
    if (polluted !== undefined) (Object.prototype as any)[polluted[0]] = polluted[1];
    try {
      out = site.call(s, x);
    } catch (error) {
      thrown = { error };
    } finally {
      if (polluted !== undefined) delete (Object.prototype as any)[polluted[0]];
    }
    if (spy.coercions > 0 || spy.thens > 0)
      fail(`ran user code of the argument: ${spy.coercions} coercion(s), ${spy.thens} then lookup(s)`);
    if (thrown !== null) checkThrown(site, arg, x, thrown.error);
    else if (!arg.allow.includes('ok')) {
      const wanted = arg.allow.map((v) => (v === 'type' ? 'TypeError' : 'RangeError')).join(' or ');
      if (isThenable(out)) {
        const st = track(out);
        await flush(2);
        const how =
          st.current.status === 'rejected'
            ? `rejected with ${describeValue(st.current.reason)}`
            : st.current.status;
        for (const fire of fires.splice(0)) fire();
        site.unblock?.(s);
        // Let what it started end, so that the next run starts clean (a bubble, a parked wait).
        await within(out, 'the Promise returned for a bad argument').catch(() => {});
        fail(`returned a Promise (${how}) instead of throwing ${wanted} at the call`);
      }
      fail(
        `accepted it (returned ${out instanceof Observable ? 'an Observable' : describeValue(out)}); expected ${wanted}`,
      );
    } else {
      const ended = await settle(site, s, out, x);
      await site.accepted?.(s, ended, x, out);
    }
  } finally {
    cancelAll();
  }
  if (site.health !== undefined) await within(Promise.resolve(site.health(s)), 'the health check');
  // Nothing the run started is left behind: no parked operation, no live task.
  await flush(1);
  const now = snapshotLive();
  const tasks = [...now.tasks].filter((t) => !before.tasks.has(t)).length;
  if (now.parked > before.parked || tasks > 0)
    fail(`left ${now.parked - before.parked} operation(s) parked and ${tasks} task(s) alive`);
  await libraryHealth();
  await new Promise((resolve) => setTimeout(resolve, 0));
  await flush(1);
  const stray = [...unhandled.flatMap((c) => c.seen), ...rxReported].filter(
    (e) => !(site.surfaces === true && e instanceof Hostile),
  );
  if (stray.length > 0)
    fail(`reported ${stray.length} uncaught error(s): ${stray.map(describeValue).join('; ')}`);
}

beforeAll(() => {
  unhandled = [capture('unhandledRejection'), capture('uncaughtException')];
  config.onUnhandledError = (e) => rxReported.push(e);
});

afterAll(() => {
  for (const c of unhandled) c.restore();
  config.onUnhandledError = null;
  if (failures.length > 0) {
    const byFile = new Map<string, string[]>();
    for (const f of failures) {
      const lines = byFile.get(f.site.file) ?? [];
      lines.push(`  ${f.site.name} ← ${f.example}: ${f.message}`);
      byFile.set(f.site.file, lines);
    }
    const text = [...byFile].map(([file, lines]) => `lib/${file}\n${lines.join('\n')}`).join('\n');
    console.log(`bad-input failures (${failures.length} call sites):\n${text}`);
  }
});

describe('bad input at every call site', () => {
  for (const site of ROWS) {
    it(`${site.rules} ${site.name}`, async () => {
      const runs = runsOf(site);
      const property = fc.asyncProperty(site.arg, pollutionArg(), fc.boolean(), (arg, pollution, freeze) =>
        runOnce(site, arg, pollution, freeze),
      );
      // Shrinking a counterexample that hangs costs a time limit per step: cap a row's time.
      const details = await fc.check(property, {
        seed: SEED,
        numRuns: runs,
        interruptAfterTimeLimit: 15_000,
        markInterruptAsFailure: true,
      });
      if (details.failed) {
        const [arg, pollution, freeze] = details.counterexample ?? [];
        const example =
          `${String(arg)}` +
          (pollution ? ` with ${String(pollution)}` : '') +
          (freeze ? ' (subject frozen)' : '');
        const message =
          (details.errorInstance as Error | undefined)?.message ?? String(details.errorInstance);
        failures.push({ site, example, message });
        fail(`${site.name} ← ${example}: ${message} (seed ${SEED}, path ${details.counterexamplePath})`);
      }
      try {
        await lateErrors();
      } catch (error) {
        if (!site.surfaces) {
          failures.push({ site, example: '(after its runs)', message: (error as Error).message });
          throw error;
        }
      }
    });
  }

  it('generates a floor of bad inputs per run', () => {
    console.log(
      `bad-input suite: ${counts.runs} calls over ${ROWS.length} call sites, ${counts.bad} of them with a bad argument (seed ${SEED})`,
    );
    const planned = ROWS.reduce((n, site) => n + runsOf(site), 0);
    expect(counts.bad).toBeGreaterThan(planned * 0.4);
  });
});
