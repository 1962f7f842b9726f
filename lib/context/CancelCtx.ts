// The one cancellable context node: a task's context (go), withCancel, withCancelCause,
// withDeadline, withTimeout, fromSignal. It holds no children: it hangs below its parent the way
// a context hangs below one of another copy (CX14), as a waiter on the parent's `done`, so a
// cancelled parent reaches its subtree by closing its `done`. A program that starts tasks but
// builds no contexts loads this file and not the rest of the Context machinery.
//
// Invariants: `err` is undefined until the context is done, then fixed (the first cancellation
// wins, CX5); a done node is parked on nothing (its guard is withdrawn at once, CX3), and its
// `done` has no waiter left; `done` and `signal` are made on first use, already closed or
// aborted when made after cancellation.
import { closeDone, DonePort } from '../channel/DonePort.js';
import type { ReceiveChannel } from '../channel/types.js';
import { CanceledError } from '../errors.js';
import type { RecvCore, Token } from '../internal/blocking.js';
import { CONTEXT, PROTOCOL, TOKEN } from '../internal/brand.js';
import { toToken } from '../internal/cancel.js';
import { Ring } from '../internal/Ring.js';
import { reportPanic } from '../internal/report.js';
import { Waiter, withdraw } from '../internal/WaitQueue.js';
import type { Context, ContextError, ContextKey } from './Context.js';

/**
 * The key under which a CancelCtx answers for itself (Go's `&cancelCtxKey`). Shared by every copy
 * of gorx, so `cause` finds the node of a context made by another copy (CX14).
 */
export const CANCEL_KEY: ContextKey<CancelCtx> = Symbol.for('gorx.cancelCtx') as never;

/**
 * Where a node waits for its parent to be done. Its wake-up runs on the stack up to a depth,
 * then queued, and the queue is drained before the outermost wake-up returns: whatever the depth
 * of the tree, every context below a cancelled one is done before `cancel()` returns (CX2), even
 * inside an Observable's delivery, without growing the stack with it. (A `cancel()` made by code
 * that such a queued wake-up runs, an abort listener more than 16 contexts down, has its own
 * subtree done before the outermost wake-up returns, not before it returns itself.)
 */
class Guard extends Waiter {
  declare readonly follow: () => void;
  constructor(follow: () => void) {
    super();
    this.follow = follow;
  }
  commit(): void {
    if (depth >= MAX_DEPTH) {
      queued.push(this.follow);
      return;
    }
    depth++;
    try {
      this.follow();
    } finally {
      // A follow that throws (a context of the user's, CX14) is reported by the caller, and leaves
      // the depth as it found it: the propagations after it are whole.
      if (--depth === 0) drainQueued();
    }
  }
  fail(): void {
    this.commit();
  }
}
const MAX_DEPTH = 16;
let depth = 0;
const queued = /* @__PURE__ */ new Ring<() => void>();

/** Runs the queued wake-ups, and those they queue, in order; each throw is reported. */
function drainQueued(): void {
  depth = MAX_DEPTH;
  while (queued.length > 0) {
    const follow = queued.shift();
    try {
      follow();
    } catch (error) {
      reportPanic(error);
    }
  }
  depth = 0;
}

/** The cancellable context node. @internal */
export class CancelCtx implements Context {
  // Every mutable field is private, so a frozen context (Object.freeze) still works.
  #err: ContextError | undefined;
  #why: unknown;
  #done: DonePort | null = null;
  #abort: AbortController | null = null;
  /** Where this node waits for its parent to be done; null when it cannot be or it is over. */
  #guard: Guard | null = null;
  // Private fields are not named after an export of the package (`#alarm`, `#cause`): esbuild's
  // CommonJS chunks rewrite a write to such a field into a write to that export as well.
  #onCancel: (() => void) | null = null;

  /**
   * The nearest ancestor that is not a cancel node, which answers `value` for this one (a cancel
   * node holds no values but its own), so that a chain of them is crossed in one step.
   */
  readonly #holder: Context | undefined;
  /** The parent; none below an AbortSignal, which holds no values and no deadline. */
  declare readonly parent: Context | undefined;
  declare readonly deadline: number | undefined;

  /** A node below `parent`, not yet linked to it (`attach`), with its parent's deadline by default. */
  constructor(parent: Context | undefined, deadline: number | undefined = parent?.deadline) {
    this.parent = parent;
    this.deadline = deadline;
    this.#holder = parent instanceof CancelCtx ? parent.#holder : parent;
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
  /** Runs once on cancellation (a deadline's timer, a clean-up); a throw is reported. */
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

  /** Its own node under the cause key, else the answer of the nearest ancestor that holds values. */
  value<T>(key: ContextKey<T>): T | undefined {
    if (key === CANCEL_KEY) return this as never;
    return this.#holder?.value(key);
  }

  /**
   * Hangs this node below `token` (by default its parent's; Go's propagateCancel): cancelled at
   * once if that is done, else when its `done` closes, with the parent's cause (CX11): that of
   * the nearest cancel node above it (through a context of the user's, CX14), else the one its
   * error carries (a signal's reason).
   */
  attach(token: Token | null = toToken(this.parent)): void {
    if (token === null) return;
    // A woken guard is already unlinked: withdrawing it in cancel() does nothing.
    const follow = () => {
      let err: ContextError | undefined;
      let why: unknown;
      try {
        err = (token.err as ContextError | undefined) ?? new CanceledError();
        why = this.parent?.value(CANCEL_KEY)?.cause ?? err.cause;
      } finally {
        // A parent of the user's that throws (CX14) is reported; this node is cancelled all the same.
        this.cancel(err ?? new CanceledError(), why);
      }
    };
    // A node's own state, not its `err`: a thread's task context may show an error early (its
    // shared cancel word) before its cancellation, and with it its cause, has arrived.
    if ((token instanceof CancelCtx ? token.#err : token.err) !== undefined) return follow();
    this.#guard = new Guard(follow);
    (token.done as RecvCore<never>).parkRecv(this.#guard);
  }

  /**
   * Cancels this node with `why` as its cause (`err` itself when absent, or null as Go's nil);
   * the first cancellation wins. Its children wait on its `done`, so they are cancelled, leaves
   * first, as it closes, before its own signal aborts (CX16). Never throws: a throw from an abort
   * listener (by the platform) or the clean-up (here) is reported (RX5) and stops nothing.
   */
  cancel(err: ContextError, why?: unknown): void {
    if (this.#err !== undefined) return;
    this.#err = err;
    this.#why = why ?? err;
    withdraw(this.#guard);
    this.#guard = null;
    closeDone(this.#done);
    // abort() never throws: the platform reports a throw from an abort listener itself.
    this.#abort?.abort(this.#err);
    const onCancel = this.#onCancel;
    this.#onCancel = null;
    try {
      onCancel?.();
    } catch (error) {
      reportPanic(error);
    }
  }
}
