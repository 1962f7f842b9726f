// The worker file of the thread-pool specs: bundled into a temporary .mjs by bundle.ts.
import { type MessagePort, parentPort, threadId, Worker, workerData } from 'node:worker_threads';
import {
  BufferOverflowError,
  CanceledError,
  ClosedChannelError,
  cause,
  DeadlineExceededError,
  NegativeCounterError,
  UnlockError,
  withCancel,
  withTimeout,
} from '../../../lib/index.js';
import { host } from '../../../lib/threads/link.js';
import {
  type Context,
  type SendChannel,
  serve,
  transfer,
  WorkerExitError,
} from '../../../lib/worker/index.js';
import { channelHandlers, type Death } from './channel-handlers.js';
import { ParseError, QuotaError, registerClasses, StrayError, TenantGone, unreadable } from './classes.js';
import { floors } from './floors.js';
import { contextValues, replies } from './keys.js';

registerClasses();

const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));

const errors: Record<string, () => unknown> = {
  ClosedChannelError: () => new ClosedChannelError('close of closed channel'),
  CanceledError: () => new CanceledError({ cause: new QuotaError(3) }),
  DeadlineExceededError: () => new DeadlineExceededError({ cause: 'too slow' }),
  NegativeCounterError: () => new NegativeCounterError(),
  UnlockError: () => new UnlockError(),
  BufferOverflowError: () => new BufferOverflowError(16, 'x'),
  WorkerExitError: () => new WorkerExitError(3, { cause: new TypeError('inner'), uncertain: 2 }),
  QuotaError: () => new QuotaError(5, { cause: new ParseError('bad token') }),
  ParseError: () => Object.assign(new ParseError('unexpected end'), { line: 7 }),
  StrayError: () => new StrayError('astray'),
  TenantGone: () => new TenantGone(),
  unreadable: () => unreadable('cannot name it'),
  TypeError: () => new TypeError('not a function'),
  RangeError: () => new RangeError('out of range'),
  AggregateError: () => new AggregateError([new QuotaError(1), new RangeError('r')], 'several'),
  AbortError: () => new DOMException('stopped', 'AbortError'),
  TimeoutError: () => new DOMException('timed out', 'TimeoutError'),
  string: () => 'a plain string',
  object: () => ({ code: 42 }),
};

/** What the task's context looks like from inside the thread, in the thread's own classes. */
function describe(ctx: Context) {
  const why = cause(ctx);
  return {
    err: ctx.err?.name,
    canceled: ctx.err instanceof CanceledError,
    expired: ctx.err instanceof DeadlineExceededError,
    cause: why instanceof Error ? why.name : why,
    causeIsQuota: why instanceof QuotaError,
    causeMessage: why instanceof Error ? why.message : undefined,
    errCauseIsCause: ctx.err?.cause === why,
    deadline: ctx.deadline,
  };
}

/** Ends this thread the way the kill tests ask: an uncaught error, or process.exit. */
function die(how: Death): void {
  if (how === 'exit') process.exit(7);
  queueMicrotask(() => {
    throw new QuotaError(9);
  });
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How many of the pool's batches this thread read from its port itself (while idle, see serve). */
let lingered = 0;
const read = host.now;
if (read !== undefined) {
  host.now = (port) => {
    const m = read(port);
    if (m !== undefined && port === (parentPort as unknown)) lingered++;
    return m;
  };
}

/** What the application posted this thread on its port, next to the pool's batches. */
const appMessages: unknown[] = [];
parentPort?.on('message', (m: { app?: unknown } | null) => {
  if (typeof m === 'object' && m !== null && 'app' in m) appMessages.push(m.app);
});

/** Never settles, whatever the context says. */
const forever = () => new Promise<never>(() => {});

/** The runs of `counted` so far. */
let runs = 0;

serve(
  {
    fib,
    noop: () => undefined,
    /** Counts its runs; `runs` reads the count. */
    counted: () => ++runs,
    runs: () => runs,
    /** Counts its run, then loops until its context shows an error, which it throws: CPU-bound code. */
    spinUntilCancel: (ctx: Context) => {
      runs++;
      while (ctx.err === undefined);
      throw ctx.err;
    },
    /** The same, once it has said on `started` (shared memory) that it runs. */
    spinUntilCancelSaying: (started: Int32Array, ctx: Context) => {
      Atomics.store(started, 0, 1);
      runs++;
      while (ctx.err === undefined);
      throw ctx.err;
    },
    /**
     * Loops until its context shows an error, which it throws; once the context is done, says on
     * `out` whether its error is still the one the loop saw, and its cause.
     */
    spinThenWatch: (out: SendChannel<[boolean, unknown]>, ctx: Context) => {
      while (ctx.err === undefined);
      const seen = ctx.err;
      ctx.signal.addEventListener('abort', () => void out.send([ctx.err === seen, cause(ctx) === seen]));
      throw seen;
    },
    /** fib(n), with when it started and ended (ms since the epoch, comparable across threads). */
    timedFib: (n: number) => {
      const start = performance.timeOrigin + performance.now();
      fib(n);
      return [threadId, start, performance.timeOrigin + performance.now()];
    },
    /** The same on `port`, a task per message, until it is closed: a pool written by hand. */
    floorFib: (port: MessagePort) =>
      new Promise<void>((resolve) => {
        port.on('close', resolve);
        port.on('message', (n: number) => {
          const start = performance.timeOrigin + performance.now();
          fib(n);
          port.postMessage([threadId, start, performance.timeOrigin + performance.now()]);
        });
      }),
    /** Keeps the thread busy for `micros` µs, and returns them. */
    busy: (micros: number) => {
      const end = performance.now() + micros / 1000;
      while (performance.now() < end);
      return micros;
    },
    lingered: () => lingered,
    appMessages: () => appMessages,
    values: (ctx: Context) => contextValues(ctx),
    reply: (text: string, ctx: Context) => ctx.value(replies)!.send(text),
    echo: (value: unknown) => value,
    args: (...args: unknown[]) => args.length - 1,
    thread: () => threadId,
    fail: (kind: string) => {
      throw errors[kind]!();
    },
    failAsync: async (kind: string) => {
      await null;
      throw errors[kind]!();
    },
    /** Honours its context: ends with the context's error. */
    wait: (ctx: Context) =>
      new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.err))),
    /** Honours its context and reports what reached it. */
    observe: (ctx: Context) =>
      new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(describe(ctx)))),
    /**
     * Honours its context through a child and a grandchild of it, and reports what they show when
     * the task's own context is cancelled (in the same turn).
     */
    observeChildren: (ctx: Context) => {
      const [child, cancelChild] = withCancel(ctx);
      const [grandchild, cancelGrandchild] = withTimeout(child, 60_000);
      return new Promise((resolve) =>
        ctx.signal.addEventListener('abort', () => {
          resolve({ child: describe(child), grandchild: describe(grandchild) });
          cancelGrandchild();
          cancelChild();
        }),
      );
    },
    deadline: (ctx: Context) => ctx.deadline,
    ignore: forever,
    /** Sends 0 to n - 1 on `out` (0 awaited, for the credits), then loops for ever, ignoring its context. */
    sendThenIgnore: async (out: SendChannel<number>, n: number) => {
      await out.send(0);
      for (let i = 1; i < n; i++) out.trySend(i);
      for (;;);
    },
    /** Dies a few ms after starting: by an uncaught throw, or process.exit(code). */
    crash: (how: 'throw' | 'exit', code: number) => {
      setTimeout(() => {
        if (how === 'exit') process.exit(code);
        throw new QuotaError(9);
      }, 20);
      return forever();
    },
    uncloneable: () => () => 1,
    size: (bytes: Uint8Array) => bytes.byteLength,
    buffer: (n: number) => {
      const bytes = new Uint8Array(n);
      return transfer(bytes, [bytes.buffer]);
    },
    ...channelHandlers(turn, die, () => new Worker(new URL(import.meta.url))),
    ...floors,
  },
  // A pool may set how long its threads spin, or have them sleep at once (spin.node.spec.ts).
  { spin: (workerData as { spin?: number } | null)?.spin },
);
