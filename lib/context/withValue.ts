import type { ReceiveChannel } from '../channel/types.js';
import type { Token } from '../internal/blocking.js';
import { CONTEXT, PROTOCOL, TOKEN } from '../internal/brand.js';
import { toToken } from '../internal/cancel.js';
import { context, present } from '../internal/validate.js';
import { type Context, type ContextError, type ContextKey, INHERIT, lookup, STEP } from './Context.js';

/** A context with a value; everything else is its parent's. */
class ValueCtx implements Context {
  /** The nearest ancestor that is not a ValueCtx: answers done, signal, err and deadline. */
  readonly #base: Context;
  declare readonly parent: Context;
  declare readonly key: ContextKey<unknown>;
  declare readonly val: unknown;

  constructor(parent: Context, key: ContextKey<unknown>, val: unknown) {
    this.parent = parent;
    this.key = key;
    this.val = val;
    this.#base = parent instanceof ValueCtx ? parent.#base : parent;
  }
  /** @internal The cross-copy brand (internal/brand.ts). */
  get [CONTEXT](): number {
    return PROTOCOL;
  }
  /** @internal The token of the context that answers `done`. */
  get [TOKEN](): Token | null {
    return toToken(this.#base);
  }
  get done(): ReceiveChannel<never> {
    return this.#base.done;
  }
  get signal(): AbortSignal {
    return this.#base.signal;
  }
  get err(): ContextError | undefined {
    return this.#base.err;
  }
  get deadline(): number | undefined {
    return this.#base.deadline;
  }
  value<T>(key: ContextKey<T>): T | undefined {
    return lookup(this, key) as T | undefined;
  }
  [STEP](key: ContextKey<unknown>): unknown {
    return key === this.key ? this.val : INHERIT;
  }
}

/**
 * A context that carries `value` under `key`; lookups walk outwards and the innermost key wins.
 *
 * @example
 * ```ts
 * import { background, contextKey, withValue } from 'gorx';
 *
 * const traceId = contextKey<string>('traceId');
 * const ctx = withValue(background(), traceId, 'abc');
 * console.log(ctx.value(traceId)); // 'abc'
 * ```
 * @throws TypeError when `parent` is not a Context, or for a missing key.
 * Go: `context.WithValue`. Rules: CX9, CX10.
 */
export function withValue<T>(parent: Context, key: ContextKey<T>, value: T): Context {
  context('withValue', 'parent context', parent);
  present('withValue', 'key', key);
  return new ValueCtx(parent, key, value);
}
