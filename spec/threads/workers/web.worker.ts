// The worker file of the Chromium thread-pool spec: a module Web Worker, loaded by Vite from
// `new Worker(new URL('./workers/web.worker.ts', import.meta.url), { type: 'module' })`.
import {
  BufferOverflowError,
  CanceledError,
  ClosedChannelError,
  cause,
  DeadlineExceededError,
  NegativeCounterError,
  UnlockError,
} from 'gorx';
import { type Context, serve, WorkerExitError } from 'gorx/worker';
import { ParseError, QuotaError, registerClasses } from './classes.js';
import { contextValues } from './keys.js';

registerClasses();

/** Tells the threads apart (a Web Worker has no thread id). */
const thread = crypto.randomUUID();

const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));

/** The runs of `counted` so far. */
let runs = 0;

const made: Record<string, () => Error> = {
  ClosedChannelError: () => new ClosedChannelError('send on closed channel'),
  CanceledError: () => new CanceledError({ cause: new QuotaError(3) }),
  DeadlineExceededError: () => new DeadlineExceededError(),
  NegativeCounterError: () => new NegativeCounterError(),
  UnlockError: () => new UnlockError(),
  BufferOverflowError: () => new BufferOverflowError(4, 'x'),
  WorkerExitError: () => new WorkerExitError(1, { cause: new RangeError('inner') }),
  QuotaError: () => new QuotaError(5, { cause: new ParseError('bad token') }),
  TypeError: () => new TypeError('not a function'),
  AbortError: () => new DOMException('stopped', 'AbortError'),
};

serve({
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
  values: (ctx: Context) => contextValues(ctx),
  thread: () => thread,
  /** What this thread can share memory with. */
  isolation: () => ({
    crossOriginIsolated: globalThis.crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
  }),
  fail: async (kind: string) => {
    await null;
    throw made[kind]!();
  },
  /** Honours its context and reports what reached it, in this thread's own classes. */
  observe: (ctx: Context) =>
    new Promise((resolve) =>
      ctx.signal.addEventListener('abort', () => {
        const why = cause(ctx);
        resolve({
          thread,
          canceled: ctx.err instanceof CanceledError,
          causeIsQuota: why instanceof QuotaError,
          cause: why instanceof Error ? why.message : why,
        });
      }),
    ),
  /** Never settles, whatever its context says. */
  ignore: () => new Promise<never>(() => {}),
  /** Throws outside any task a few ms after starting: an uncaught error in the worker. */
  crash: () => {
    setTimeout(() => {
      throw new QuotaError(9);
    }, 20);
    return new Promise<never>(() => {});
  },
});
