import { background, CancelCtx, type Context } from '../context/Context.js';
import { toContext } from '../context/interop.js';
import { canceled } from '../context/withCancel.js';
import { CanceledError } from '../errors.js';
import { beginPending, live, type TaskRecord } from '../internal/debug.js';
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

let nextId = 1;

/** The error a task's context ends with when the task ends: one for all, like Go's `Canceled`. */
let taskEnded: CanceledError | undefined;

class TaskImpl<T> implements Task<T>, TaskRecord {
  readonly id = nextId++;
  readonly created: string | undefined = live.captureStacks ? new Error().stack : undefined;
  readonly promise: Promise<T>;
  readonly ctx: CancelCtx;
  #cancel: (() => void) | null = null;
  /** Ends this task's entry in the pending-work trackers (`trackTasks`), if any. */
  #pending: (() => void) | null;

  constructor(
    body: (ctx: Context) => T | PromiseLike<T>,
    parent: Context,
    readonly name: string,
  ) {
    const ctx = new CancelCtx(parent, parent.deadline);
    ctx.attach();
    this.ctx = ctx;
    live.tasks.add(this);
    this.#pending = live.trackers === null ? null : beginPending();
    // then(ok, fail) rather than finally(): finally makes a Promise and two closures more per task.
    this.promise = resolved(undefined)
      .then(() => body(ctx))
      .then(
        (value) => {
          this.#end();
          return value;
        },
        (error: unknown) => {
          // Ended by its own context (it returned ctx.err): awaiting the task still rejects, but
          // a task nobody awaits reports nothing. Checked before #end cancels the context.
          if (endedByOwnContext(ctx, error)) handled(this.promise);
          this.#end();
          throw error;
        },
      );
  }

  /** Bound on first use, so that `task.cancel` can be handed around as a callback. */
  get cancel(): () => void {
    const ctx = this.ctx;
    this.#cancel ??= () => ctx.cancel(canceled(undefined), undefined);
    return this.#cancel;
  }

  #end(): void {
    live.tasks.delete(this);
    const pending = this.#pending;
    if (pending !== null) {
      this.#pending = null;
      pending();
    }
    this.ctx.cancel((taskEnded ??= new CanceledError()), undefined);
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.promise.then(onfulfilled, onrejected);
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
  options('go', opts);
  const parent = toContext(opts?.ctx, 'go') ?? background();
  const name = opts?.name ?? (fn.name || 'task');
  if (typeof name !== 'string') throw new TypeError(`go: name must be a string, got ${show(name)}`);
  return new TaskImpl(fn, parent, name) as unknown as Task<Awaited<T>>;
}
