// The one normaliser for cancellation tokens: `Context | AbortSignal | undefined` becomes the
// token the faces park a guard on, or null when it can never fire. Anything else is a TypeError
// here, at the call, before the caller has parked or started anything. An AbortSignal is
// converted to a Context once and memoised, so repeated calls with one signal do not allocate.
//
// A Context is recognised by its brand (this or another copy of gorx, see brand.ts) or, for a
// context the user made (CX14), by its shape: a `value` method, an `err`, and a `done` that is a
// gorx receive channel. Such a context's `done` is read once, here.
import { CancelCtx, type Context, Uncancellable, ValueCtx } from '../context/Context.js';
import { fromSignal } from '../context/interop.js';
import type { RecvCore, Token } from './blocking.js';
import { isGorxContext, userContextDone } from './brand.js';
import { show } from './validate.js';

const bySignal = new WeakMap<AbortSignal, Context>();

function isSignal(value: unknown): value is AbortSignal {
  return typeof AbortSignal !== 'undefined' && value instanceof AbortSignal;
}

function notAToken(where: string, value: unknown): never {
  throw new TypeError(`${where}: cancel must be a Context or an AbortSignal, got ${show(value)}`);
}

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
  if (!isGorxContext(cancel) && userContextDone(cancel) === undefined) notAToken(where, cancel);
  return cancel;
}

/** A context the user made: its `done`, read once, and its `err`, read when asked. */
class UserToken implements Token {
  constructor(
    readonly ctx: Context,
    readonly done: RecvCore<never>,
  ) {}
  get err(): unknown {
    return this.ctx.err;
  }
}

/**
 * The token to guard a wait with, or null when the wait can never be cancelled.
 * @throws TypeError when `cancel` is neither absent, a Context nor an AbortSignal.
 */
export function toToken(cancel: Context | AbortSignal | null | undefined, where = 'gorx'): Token | null {
  if (cancel === undefined) return null;
  if (cancel instanceof CancelCtx) return cancel;
  let ctx = isSignal(cancel) ? toContext(cancel) : cancel;
  while (ctx instanceof ValueCtx) ctx = ctx.parent;
  if (ctx === null || ctx instanceof Uncancellable) return null;
  if (isGorxContext(ctx)) return ctx;
  const done = userContextDone(ctx);
  if (done === undefined) return notAToken(where, cancel);
  return new UserToken(ctx, done);
}
