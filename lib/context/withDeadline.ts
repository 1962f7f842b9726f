import { CanceledError, DeadlineExceededError } from '../errors.js';
import { context, duration } from '../internal/validate.js';
import { alarm, now } from '../time/clock.js';
import { CancelCtx, type Context } from './Context.js';
import { canceled, withCancel } from './withCancel.js';

/**
 * A child of `parent` that is cancelled with `DeadlineExceededError` when the library clock
 * reaches `at` (ms, or a Date), or earlier by its cancel function. A parent deadline that is
 * sooner wins, and then the child's deadline is the parent's. Cancelling stops the timer.
 *
 * @example
 * ```ts
 * import { background, withDeadline } from 'gorx';
 *
 * const [ctx, cancel] = withDeadline(background(), Date.now() + 50);
 * ctx.signal.addEventListener('abort', () => console.log(ctx.err?.message)); // 'context deadline exceeded'
 * ```
 * @throws TypeError when `parent` is not a Context; RangeError for an invalid time.
 * Go: `context.WithDeadline` / `WithDeadlineCause`. Rules: CX7, CX8, CX11.
 */
export function withDeadline(
  parent: Context,
  at: number | Date,
  cause?: unknown,
): [ctx: Context, cancel: () => void] {
  context('withDeadline', 'parent context', parent);
  const deadline = duration('withDeadline', at instanceof Date ? at.getTime() : at);
  if (parent.deadline !== undefined && parent.deadline <= deadline) return withCancel(parent);
  const ctx = new CancelCtx(parent, deadline);
  ctx.attach();
  const expire = () => ctx.cancel(canceled(cause, DeadlineExceededError), cause);
  if (ctx.err === undefined) {
    if (deadline <= now()) expire();
    else ctx.onCancel = alarm(expire, deadline).cancel;
  }
  return [ctx, () => ctx.cancel(new CanceledError())];
}

/**
 * `withDeadline(parent, now + ms, cause)`: a child cancelled with `DeadlineExceededError` after
 * `ms` on the library clock (virtual time under `TestScheduler.run`).
 *
 * @example
 * ```ts
 * import { background, sleep, withTimeout } from 'gorx';
 *
 * const [ctx, cancel] = withTimeout(background(), 100);
 * await sleep(1000, ctx).catch((e) => console.log(e.message)); // 'context deadline exceeded'
 * cancel();
 * ```
 * @throws RangeError for a non-finite `ms`.
 * Go: `context.WithTimeout` / `WithTimeoutCause`. Rules: CX7, CX8.
 */
export function withTimeout(
  parent: Context,
  ms: number,
  cause?: unknown,
): [ctx: Context, cancel: () => void] {
  context('withTimeout', 'parent context', parent);
  return withDeadline(parent, now() + duration('withTimeout', ms), cause);
}
