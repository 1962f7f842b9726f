// Go's sync.WaitGroup: a counter and one queue of waiters.
//
// Invariants:
// - counter ≥ 0; a change that would make it negative throws and changes nothing (WG1);
// - waiters are parked only while counter > 0; the transition to 0 unlinks and commits every
//   one of them in the same synchronous step, so an `add` that follows cannot hold them back
//   (WG2, WG3, G2).
import { Observable } from 'rxjs';
import type { Cancel } from '../channel/types.js';
import type { Context } from '../context/Context.js';
import { NegativeCounterError } from '../errors.js';
import { SubscriberWaiter, voidShape } from '../internal/blocking.js';
import { commitSafely } from '../internal/trampoline.js';
import { fn as checkFn, integer } from '../internal/validate.js';
import { type Waiter, WaitQueue } from '../internal/WaitQueue.js';
import { go } from '../task/go.js';
import { gatePromise, type Waitable } from './internal.js';

/**
 * Waits for a collection of tasks to finish: Go's `sync.WaitGroup`. `add` raises the counter
 * (before starting the work), `done` lowers it, `wait` resolves when it reaches zero; `go` does
 * all three for one function. A WaitGroup can be reused once its waits have returned.
 *
 * @example
 * ```ts
 * import { WaitGroup } from 'gorx';
 *
 * const wg = new WaitGroup();
 * for (const url of ['a', 'b', 'c']) wg.go(async () => console.log('fetch', url));
 * await wg.wait();
 * console.log('all done');
 * ```
 * Go: `sync.WaitGroup`. Rules: WG1–WG6.
 */
export class WaitGroup implements Waitable {
  #counter = 0;
  readonly #waiters = new WaitQueue();

  /**
   * Adds `delta` (default 1, may be negative) to the counter. Call it before starting the work it
   * counts, and before `wait`. Reaching zero releases every waiter.
   *
   * @example
   * ```ts
   * import { WaitGroup } from 'gorx';
   *
   * const wg = new WaitGroup();
   * wg.add(2);
   * wg.done();
   * wg.done();
   * ```
   * @throws NegativeCounterError (`sync: negative WaitGroup counter`) if the counter would go below
   * zero; RangeError if `delta` is not an integer or the counter would pass
   * `Number.MAX_SAFE_INTEGER`. The counter is then unchanged.
   * Go: `wg.Add(delta)`. Rules: WG1, WG2, WG6.
   */
  add(delta = 1): void {
    const next = this.#counter + integer('WaitGroup.add', 'delta', delta);
    if (next < 0) throw new NegativeCounterError();
    // Past Number.MAX_SAFE_INTEGER: the same RangeError as a delta that is no safe integer.
    integer('WaitGroup.add', 'the new counter', next);
    this.#counter = next;
    if (next !== 0) return;
    const q = this.#waiters;
    for (let w = q.shift(); w !== null; w = q.shift()) commitSafely(w);
  }

  /**
   * Lowers the counter by one: `add(-1)`.
   *
   * @example
   * ```ts
   * import { WaitGroup } from 'gorx';
   *
   * const wg = new WaitGroup();
   * wg.add();
   * setTimeout(() => wg.done(), 10);
   * await wg.wait();
   * ```
   * @throws NegativeCounterError if the counter is already zero.
   * Go: `wg.Done()`. Rules: WG1, WG2.
   */
  done(): void {
    this.add(-1);
  }

  /**
   * Resolves when the counter is zero: at once if it already is. Every wait pending when the
   * counter reaches zero is released, even if `add` runs again before it resumes. When `cancel`
   * fires first it rejects with the context's error.
   *
   * @example
   * ```ts
   * import { WaitGroup } from 'gorx';
   *
   * const wg = new WaitGroup();
   * wg.go(async () => {});
   * await wg.wait(AbortSignal.timeout(1000));
   * ```
   * @see {@link WaitGroup.wait$}.
   * Go: `wg.Wait()`. Rules: WG2, WG3, WG4, T9.
   */
  wait(cancel?: Cancel): Promise<void> {
    return gatePromise(this, 0, cancel, voidShape);
  }

  /**
   * Waits on subscription, as a cold Observable that emits `undefined` and completes when the
   * counter is zero (in the same step, if it already is). Unsubscribing withdraws the wait.
   *
   * ```text
   * done()    ---x-----
   * wait$()   ---(u|)     with the counter at 1 when subscribed
   * ```
   *
   * @example
   * ```ts
   * import { WaitGroup } from 'gorx';
   *
   * const wg = new WaitGroup();
   * wg.wait$().subscribe(() => console.log('nothing to wait for'));
   * ```
   * Go: `wg.Wait()`. Rules: WG2, RX2.
   */
  wait$(): Observable<void> {
    return new Observable<void>((subscriber) => {
      if (this.#counter === 0) {
        subscriber.next();
        subscriber.complete();
        return undefined;
      }
      const w = new SubscriberWaiter(subscriber);
      this.park(w);
      return w;
    });
  }

  /**
   * Runs `fn` as a task counted by the group: `add(1)` now, `done()` when `fn` returns or its
   * Promise settles. `done` runs even when `fn` throws (Go 1.25's `wg.Go`; Go 1.26 skips it), so
   * `wait` still returns; the failure is not swallowed: it surfaces as an unhandled rejection, as
   * for any task nobody awaits (a `then` getter of the result that throws counts as a throw of
   * `fn`). Returns nothing.
   *
   * @example
   * ```ts
   * import { WaitGroup } from 'gorx';
   *
   * const wg = new WaitGroup();
   * const results: number[] = [];
   * for (let i = 0; i < 3; i++) wg.go(async () => results.push(i * i));
   * await wg.wait();
   * ```
   * @throws TypeError if `fn` is not a function.
   * Go: `wg.Go(f)`. Rules: WG5, GO4.
   */
  go(fn: (ctx: Context) => unknown): void {
    checkFn('WaitGroup.go', 'fn', fn);
    this.add(1);
    // An async body: `await` follows a returned thenable (a `then` getter that throws counts as
    // a throw of fn), and `finally` counts the task done however fn ends.
    go(
      async (ctx) => {
        try {
          await fn(ctx);
        } finally {
          this.done();
        }
      },
      { name: fn.name || 'WaitGroup.go' },
    );
  }

  /** @internal The counter (what errgroup's limit check reports). */
  get count(): number {
    return this.#counter;
  }

  /** @internal Waiting is over once the counter is zero. */
  take(): boolean {
    return this.#counter === 0;
  }

  /** @internal */
  park(w: Waiter): void {
    this.#waiters.push(w, this);
  }

  /** @internal */
  withdraw(w: Waiter): void {
    w.queue?.unlink(w);
  }
}
