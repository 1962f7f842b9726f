// The one normaliser for cancellation tokens: `Context | AbortSignal | undefined` becomes the
// token the faces park a guard on, or null when it can never fire. An AbortSignal is converted
// to a Context once and memoised, so repeated calls with one signal do not allocate.
import { CancelCtx, type Context, Uncancellable, ValueCtx } from '../context/Context.js';
import { fromSignal } from '../context/interop.js';
import type { Token } from './blocking.js';

const bySignal = new WeakMap<AbortSignal, Context>();

/** The context for `cancel` (background when absent). */
export function toContext(cancel: Context | AbortSignal | undefined): Context | null {
  if (cancel === undefined || cancel === null) return null;
  if (typeof AbortSignal !== 'undefined' && cancel instanceof AbortSignal) {
    let ctx = bySignal.get(cancel);
    if (ctx === undefined) bySignal.set(cancel, (ctx = fromSignal(cancel)));
    return ctx;
  }
  return cancel as Context;
}

/** The token to guard a wait with, or null when the wait can never be cancelled. */
export function toToken(cancel: Context | AbortSignal | undefined): Token | null {
  if (cancel === undefined) return null;
  if (cancel instanceof CancelCtx) return cancel;
  let ctx = toContext(cancel);
  while (ctx instanceof ValueCtx) ctx = ctx.parent;
  if (ctx === null || ctx instanceof Uncancellable) return null;
  return ctx;
}
