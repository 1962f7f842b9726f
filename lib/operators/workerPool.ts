// workerPool: mergeMap with a concurrency limit, a Context per task, errgroup's first-error-wins,
// and demand in both directions.
//
// Invariants:
// - a task holds its slot from its start until it has completed and every result it produced was
//   delivered downstream; the pool asks its source for one value per freed slot, so at most
//   `concurrency` values are taken and not yet delivered (ordered mode included);
// - results are delivered only while the downstream has demand (unlimited for a plain
//   subscriber); a result that cannot go down at once waits in its task's `results` and,
//   unordered, `out` names the task of each waiting result in arrival order;
// - once `stopped`, nothing is delivered: every task context is cancelled, every inner
//   subscription unsubscribed, the source feed cancelled and the ctx watcher withdrawn; a task
//   that reports afterwards (a Promise settling) finds the pool stopped and is ignored.
import { from, type ObservableInput, type OperatorFunction } from 'rxjs';
import { background, CancelCtx, type Context } from '../context/Context.js';
import { toContext } from '../context/interop.js';
import { canceled } from '../context/withCancel.js';
import type { CanceledError } from '../errors.js';
import { Ring } from '../internal/Ring.js';
import { flag, fn, limit, options } from '../internal/validate.js';
import { type Feed, GorxSource, openFeed, type Sink } from './internal.js';

/** The work of one task: the value, the task's context and the value's index in the source. */
export type Work<T, R> = (value: T, ctx: Context, index: number) => ObservableInput<R>;

/** Options of {@link workerPool}. */
export interface WorkerPoolOptions {
  /** When it is done, every task is cancelled and the output errors with `ctx.err`. */
  ctx?: Context | AbortSignal;
  /** Emit results in source order instead of completion order. */
  ordered?: boolean;
}

/**
 * Runs `work` for each source value with at most `concurrency` tasks at a time: `mergeMap` with a
 * concurrency limit, plus Go's worker-pool and errgroup discipline.
 *
 * Each task gets a child {@link Context} whose `signal` aborts when the output is unsubscribed,
 * when a task fails (the first error wins: the output errors with it and the other tasks are
 * cancelled, its cause being that error), or when `opts.ctx` is done (the output then errors with
 * `opts.ctx.err`). A finished task's context is cancelled too, as `go` does.
 *
 * Results come in completion order, or in source order with `ordered: true`; either way a task
 * keeps its slot until its results were delivered, so at most `concurrency` values are in flight.
 * Over a gorx channel (or the output of another gorx operator) the pool takes a value only when a
 * slot is free, so the producer's `send` blocks; over any other Observable it takes values as
 * they are pushed and queues pending inputs, like `mergeMap`.
 *
 * ```text
 * x          -a---b---c---|            (cold)
 * y          ----d---e---f---|         (cold)
 * z          -------------g-h|         (cold, starts when x frees its slot)
 * source     -x--y--z--|
 * workerPool(2, v => inner[v])
 * output     -a--db--ec--fg-h|
 * source     -x-y-z------|             x: -----a|   y: b|   z: (c|)
 * ordered    ------a(bc)-|             (ordered: true, concurrency 2: z waits for x's slot)
 * ```
 *
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { workerPool } from 'gorx';
 *
 * const urls = ['/a', '/b', '/c'];
 * from(urls)
 *   .pipe(workerPool(2, (url, ctx) => fetch(`https://example.com${url}`, { signal: ctx.signal })))
 *   .subscribe((res) => console.log(res.status));
 * ```
 * @throws RangeError if `concurrency` is not a positive integer or Infinity; TypeError if it is
 * not a number, if `work` is not a function, or if `opts.ctx` is neither a Context nor an
 * AbortSignal.
 * Go: workers ranging over a jobs channel; `errgroup.WithContext` + `SetLimit`. Rules: PT3, PT4, EG1, EG2, EG3.
 */
export function workerPool<T, R>(
  concurrency: number,
  work: Work<T, R>,
  opts?: WorkerPoolOptions,
): OperatorFunction<T, R> {
  limit('workerPool', concurrency);
  fn('workerPool', 'work', work);
  options('workerPool', opts);
  const ctx = toContext(opts?.ctx, 'workerPool');
  const ordered = flag('workerPool', 'ordered', opts?.ordered) === true;
  return (source) => new GorxSource((sink) => new Pool(source, concurrency, work, ctx, ordered, sink));
}

/**
 * One task: the observer of its inner subscription, or of its Promise. The live tasks form an
 * intrusive list on the pool, and results get a buffer only when they must wait, so a task that
 * delivers at once allocates nothing but itself.
 */
class Run<R> {
  // Assigned in the constructor: one Run per task, and plain stores build it faster than
  // class-field definitions.
  declare sub: { unsubscribe(): void } | null;
  declare done: boolean;
  /** The results waiting to be delivered; null until one has to wait. */
  declare results: Ring<R> | null;
  /** The neighbours in the pool's list of live tasks, in source order. */
  declare prevTask: Run<R> | null;
  declare nextTask: Run<R> | null;
  declare readonly pool: Pool<any, R>;
  declare readonly ctx: CancelCtx;

  constructor(pool: Pool<any, R>, ctx: CancelCtx) {
    this.pool = pool;
    this.ctx = ctx;
    this.sub = this.results = this.prevTask = this.nextTask = null;
    this.done = false;
  }
  next(value: R): void {
    this.pool.result(this, value);
  }
  error(error: unknown): void {
    this.pool.error(error);
  }
  complete(): void {
    this.pool.taskDone(this);
  }
}

class Pool<T, R> implements Sink<T>, Feed {
  readonly pull = true;
  readonly #limit: number;
  readonly #work: Work<T, R>;
  readonly #ordered: boolean;
  readonly #down: Sink<R>;
  readonly #ctx: CancelCtx;
  readonly #up: Feed;
  /**
   * The live tasks, in source order: started and not yet released (a task is released, and its
   * slot freed, once it is done and its results were delivered). Ordered, results come from the
   * head only.
   */
  #head: Run<R> | null = null;
  #tail: Run<R> | null = null;
  /** Unordered: the task of each waiting result, in arrival order. */
  readonly #out = new Ring<Run<R>>();
  #demand = 0;
  #index = 0;
  #started = false;
  #stopped = false;
  #sourceDone = false;
  #flushing = false;
  #finished: CanceledError | null = null;

  constructor(
    input: ObservableInput<T>,
    limit: number,
    work: Work<T, R>,
    parent: Context | null,
    ordered: boolean,
    down: Sink<R>,
  ) {
    this.#limit = limit;
    this.#work = work;
    this.#ordered = ordered;
    this.#down = down;
    const p = parent ?? background();
    this.#ctx = new CancelCtx(p, p.deadline);
    this.#up = openFeed(input, this);
  }

  request(n: number): void {
    this.#demand += n;
    if (this.#started) return this.#flush();
    this.#started = true;
    // The parent's end cancels the pool's context, its tasks' contexts first (CX16); then the
    // pool fails with the parent's error. When the pool stops itself, this finds it stopped.
    this.#ctx.onCancel = () => this.error(this.#ctx.err);
    this.#ctx.attach();
    if (!this.#stopped) this.#up.request(this.#limit);
  }

  /** A source value: start its task. */
  next(value: T): void {
    if (this.#stopped) return;
    const index = this.#index++;
    // Not hung on the pool's context: the pool cancels its tasks' contexts itself (#stop).
    const ctx = new CancelCtx(this.#ctx, this.#ctx.deadline);
    const run = new Run<R>(this, ctx);
    const tail = this.#tail;
    run.prevTask = tail;
    if (tail === null) this.#head = run;
    else tail.nextTask = run;
    this.#tail = run;
    let sub: { unsubscribe(): void };
    try {
      const input = this.#work(value, ctx, index);
      // A native Promise is followed without an RxJS subscription: one value, then complete.
      if (input instanceof Promise) {
        input.then(
          (v: R) => {
            run.next(v);
            run.complete();
          },
          (error: unknown) => run.error(error),
        );
        return;
      }
      sub = from(input).subscribe(run);
    } catch (error) {
      return this.error(error);
    }
    if (this.#stopped) sub.unsubscribe();
    else if (!run.done) run.sub = sub;
  }

  complete(): void {
    this.#sourceDone = true;
    this.#flush();
  }

  result(run: Run<R>, value: R): void {
    if (this.#stopped) return;
    const ordered = this.#ordered;
    if (
      this.#demand > 0 &&
      !this.#flushing &&
      (ordered ? run === this.#head && !run.results?.length : this.#out.length === 0)
    ) {
      // No result waits before this one: it goes down at once.
      this.#demand--;
      this.#flushing = true;
      this.#down.next(value);
      this.#flushing = false;
    } else {
      (run.results ??= new Ring<R>(1)).push(value);
      if (!ordered) this.#out.push(run);
    }
    this.#flush();
  }

  taskDone(run: Run<R>): void {
    if (this.#stopped) return;
    run.done = true;
    run.sub = null;
    run.ctx.cancel((this.#finished ??= canceled(undefined)));
    if (!this.#ordered && !run.results?.length) this.#release(run);
    this.#flush();
  }

  /** Frees the slot of a task that is done and delivered, and asks the source for a value. */
  #release(run: Run<R>): void {
    const { prevTask: prev, nextTask: next } = run;
    if (prev === null) this.#head = next;
    else prev.nextTask = next;
    if (next === null) this.#tail = prev;
    else next.prevTask = prev;
    // Unlinked both ways: a released task that the old generation still holds must not keep
    // the younger tasks after it alive.
    run.prevTask = run.nextTask = null;
    if (!this.#sourceDone) this.#up.request(1);
  }

  /** Delivers what the demand allows, then completes once the source and every task are done. */
  #flush(): void {
    if (this.#flushing || this.#stopped) return;
    this.#flushing = true;
    if (this.#ordered) {
      for (let run = this.#head; run !== null && !this.#stopped; run = this.#head) {
        const q = run.results;
        if (q?.length) {
          if (this.#demand <= 0) break;
          this.#demand--;
          this.#down.next(q.shift());
        } else if (run.done) this.#release(run);
        else break;
      }
    } else {
      const out = this.#out;
      while (out.length > 0 && this.#demand > 0 && !this.#stopped) {
        const run = out.shift();
        const q = run.results!;
        this.#demand--;
        this.#down.next(q.shift());
        if (run.done && q.length === 0) this.#release(run);
      }
    }
    this.#flushing = false;
    if (this.#sourceDone && this.#head === null && !this.#stopped) {
      this.#stop(undefined);
      this.#down.complete();
    }
  }

  /** The source, a task or the ctx failed: the first error wins. */
  error(error: unknown): void {
    if (this.#stopped) return;
    this.#stop(error);
    this.#down.error(error);
  }

  cancel(): void {
    if (!this.#stopped) this.#stop(undefined);
  }

  /**
   * Cancels every task (their contexts first, so they see the abort), then unsubscribes the
   * running ones, the newest first.
   */
  #stop(why: unknown): void {
    this.#stopped = true;
    this.#up.cancel();
    const ctx = this.#ctx;
    ctx.cancel(canceled(why), why);
    for (let run = this.#head; run !== null; run = run.nextTask) run.ctx.cancel(ctx.err!, ctx.cause);
    for (let run = this.#tail; run !== null; run = run.prevTask) run.sub?.unsubscribe();
  }
}
