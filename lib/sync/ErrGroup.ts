// golang.org/x/sync/errgroup: a WaitGroup, a context from withCancelCause and an optional
// Semaphore for the limit.
//
// Invariants:
// - the WaitGroup counts started tasks plus `go` calls waiting for a slot (so `wait` also waits
//   for those, whether or not their `go` Promise was awaited);
// - a task holds one permit of the Semaphore it started under until it settles, and gives it
//   back to that Semaphore even if the limit was replaced meanwhile;
// - the first failure (by completion time) is recorded once and cancels the context with it as
//   the cause; `wait` cancels the context when it returns, with no cause if nothing failed.
import { map, type Observable } from 'rxjs';
import type { Cancel } from '../channel/types.js';
import { background, type Context } from '../context/Context.js';
import { withCancelCause } from '../context/withCancel.js';
import { PromiseWaiter, waiterPromise } from '../internal/blocking.js';
import { toToken } from '../internal/cancel.js';
import { rejected, resolved } from '../internal/resume.js';
import { fn as checkFn, context, integer } from '../internal/validate.js';
import { go } from '../task/go.js';
import { Semaphore } from './Semaphore.js';
import { WaitGroup } from './WaitGroup.js';

type Work = (ctx: Context) => unknown;

let attach: (group: ErrGroup, ctx: Context, cancel: (cause?: unknown) => void) => void;

/**
 * A group of tasks working on subtasks of one job: Go's `errgroup.Group`. `wait` waits for every
 * task and returns the first error. A group made by `errGroup(parent)` also has a context that is
 * cancelled by the first error and when `wait` returns; `new ErrGroup()` is Go's zero Group: no
 * context (tasks get `background()`) and no limit.
 *
 * A task fails when its function throws or its Promise rejects (Go's non-nil error). Wait still
 * waits for all tasks after a failure; failures are not reported anywhere else.
 *
 * @example
 * ```ts
 * import { ErrGroup } from 'gorx';
 *
 * const g = new ErrGroup();
 * g.go(async () => 'ok');
 * g.go(async () => {
 *   throw new Error('boom');
 * });
 * await g.wait().catch((e) => console.log(e.message)); // 'boom'
 * ```
 * Go: `errgroup.Group`. Rules: EG1–EG9.
 */
export class ErrGroup {
  readonly #wg = new WaitGroup();
  #sem: Semaphore | null = null;
  #ctx: Context | null = null;
  #cancel: ((cause?: unknown) => void) | null = null;
  #failed = false;
  #err: unknown = undefined;

  static {
    attach = (group, ctx, cancel) => {
      group.#ctx = ctx;
      group.#cancel = cancel;
    };
  }

  /**
   * Starts `fn` as a task of the group, passing it the group's context. With a limit set and
   * every slot taken, waits for a slot first (in FIFO order, ahead of any `tryGo`); the Promise
   * resolves once the task has been started. A call that is waiting for a slot already counts
   * for `wait`. When `cancel` fires first the task is not started and the Promise rejects.
   *
   * @example
   * ```ts
   * import { errGroup } from 'gorx';
   *
   * const [g, ctx] = errGroup();
   * g.setLimit(2);
   * for (const id of [1, 2, 3, 4]) {
   *   await g.go(async () => console.log('job', id, ctx.err === undefined));
   * }
   * await g.wait();
   * ```
   * @throws TypeError if `fn` is not a function.
   * Go: `g.Go(f)`. Rules: EG5, EG8, EG9, T9.
   */
  go(fn: Work, cancel?: Cancel): Promise<void> {
    checkFn('ErrGroup.go', 'fn', fn);
    const token = toToken(cancel);
    if (token !== null && token.err !== undefined) return rejected(token.err);
    const sem = this.#sem;
    this.#wg.add(1);
    if (sem === null || sem.take(1)) {
      this.#start(fn, sem);
      return resolved(undefined);
    }
    // Granted a slot, the waiter starts the task, then resolves the call.
    const w = new PromiseWaiter(() => this.#start(fn, sem));
    w.weight = 1;
    sem.park(w);
    const started = waiterPromise(w, token);
    if (token === null) return started;
    return started.catch((error) => {
      this.#wg.done();
      throw error;
    });
  }

  /**
   * Starts `fn` only if a slot is free now (and no `go` call waits for one); never blocks.
   *
   * @example
   * ```ts
   * import { ErrGroup } from 'gorx';
   *
   * const g = new ErrGroup();
   * g.setLimit(1);
   * console.log(g.tryGo(async () => {}), g.tryGo(async () => {})); // true false
   * await g.wait();
   * ```
   * @throws TypeError if `fn` is not a function.
   * Go: `g.TryGo(f)`. Rules: EG6, T5.
   */
  tryGo(fn: Work): boolean {
    checkFn('ErrGroup.tryGo', 'fn', fn);
    const sem = this.#sem;
    if (sem !== null && !sem.take(1)) return false;
    this.#wg.add(1);
    this.#start(fn, sem);
    return true;
  }

  /**
   * Limits the group to `n` active tasks; a negative `n` removes the limit, and 0 lets nothing
   * start. Set it before starting tasks.
   *
   * @example
   * ```ts
   * import { ErrGroup } from 'gorx';
   *
   * const g = new ErrGroup();
   * g.setLimit(8);
   * ```
   * @throws Error (`errgroup: modify limit while N goroutines in the group are still active`) when
   * `n ≥ 0` and tasks of the group are running or waiting for a slot; RangeError if `n` is not an
   * integer.
   * Go: `g.SetLimit(n)`. Rules: EG5, EG7.
   */
  setLimit(n: number): void {
    integer('ErrGroup.setLimit', 'n', n);
    if (n < 0) {
      this.#sem = null;
      return;
    }
    const active = this.#wg.count;
    if (active !== 0) {
      throw new Error(`errgroup: modify limit while ${active} goroutines in the group are still active`);
    }
    this.#sem = new Semaphore(n);
  }

  /**
   * Waits for every task of the group, then cancels the group's context and resolves, or rejects
   * with the first error (by completion time; the same error on every later `wait`). When
   * `cancel` fires first it rejects with the context's error and the group is unaffected.
   *
   * @example
   * ```ts
   * import { errGroup, sleep } from 'gorx';
   *
   * const [g, ctx] = errGroup();
   * g.go((ctx) => sleep(10, ctx));
   * await g.wait();
   * console.log(ctx.err?.message); // 'context canceled'
   * ```
   * @see {@link ErrGroup.wait$}.
   * Go: `g.Wait()`. Rules: EG1, EG2, EG3, EG4.
   */
  wait(cancel?: Cancel): Promise<void> {
    return this.#wg.wait(cancel).then(() => this.#result());
  }

  /**
   * Waits on subscription, as a cold Observable: emits `undefined` and completes when every task
   * has finished, or errors with the first error; the group's context is cancelled first either
   * way. Unsubscribing withdraws the wait.
   *
   * ```text
   * task      ---x--      a task that fails with e at frame 3
   * wait$()   ---#        subscribed at 0: errors with e when the last task ends
   * ```
   *
   * @example
   * ```ts
   * import { ErrGroup } from 'gorx';
   *
   * const g = new ErrGroup();
   * g.wait$().subscribe({ complete: () => console.log('all done') });
   * ```
   * Go: `g.Wait()`. Rules: EG1, EG2, RX2.
   */
  wait$(): Observable<void> {
    return this.#wg.wait$().pipe(map(() => this.#result()));
  }

  /** Starts a task that holds a slot of `sem` (if any). */
  #start(fn: Work, sem: Semaphore | null): void {
    const ctx = this.#ctx ?? background();
    go(() => fn(ctx), { ctx, name: fn.name || 'ErrGroup.go' }).then(
      () => this.#end(sem),
      (error) => {
        if (!this.#failed) {
          this.#failed = true;
          this.#err = error;
          this.#cancel?.(error);
        }
        this.#end(sem);
      },
    );
  }

  #end(sem: Semaphore | null): void {
    sem?.give(1);
    this.#wg.done();
  }

  #result(): void {
    this.#cancel?.(this.#failed ? this.#err : undefined);
    if (this.#failed) throw this.#err;
  }
}

/**
 * A new group and its context, a child of `parent` (default `background()`): Go's
 * `errgroup.WithContext`. The context is cancelled the first time a task fails, with that error
 * as its cause (`cause(ctx)`), or when `wait` returns, with no cause (`CanceledError`).
 *
 * @example
 * ```ts
 * import { cause, errGroup } from 'gorx';
 *
 * const [g, ctx] = errGroup();
 * g.go(async () => {
 *   throw new Error('fetch failed');
 * });
 * g.go(async (ctx) => {
 *   // stops early when a sibling fails
 *   for (let i = 0; i < 1e6 && ctx.err === undefined; i++) await Promise.resolve();
 * });
 * await g.wait().catch(() => console.log((cause(ctx) as Error).message)); // 'fetch failed'
 * ```
 * @throws TypeError if `parent` is `null`.
 * Go: `errgroup.WithContext(ctx)`. Rules: EG2, EG3.
 */
export function errGroup(parent: Context = background()): [group: ErrGroup, ctx: Context] {
  const [ctx, cancel] = withCancelCause(context('errGroup', 'parent context', parent));
  const group = new ErrGroup();
  attach(group, ctx, cancel);
  return [group, ctx];
}
