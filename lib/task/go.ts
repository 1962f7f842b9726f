// A task and its context. The context of a task is a node of its own rather than the general
// cancellable context (context/Context.ts), so a program that starts tasks without building
// contexts carries none of that machinery. It speaks the context protocol (internal/brand.ts), so
// every context of gorx (of any copy) can hang below it, and it hangs below its parent the way a
// context hangs below one of another copy (CX14): as a waiter on the parent's `done`.
//
// Invariants: `err` is undefined until the context is done, then fixed (the first cancellation
// wins, CX5); a done task context is parked on nothing (its guard is withdrawn at once, CX3);
// `done` and `signal` are made on first use, already closed or aborted when made after
// cancellation.
import { closeDone, DonePort } from '../channel/DonePort.js';
import type { ReceiveChannel } from '../channel/types.js';
import type { Context, ContextError, ContextKey } from '../context/Context.js';
import { CanceledError } from '../errors.js';
import type { RecvCore, Token } from '../internal/blocking.js';
import { CONTEXT, PROTOCOL, TOKEN } from '../internal/brand.js';
import { isSignal, toToken } from '../internal/cancel.js';
import { beginPending, live, type TaskRecord } from '../internal/debug.js';
import { endedByOwnContext, handled, reportPanic } from '../internal/report.js';
import { resolved } from '../internal/resume.js';
import { fn as checkFn, options, show } from '../internal/validate.js';
import { Waiter, withdraw } from '../internal/WaitQueue.js';

/**
 * A running task: awaitable for its result, with a name and its own context.
 */
export interface Task<T> extends PromiseLike<T> {
  readonly name: string;
  /** The task's context: a child of `opts.ctx`, cancelled by `cancel()` and when the task ends. */
  readonly ctx: Context;
  /** Cancels the task's context (the task decides how to react, as in Go). */
  cancel(): void;
}

/** The key under which a context answers the node that holds its cause (brand.ts, CX11). */
const CANCEL_KEY = Symbol.for('gorx.cancelCtx') as unknown as ContextKey<{ readonly cause: unknown }>;

/**
 * Where a task context waits for its parent to be done. Its wake-up runs on the stack up to a
 * depth, then queued, and the queue is drained before the outermost wake-up returns: whatever
 * the depth of the tree, every context below a cancelled one is done before `cancel()` returns
 * (CX2), without growing the stack with it.
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
    this.follow();
    depth--;
    if (depth > 0) return;
    depth = MAX_DEPTH;
    for (let i = 0; i < queued.length; i++) queued[i]!();
    queued.length = 0;
    depth = 0;
  }
  fail(): void {
    this.commit();
  }
}
const MAX_DEPTH = 16;
let depth = 0;
const queued: (() => void)[] = [];

/** The context of a task: a child of `opts.ctx` (none, a Context or an AbortSignal). @internal */
export class TaskCtx implements Context {
  // Every mutable field is private, so a frozen context (Object.freeze) still works.
  #err: ContextError | undefined;
  #why: unknown;
  #done: DonePort | null = null;
  #abort: AbortController | null = null;
  /** Where this context waits for its parent to be done; null when it cannot be or it is over. */
  #guard: Guard | null = null;
  /**
   * The nearest ancestor that is not a task's context, which answers `value` for this one (a
   * task's context holds no values); none for a signal (which holds no values either).
   */
  readonly #holder: Context | null | undefined;
  #onCancel: (() => void) | null = null;
  declare readonly deadline: number | undefined;

  constructor(parent: Context | AbortSignal | null | undefined, token: Token | null) {
    const ctx = isSignal(parent) ? undefined : parent;
    this.#holder = ctx instanceof TaskCtx ? ctx.#holder : ctx;
    this.deadline = ctx?.deadline;
    if (token === null) return;
    // A context's error carries its cause (CX16: `ctx.err.cause` is `cause(ctx)`, or absent when
    // the cause is the error itself), so the parent's cause is read there.
    const follow = () => {
      this.#guard = null;
      const err = (token.err as ContextError | undefined) ?? new CanceledError();
      this.cancel(err, err.cause);
    };
    if (token.err !== undefined) {
      follow();
      return;
    }
    this.#guard = new Guard(follow);
    (token.done as RecvCore<never>).parkRecv(this.#guard);
  }

  /** @internal The cross-copy brand (internal/brand.ts). */
  get [CONTEXT](): number {
    return PROTOCOL;
  }
  /** @internal A task context is its own token: its `err` and its `done`. */
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
  /** Runs once when this context is cancelled (the thread pool's clean-up); a throw is reported. */
  set onCancel(fn: (() => void) | null) {
    this.#onCancel = fn;
  }
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
   * Cancels this context; the first cancellation wins. Its children wait on its `done`, so they
   * are cancelled as it closes, before its own signal aborts (CX16). Never throws: a throw from
   * an abort listener or the clean-up is reported (RX5).
   */
  cancel(err: ContextError, why: unknown): void {
    if (this.#err !== undefined) return;
    this.#err = err;
    this.#why = why ?? err;
    if (this.#guard !== null) withdraw(this.#guard);
    this.#guard = null;
    // The effects, as the general context's (Context.ts): `done` closes, the signal aborts, then
    // the clean-up runs.
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

let nextId = 1;

/** The error a task's context ends with when the task ends: one for all, like Go's `Canceled`. */
let taskEnded: CanceledError | undefined;

class TaskImpl<T> implements Task<T>, TaskRecord {
  readonly id = nextId++;
  readonly created: string | undefined = live.captureStacks ? new Error().stack : undefined;
  readonly #promise: Promise<T>;
  #cancel: (() => void) | null = null;
  /** Ends this task's entry in the pending-work trackers (`trackTasks`), if any. */
  #pending: (() => void) | null;
  declare readonly ctx: TaskCtx;
  declare readonly name: string;

  constructor(body: (ctx: Context) => T | PromiseLike<T>, ctx: TaskCtx, name: string) {
    this.ctx = ctx;
    this.name = name;
    live.tasks.add(this);
    this.#pending = beginPending();
    // then(ok, fail) rather than finally(): finally makes a Promise and two closures more per task.
    this.#promise = resolved(undefined)
      .then(() => body(ctx))
      .then(
        (value) => {
          this.#end();
          return value;
        },
        (error: unknown) => {
          // Ended by its own context (it returned ctx.err): awaiting the task still rejects, but
          // a task nobody awaits reports nothing. Checked before #end cancels the context.
          if (endedByOwnContext(ctx, error)) handled(this.#promise);
          this.#end();
          throw error;
        },
      );
  }

  /** Bound on first use, so that `task.cancel` can be handed around as a callback. */
  get cancel(): () => void {
    return (this.#cancel ??= () => this.ctx.cancel(new CanceledError(), undefined));
  }

  #end(): void {
    live.tasks.delete(this);
    const pending = this.#pending;
    this.#pending = null;
    pending?.();
    this.ctx.cancel((taskEnded ??= new CanceledError()), undefined);
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#promise.then(onfulfilled, onrejected);
  }

  toString(): string {
    return `Task(${this.name})`;
  }
}

/**
 * Starts `fn` as a concurrent task: Go's `go f()`. `fn` never runs inside the `go` call; it
 * starts on a microtask (or on the next macrotask once the current slice has run for a few
 * milliseconds, so spawn storms cannot starve timers). It receives the task's context, a child
 * of `opts.ctx` that is cancelled when the task ends. A task that fails while nobody awaits it
 * surfaces as an unhandled rejection, never silently, except when it fails with its own
 * context's error once that context is done (`CanceledError` or `DeadlineExceededError`, Go's
 * `return ctx.Err()`): that task has ended normally, and only awaiting it rejects.
 *
 * @example
 * ```ts
 * import { Channel, go } from 'gorx';
 *
 * const ch = new Channel<string>();
 * go(async () => ch.send('hello from a task'), { name: 'greeter' });
 * console.log((await ch.recv()).value);
 * ```
 * @throws TypeError if `fn` is not a function, `opts.ctx` is neither a Context nor an AbortSignal,
 * or `opts.name` is not a string.
 * Go: `go f()`. Rules: GO1, GO2, GO3, GO4.
 */
export function go<T>(
  fn: (ctx: Context) => T | PromiseLike<T>,
  opts?: { ctx?: Context; name?: string },
): Task<Awaited<T>> {
  checkFn('go', 'fn', fn);
  const parent = options('go', opts)?.ctx;
  const token = toToken(parent, 'go');
  const name = opts?.name ?? (fn.name || 'task');
  if (typeof name !== 'string') throw new TypeError(`go: name must be a string, got ${show(name)}`);
  return new TaskImpl(fn, new TaskCtx(parent, token), name) as unknown as Task<Awaited<T>>;
}
