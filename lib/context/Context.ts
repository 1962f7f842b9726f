/**
 * Go's `context`: one cancellation token, shared by every blocking call and every operator in
 * gorx. A Context is cancelled explicitly, by a deadline, or because its parent was; cancellation
 * propagates synchronously down the tree, never up, and a cancelled child is unlinked from its
 * parent at once.
 */
//
// The cancellable node lives in CancelCtx.ts, which a task's context uses without this file.
import { NeverPort } from '../channel/NeverPort.js';
import type { ReceiveChannel } from '../channel/types.js';
import type { CanceledError, DeadlineExceededError } from '../errors.js';
import { CONTEXT, PROTOCOL, TOKEN } from '../internal/brand.js';
import { context, flag, options, show } from '../internal/validate.js';
import { CANCEL_KEY, CancelCtx } from './CancelCtx.js';

/** @internal The cancellable node and its key, where the library's other parts know them from. */
export { CANCEL_KEY, CancelCtx } from './CancelCtx.js';

/** The error of a done context. */
export type ContextError = CanceledError | DeadlineExceededError;

/**
 * A cancellation token with a deadline and request-scoped values.
 *
 * @example
 * ```ts
 * import { background, recv, select, withTimeout } from 'gorx';
 *
 * const [ctx, cancel] = withTimeout(background(), 1000);
 * const r = await select({ stop: recv(ctx.done) }); // after 1 s: { case: 'stop', … }
 * console.log(ctx.err?.message); // 'context deadline exceeded'
 * cancel();
 * ```
 * Go: `context.Context`. Rules: CX1–CX16.
 */
export interface Context {
  /** Closed when the context is cancelled; never closes for `background()`. Usable in `select`. */
  readonly done: ReceiveChannel<never>;
  /** Aborted, synchronously, with `err` as its reason when the context is cancelled. */
  readonly signal: AbortSignal;
  /** `undefined` until done; then `CanceledError` or `DeadlineExceededError`, for good. */
  readonly err: ContextError | undefined;
  /** The deadline in library-clock ms, if any. */
  readonly deadline: number | undefined;
  /** The value stored under `key` by this context or the nearest ancestor that has one. */
  value<T>(key: ContextKey<T>): T | undefined;
}

declare const keyType: unique symbol;

/**
 * A typed key for `withValue`. Keys compare by identity: two calls to `contextKey` with the same
 * name make two different keys. A key made with `crossesThreads` is also matched by its name in a
 * thread of a pool, where its value goes with each task.
 */
export interface ContextKey<T> {
  readonly name: string;
  readonly crossesThreads?: boolean;
  readonly [keyType]?: T;
}

/** The keys made with `crossesThreads`: a task started on a pool's thread takes their values along. @internal */
export const crossing = new Set<ContextKey<unknown>>();

/**
 * Makes a typed context key. With `{ crossesThreads: true }` its value goes with a task started on
 * a thread pool (`pool.go`, `pool.fn`) to the task's context there, where a key of the same name
 * made the same way finds it (the value is copied as task arguments are); other keys stay behind.
 * Make such keys once (a module's constant): they are kept for the program's life.
 *
 * @example
 * ```ts
 * import { background, contextKey, withValue } from 'gorx';
 *
 * const user = contextKey<string>('user');
 * const ctx = withValue(background(), user, 'ada');
 * console.log(ctx.value(user)); // 'ada'
 * ```
 * A key whose value goes with tasks to a pool's threads (the worker file makes the same key):
 * ```ts
 * import { background, contextKey, threadPool, withValue } from 'gorx';
 *
 * const tenant = contextKey<string>('tenant', { crossesThreads: true });
 * const pool = threadPool(() => new Worker(new URL('./report.worker', import.meta.url), { type: 'module' }));
 * await pool.go('report', [], withValue(background(), tenant, 'acme')); // there: ctx.value(tenant) === 'acme'
 * ```
 * @throws TypeError when `name` is not a string or `crossesThreads` is not a boolean.
 * Go: `type key struct{}` used with `context.WithValue`. Rules: CX9.
 */
export function contextKey<T>(name: string, opts?: { crossesThreads?: boolean }): ContextKey<T> {
  if (typeof name !== 'string') throw new TypeError(`contextKey: name must be a string, got ${show(name)}`);
  const crosses =
    flag('contextKey', 'crossesThreads', options('contextKey', opts)?.crossesThreads ?? false) === true;
  const key = Object.freeze({ name, crossesThreads: crosses, toString: () => `contextKey(${name})` });
  if (crosses) crossing.add(key);
  return key;
}

/**
 * What a context of this copy answers for a key that is not its own: ask the parent. Like STEP,
 * a private token that only its identity makes useful, so without a description. @internal
 */
export const INHERIT: unique symbol = Symbol();

/** A context of this copy answers `value` one step at a time, so `lookup` can loop. @internal */
export const STEP: unique symbol = Symbol();

/** A context of this copy, as `lookup` walks it. */
interface Step {
  readonly parent: Context;
  [STEP](key: ContextKey<unknown>): unknown;
}

/**
 * The value under `key`, walking outwards with a loop through this copy's contexts (a chain can
 * be 10^5 deep); only a context of another kind (the user's, another copy's) is asked itself. A
 * cancel node holds only its own node, under the cause key, and may have no parent (below a
 * signal, which holds no values).
 */
export function lookup(ctx: Context | undefined, key: ContextKey<unknown>): unknown {
  for (;;) {
    if (ctx instanceof CancelCtx) {
      if (key === CANCEL_KEY) return ctx;
    } else if (ctx === undefined || !(STEP in ctx)) {
      return ctx?.value(key);
    } else {
      const found = (ctx as unknown as Step)[STEP](key);
      if (found !== INHERIT) return found;
    }
    ctx = (ctx as unknown as Step).parent;
  }
}

let never: NeverPort | undefined;
let neverSignal: AbortSignal | undefined;

/** A context that is never cancelled: background() and withoutCancel(). @internal */
export abstract class Uncancellable implements Context {
  /** @internal The cross-copy brand (internal/brand.ts). */
  get [CONTEXT](): number {
    return PROTOCOL;
  }
  /** @internal Waits on it need no guard: it is never cancelled. */
  get [TOKEN](): null {
    return null;
  }
  get done(): ReceiveChannel<never> {
    return (never ??= new NeverPort());
  }
  get signal(): AbortSignal {
    return (neverSignal ??= new AbortController().signal);
  }
  get err(): undefined {
    return undefined;
  }
  get deadline(): undefined {
    return undefined;
  }
  value<T>(key: ContextKey<T>): T | undefined {
    return lookup(this, key) as T | undefined;
  }
  abstract [STEP](key: ContextKey<unknown>): unknown;
}

class BackgroundCtx extends Uncancellable {
  [STEP](): undefined {
    return undefined;
  }
  override toString(): string {
    return 'context.Background';
  }
}

let backgroundCtx: BackgroundCtx | undefined;

/**
 * The root context: never cancelled, no deadline, no values.
 *
 * @example
 * ```ts
 * import { background, withCancel } from 'gorx';
 *
 * const [ctx, cancel] = withCancel(background());
 * cancel();
 * ```
 * Go: `context.Background()`. Rules: CX1.
 */
export function background(): Context {
  return (backgroundCtx ??= new BackgroundCtx());
}

/**
 * The cause of a context's cancellation: the value given to a cancel-cause function, or the
 * deadline's cause, or else `ctx.err`; `undefined` while the context is not done.
 *
 * @example
 * ```ts
 * import { background, cause, withCancelCause } from 'gorx';
 *
 * const [ctx, cancel] = withCancelCause(background());
 * cancel(new Error('shutting down'));
 * console.log((cause(ctx) as Error).message); // 'shutting down'
 * ```
 * @throws TypeError when `ctx` is not a Context.
 * Go: `context.Cause`. Rules: CX11.
 */
export function cause(ctx: Context): unknown {
  context('cause', 'context', ctx);
  const node = ctx.value(CANCEL_KEY);
  return node !== undefined ? node.cause : ctx.err;
}
