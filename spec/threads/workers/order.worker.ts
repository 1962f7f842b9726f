// The worker file of the ordering specs, for both hosts: bundled for worker_threads by bundle.ts,
// and loaded by Vite as a module Web Worker. Node's synchronous port reads are switched off, so
// both hosts order a task's channel traffic and its end the same way: by counting batches.
import { Channel, cause } from '../../../lib/index.js';
import { host } from '../../../lib/threads/link.js';
import { type Context, type ReceiveChannel, type SendChannel, serve } from '../../../lib/worker/index.js';
import { missedAfter, sendBoth } from '../channel-helpers.js';
import { QuotaError, registerClasses } from './classes.js';

registerClasses();
host.now = undefined;

/** A channel of this thread that the main thread holds an endpoint of. */
let kept = new Channel<number>(0);

/** What `kept` holds now, and whether it is closed and drained. */
function taken(): { values: number[]; closed: boolean } {
  const values: number[] = [];
  for (let r = kept.tryRecv(); r !== undefined; r = kept.tryRecv()) {
    if (!r.ok) return { values, closed: true };
    values.push(r.value);
  }
  return { values, closed: false };
}

/** Runs until `ctx.err` is set or `ms` pass, without yielding. */
function spin(ms: number, ctx: Context): void {
  const end = Date.now() + ms;
  while (Date.now() < end && ctx.err === undefined);
}

serve({
  /** Sends 0 … n-1 on `out` (closing it when asked), then returns n, or fails when asked. */
  pour: async (out: SendChannel<number>, n: number, end: 'return' | 'close' | 'throw') => {
    for (let i = 0; i < n; i++) await out.send(i);
    if (end === 'close') out.close();
    if (end === 'throw') throw new QuotaError(n);
    return n;
  },
  /** Sends i on `a`, then, a turn later, on `b`, for each i below n. */
  sendBoth: (a: SendChannel<number>, b: SendChannel<number>, n: number) =>
    sendBoth(a, b, n, () => new Promise((resolve) => setTimeout(resolve, 0))),
  /** Receives from `b`, then polls `a` for what was sent there before (after a first value on `a`). */
  pollAfter: async (a: ReceiveChannel<number>, b: ReceiveChannel<number>, n: number) => {
    await a.recv();
    return missedAfter(a, b, n);
  },
  /** A channel of this thread, kept here and returned. */
  make: (capacity: number) => {
    kept = new Channel<number>(capacity);
    return kept;
  },
  /** Takes what the kept channel holds. */
  take: taken,
  /** Takes what the kept channel holds once the task's context is cancelled. */
  takeOnCancel: async (ctx: Context) => {
    await ctx.done.recv();
    return taken();
  },
  /** Spins without yielding until `ctx.err` is set (and throws it) or `ms` pass. */
  spin: (ms: number, ctx: Context) => {
    spin(ms, ctx);
    if (ctx.err !== undefined) throw ctx.err;
    return 'nothing';
  },
  /** Spins until `ctx.err` is set, then waits for `done`: what it saw before and after yielding. */
  spinThenWait: async (ms: number, ctx: Context) => {
    spin(ms, ctx);
    const seen = ctx.err;
    await ctx.done.recv();
    const why = cause(ctx);
    return {
      seen: seen?.name,
      same: seen === ctx.err,
      cause: why instanceof QuotaError ? why.limit : why,
      errCause: (ctx.err?.cause as QuotaError | undefined)?.limit,
    };
  },
});
