// A task and its context. The context of a task is the cancellable node (context/CancelCtx.ts),
// which loads without the rest of the Context machinery: a program that starts tasks without
// building contexts carries none of it.
import { CancelCtx } from '../context/CancelCtx.js';
import type { Context } from '../context/Context.js';
import { CanceledError } from '../errors.js';
import { isSignal, toToken } from '../internal/cancel.js';
import { live, type TaskRecord } from '../internal/debug.js';
import { endedByOwnContext, handled } from '../internal/report.js';
import { resolved } from '../internal/resume.js';
import { fn as checkFn, options, show } from '../internal/validate.js';

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

/** The context of a task: the general cancellable node, a child of `opts.ctx`. @internal */
export type TaskCtx = CancelCtx;

let nextId = 1;

/** The error a task's context ends with when the task ends: one for all, like Go's `Canceled`. */
let taskEnded: CanceledError | undefined;

class TaskImpl<T> implements Task<T>, TaskRecord {
  readonly id = nextId++;
  readonly created: string | undefined = live.captureStacks ? new Error().stack : undefined;
  readonly #promise: Promise<T>;
  #cancel: (() => void) | null = null;
  /** Ends this task's entry in the pending-work trackers (`trackTasks`), if any: once, as `#end` runs once. */
  readonly #pending: (() => void) | undefined;
  declare readonly ctx: TaskCtx;
  declare readonly name: string;

  /** A task that ends as `work` settles. */
  constructor(ctx: TaskCtx, name: string, work: Promise<T>) {
    this.ctx = ctx;
    this.name = name;
    live.tasks.add(this);
    this.#pending = live.begin?.();
    // then(ok, fail) rather than finally(): finally makes a Promise and two closures more per task.
    this.#promise = work.then(
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
    return (this.#cancel ??= () => this.ctx.cancel(new CanceledError()));
  }

  #end(): void {
    live.tasks.delete(this);
    this.#pending?.();
    this.ctx.cancel((taskEnded ??= new CanceledError()));
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
  // A signal holds no values and no deadline: below one, the task's context has no parent.
  const ctx = new CancelCtx(isSignal(parent) ? undefined : parent);
  ctx.attach(token);
  return new TaskImpl(
    ctx,
    name,
    resolved(undefined).then(() => fn(ctx)),
  ) as unknown as Task<Awaited<T>>;
}

/**
 * A task whose work is done elsewhere (on a pool's thread) and that ends as `work` settles: a child
 * of `parent`, as `go` makes it. `go(() => work)` would end a step later, a thread's answer too: a
 * Promise that a callback returns is adopted through a microtask of its own.
 * @internal
 */
export function goOn<T>(work: Promise<T>, parent: Context, name: string): Task<T> {
  const ctx = new CancelCtx(parent);
  ctx.attach();
  return new TaskImpl(ctx, name, work);
}
