import { CanceledError, DeadlineExceededError } from '../errors.js';
import { present } from '../internal/validate.js';
import { background, CancelCtx, type Context } from './Context.js';
import { withCancel } from './withCancel.js';

function fromReason(reason: unknown): CanceledError | DeadlineExceededError {
  const timeout =
    typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
  return timeout ? new DeadlineExceededError({ cause: reason }) : new CanceledError({ cause: reason });
}

/**
 * A context cancelled when `signal` aborts (or at once if it already has): the error is
 * `CanceledError` with `cause = signal.reason`, or `DeadlineExceededError` when the reason is a
 * `TimeoutError` (as from `AbortSignal.timeout`). With `parent`, it is also cancelled with it.
 *
 * @example
 * ```ts
 * import { fromSignal } from 'gorx';
 *
 * const controller = new AbortController();
 * const ctx = fromSignal(controller.signal);
 * controller.abort('bye');
 * console.log(ctx.err?.message, ctx.err?.cause); // 'context canceled' 'bye'
 * ```
 * Go: none; the bridge from the web platform's cancellation. Rules: CX16.
 */
export function fromSignal(signal: AbortSignal, parent: Context = background()): Context {
  present('fromSignal', 'signal', signal);
  present('fromSignal', 'parent context', parent);
  const ctx = new CancelCtx(parent, parent.deadline);
  ctx.attach();
  if (ctx.err !== undefined) return ctx;
  if (signal.aborted) {
    ctx.cancel(fromReason(signal.reason), signal.reason);
    return ctx;
  }
  const onAbort = () => ctx.cancel(fromReason(signal.reason), signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  ctx.onCancel = () => signal.removeEventListener('abort', onAbort);
  return ctx;
}

/** Anything with Angular's `DestroyRef.onDestroy` shape. */
export interface DestroyRefLike {
  onDestroy(callback: () => void): unknown;
}

/**
 * A context cancelled when `ref` is destroyed: Angular's `DestroyRef` (no Angular import needed),
 * or anything with `onDestroy(cb)`. A ref that is already destroyed (its `onDestroy` throws, or it
 * reports `destroyed`) gives a context that is already cancelled.
 *
 * @example
 * ```ts
 * import { fromDestroyRef } from 'gorx';
 *
 * const callbacks: (() => void)[] = [];
 * const ref = { onDestroy: (cb: () => void) => callbacks.push(cb) };
 * const ctx = fromDestroyRef(ref);
 * for (const cb of callbacks) cb();
 * console.log(ctx.err?.message); // 'context canceled'
 * ```
 * Go: none; ties a context to a component's lifetime. Rules: CX16.
 */
export function fromDestroyRef(ref: DestroyRefLike, parent: Context = background()): Context {
  present('fromDestroyRef', 'ref', ref);
  if (typeof ref.onDestroy !== 'function')
    throw new TypeError('fromDestroyRef: ref must have an onDestroy method');
  const [ctx, cancel] = withCancel(parent);
  if ((ref as { destroyed?: unknown }).destroyed === true) {
    cancel();
    return ctx;
  }
  let unregister: unknown;
  try {
    unregister = ref.onDestroy(cancel);
  } catch {
    cancel();
    return ctx;
  }
  if (typeof unregister === 'function' && ctx.err === undefined)
    (ctx as CancelCtx).onCancel = unregister as () => void;
  return ctx;
}
