import { CallbackWaiter } from '../internal/blocking.js';
import { isContext } from '../internal/brand.js';
import { isSignal, notAToken, signalToken } from '../internal/cancel.js';
import { context, fn, present, show } from '../internal/validate.js';
import { background, CancelCtx, type Context } from './Context.js';
import { withCancel } from './withCancel.js';

/**
 * A context cancelled when `signal` aborts (or at once if it already has): the error is
 * `CanceledError` with `cause = signal.reason`, or `DeadlineExceededError` when the reason is a
 * `TimeoutError` (as from `AbortSignal.timeout`). With `parent`, it is also cancelled with it.
 *
 * All the contexts that follow one signal share one 'abort' listener on it; a context that is
 * done (cancelled through its parent, say) leaves it, and the listener is removed with the last
 * one. A context that is never done stays registered until the signal aborts or its parent is
 * cancelled, as a Go context stays registered with its parent until cancelled.
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
 * @throws TypeError when `signal` is not an AbortSignal or `parent` is not a Context (before
 * anything is made or registered).
 * Go: none; the bridge from the web platform's cancellation. Rules: CX16.
 */
export function fromSignal(signal: AbortSignal, parent: Context = background()): Context {
  if (!isSignal(signal))
    throw new TypeError(`fromSignal: signal must be an AbortSignal, got ${show(signal)}`);
  context('fromSignal', 'parent context', parent);
  const ctx = new CancelCtx(parent);
  ctx.attach();
  if (ctx.err !== undefined) return ctx;
  // The signal's token carries the one listener; this context waits on it like a guard.
  const token = signalToken(signal);
  const follow = () => ctx.cancel(token.err!, signal.reason);
  if (token.err !== undefined) {
    follow();
    return ctx;
  }
  const w = new CallbackWaiter(follow);
  token.parkRecv(w);
  ctx.onCancel = () => token.withdraw(w);
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
  fn('fromDestroyRef', 'ref.onDestroy', ref.onDestroy);
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

// The context for an optional argument lives here rather than beside toToken: an AbortSignal
// becomes a Context through fromSignal, and the receive faces that import toToken must not load
// the Context classes (they would form an import cycle through DonePort, and cost every program
// that uses a Channel the whole Context machinery).
const bySignal = new WeakMap<AbortSignal, Context>();

/**
 * The context for an optional `cancel` or `opts.ctx`: null when absent (`undefined`, or `null` as
 * Go's nil), the memoised context of an AbortSignal, or the Context itself.
 * @throws TypeError for anything else.
 */
export function toContext(cancel: Context | AbortSignal | null | undefined, where = 'gorx'): Context | null {
  if (cancel === undefined || cancel === null) return null;
  if (isSignal(cancel)) {
    let ctx = bySignal.get(cancel);
    if (ctx === undefined) bySignal.set(cancel, (ctx = fromSignal(cancel)));
    return ctx;
  }
  if (!isContext(cancel)) notAToken(where, cancel);
  return cancel;
}
