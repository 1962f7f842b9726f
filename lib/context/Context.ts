/**
 * Go's `context`: one cancellation token, shared by every blocking call and every operator in
 * gorx. A Context is cancelled explicitly, by a deadline, or because its parent was; cancellation
 * propagates synchronously down the tree, never up, and a cancelled child is unlinked from its
 * parent at once.
 */
//
// Invariants:
// - `err` is undefined until the context is done, then fixed: the first cancellation wins (CX5);
// - a done CancelCtx has no children and is in no parent's children set (CX3);
// - `done` and `signal` are made on first use; made after cancellation they are already closed
//   or aborted, so laziness is invisible.
import { closeDone, DonePort } from '../channel/DonePort.js';
import { NeverPort } from '../channel/NeverPort.js';
import type { ReceiveChannel } from '../channel/types.js';
import { CanceledError, type DeadlineExceededError } from '../errors.js';
import { CallbackWaiter, type RecvCore, type Token } from '../internal/blocking.js';
import { CONTEXT, PROTOCOL, TOKEN } from '../internal/brand.js';
import { toToken } from '../internal/cancel.js';
import { reportPanic } from '../internal/report.js';
import { context, show } from '../internal/validate.js';
import { withdraw } from '../internal/WaitQueue.js';

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
 * name make two different keys.
 */
export interface ContextKey<T> {
  readonly name: string;
  readonly [keyType]?: T;
}

/**
 * Makes a typed context key.
 *
 * @example
 * ```ts
 * import { background, contextKey, withValue } from 'gorx';
 *
 * const user = contextKey<string>('user');
 * const ctx = withValue(background(), user, 'ada');
 * console.log(ctx.value(user)); // 'ada'
 * ```
 * Go: `type key struct{}` used with `context.WithValue`. Rules: CX9.
 */
export function contextKey<T>(name: string): ContextKey<T> {
  if (typeof name !== 'string') throw new TypeError(`contextKey: name must be a string, got ${show(name)}`);
  return Object.freeze({ name, toString: () => `contextKey(${name})` });
}

/**
 * The key under which a CancelCtx answers for itself (Go's `&cancelCtxKey`). Shared by every copy
 * of gorx, so `cause` finds the node of a context made by another copy (CX14).
 */
export const CANCEL_KEY: ContextKey<CancelCtx> = Symbol.for('gorx.cancelCtx') as never;

/** What a context of this copy answers for a key that is not its own: ask the parent. @internal */
export const INHERIT: unique symbol = Symbol('INHERIT');

/** A context of this copy answers `value` one step at a time, so `lookup` can loop. @internal */
export const STEP: unique symbol = Symbol('STEP');

/** A context of this copy, as `lookup` walks it. */
interface Step {
  readonly parent: Context;
  [STEP](key: ContextKey<unknown>): unknown;
}

/**
 * The value under `key`, walking outwards with a loop through this copy's contexts (a chain can
 * be 10^5 deep); only a context of another kind (the user's, another copy's) is asked itself.
 */
export function lookup(ctx: Context, key: ContextKey<unknown>): unknown {
  for (;;) {
    if (!(STEP in ctx)) return ctx.value(key);
    const found = (ctx as unknown as Step)[STEP](key);
    if (found !== INHERIT) return found;
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
    never ??= new NeverPort();
    return never;
  }
  get signal(): AbortSignal {
    neverSignal ??= new AbortController().signal;
    return neverSignal;
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
  backgroundCtx ??= new BackgroundCtx();
  return backgroundCtx;
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

/**
 * The cancellable context: withCancel, withCancelCause, withDeadline, withTimeout, fromSignal.
 * @internal
 */
export class CancelCtx implements Context {
  // Every mutable field is private, so a frozen context (Object.freeze) still works.
  #err: ContextError | undefined;
  #why: unknown;
  #done: DonePort | null = null;
  #abort: AbortController | null = null;
  /** Children that propagate through this node; null until the first. */
  #children: Set<CancelCtx> | null = null;
  /** Where this node is registered: a gorx parent's children, or a waiter on a foreign `done`. */
  #link: CancelCtx | CallbackWaiter | null = null;
  // Private fields are not named after an export of the package (`#alarm`, `#cause`): esbuild's
  // CommonJS chunks rewrite a write to such a field into a write to that export as well.
  #onCancel: (() => void) | null = null;

  declare readonly parent: Context;
  declare readonly deadline: number | undefined;

  constructor(parent: Context, deadline: number | undefined) {
    this.parent = parent;
    this.deadline = deadline;
  }

  /** @internal The cross-copy brand (internal/brand.ts). */
  get [CONTEXT](): number {
    return PROTOCOL;
  }

  /** @internal A cancellable context is its own token: its `err` and its `done`. */
  get [TOKEN](): Token {
    return this;
  }

  get err(): ContextError | undefined {
    return this.#err;
  }

  /** The cancellation cause (`cause()`); undefined until done. */
  get cause(): unknown {
    return this.#why;
  }

  /** Children that propagate through this node; null until the first. */
  get children(): ReadonlySet<CancelCtx> | null {
    return this.#children;
  }

  /** Runs once on cancellation (the deadline's timer, interop clean-ups); a throw is reported. */
  set onCancel(fn: (() => void) | null) {
    this.#onCancel = fn;
  }

  /** A receive-only view: nothing can send on it or close it but this context. */
  get done(): ReceiveChannel<never> {
    if (this.#done === null) {
      this.#done = new DonePort();
      if (this.#err !== undefined) closeDone(this.#done);
    }
    return this.#done;
  }

  get signal(): AbortSignal {
    if (this.#abort === null) {
      this.#abort = new AbortController();
      if (this.#err !== undefined) this.#abort.abort(this.#err);
    }
    return this.#abort.signal;
  }

  value<T>(key: ContextKey<T>): T | undefined {
    return lookup(this, key) as T | undefined;
  }
  [STEP](key: ContextKey<unknown>): unknown {
    return key === CANCEL_KEY ? this : INHERIT;
  }

  /**
   * Links this node under `parent` so that cancellation propagates down (Go's propagateCancel):
   * into the children of the parent's node when that is one of this copy, else (a context of the
   * user's, CX14, or of another copy) as a waiter on the parent's `done`.
   */
  attach(): void {
    const parent = this.parent;
    const token = toToken(parent);
    if (token === null) return;
    if (token instanceof CancelCtx) {
      if (token.#err !== undefined) return this.cancel(token.#err, token.#why);
      (token.#children ??= new Set()).add(this);
      this.#link = token;
      return;
    }
    if (parent.err !== undefined) return this.cancel(parent.err, cause(parent));
    const w = new CallbackWaiter(() => {
      this.#link = null;
      this.cancel(parent.err ?? new CanceledError(), cause(parent));
    });
    (token.done as RecvCore<never>).parkRecv(w);
    this.#link = w;
  }

  /**
   * Cancels this node and its subtree; the first cancellation wins. The subtree is walked with a
   * work list, not recursion (a chain can be 10^5 deep). Every node's state is settled first;
   * then each node's `done` closes, its signal aborts and its clean-up runs. Code reached from
   * there (a waiter's delivery, a clean-up) that throws is reported after (RX5) and stops
   * nothing: every node is cancelled and every waiter released. Never throws.
   */
  cancel(err: ContextError, why: unknown): void {
    if (this.#err !== undefined) return;
    this.#settle(err, why === undefined || why === null ? err : why);
    if (this.#children === null) return this.#notify();
    const nodes: CancelCtx[] = [this];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const children = node.#children;
      node.#children = null;
      if (children === null) continue;
      for (const child of children) {
        // A done node is in no children set (CX3), so every child here is still live; its
        // parent's set is already taken, so settling it unlinks nothing more.
        child.#settle(err, this.#why);
        nodes.push(child);
      }
    }
    // Leaves first: a child's signal has aborted by the time its parent's listeners run (CX16).
    for (let i = nodes.length - 1; i >= 0; i--) nodes[i]!.#notify();
  }

  /** The state half of a cancellation, which unlinks this node: no code outside the engine runs here. */
  #settle(err: ContextError, cause: unknown): void {
    this.#err = err;
    this.#why = cause;
    const link = this.#link;
    this.#link = null;
    if (link instanceof CancelCtx) link.#children?.delete(this);
    else if (link !== null) withdraw(link);
  }

  /** The effects half: closes `done`, aborts the signal, runs the clean-up. */
  #notify(): void {
    if (this.#done !== null) closeDone(this.#done);
    try {
      this.#abort?.abort(this.#err);
    } catch (error) {
      reportPanic(error);
    }
    const onCancel = this.#onCancel;
    this.#onCancel = null;
    if (onCancel === null) return;
    try {
      onCancel();
    } catch (error) {
      reportPanic(error);
    }
  }
}
