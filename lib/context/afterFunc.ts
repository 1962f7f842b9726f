import { CallbackWaiter, type RecvCore } from '../internal/blocking.js';
import { reportPanic } from '../internal/report.js';
import { resolved } from '../internal/resume.js';
import { fn as checkFn, context } from '../internal/validate.js';
import { committed, withdraw } from '../internal/WaitQueue.js';
import type { Context } from './Context.js';

/**
 * Arranges for `fn` to run, asynchronously and on its own, once `ctx` is done (soon, if it
 * already is). Returns `stop`, which returns `true` only if it prevented `fn` from running.
 * Cancelling `ctx` does not wait for `fn`. An error thrown by `fn` is reported as uncaught.
 *
 * @example
 * ```ts
 * import { afterFunc, background, withCancel } from 'gorx';
 *
 * const [ctx, cancel] = withCancel(background());
 * const stop = afterFunc(ctx, () => console.log('cleaned up'));
 * cancel(); // soon: 'cleaned up'; stop() now returns false
 * ```
 * Go: `context.AfterFunc`. Rules: CX13.
 */
export function afterFunc(ctx: Context, fn: () => unknown): () => boolean {
  context('afterFunc', 'context', ctx);
  checkFn('afterFunc', 'fn', fn);
  // Waiting until the call fires or is stopped, whichever comes first.
  let waiting = true;
  const fire = () => {
    waiting = false;
    resolved(undefined).then(fn).catch(reportPanic);
  };
  if (ctx.err !== undefined) {
    fire();
    return () => false;
  }
  const w = new CallbackWaiter(fire);
  (ctx.done as unknown as RecvCore<never>).parkRecv(w);
  return () => {
    // Its wait committed (out of the queue it was parked in): the call is under way, though its
    // delivery may still be queued (trampoline.ts), as in Go once cancel() has returned.
    if (!waiting || committed(w)) return false;
    waiting = false;
    withdraw(w);
    return true;
  };
}
