// The weighted semaphore of golang.org/x/sync/semaphore: `size` permits, taken and given back in
// any amounts, served in strict FIFO order. The algorithm and its invariants live in Permits
// (./internal.ts), which Mutex shares.
import type { Observable } from 'rxjs';
import type { Cancel } from '../channel/types.js';
import { voidShape } from '../internal/blocking.js';
import { fn as checkFn, count } from '../internal/validate.js';
import { gate$, gatePromise, Permits, withGate } from './internal.js';

/**
 * A weighted semaphore: Go's `semaphore.Weighted`. Requests are served in strict FIFO order, so a
 * large request is never starved by a stream of small ones, and a request larger than `size`
 * waits only for its `cancel` without blocking anyone.
 *
 * @example
 * ```ts
 * import { Semaphore } from 'gorx';
 *
 * const sem = new Semaphore(3);
 * await sem.withPermits(2, async () => console.log('holding 2 of 3'));
 * ```
 * @throws RangeError if `size` is negative or not an integer.
 * Go: `semaphore.NewWeighted(n)`. Rules: SM1–SM8.
 */
export class Semaphore extends Permits {
  constructor(size: number) {
    super(count('Semaphore', 'size', size), 'semaphore: released more than held');
  }

  /**
   * Acquires `n` permits, waiting until they are free and every earlier request has been served.
   * `acquire(0)` succeeds at once only when nobody waits; otherwise it queues like any request.
   * When `cancel` fires first nothing was acquired and the semaphore is unchanged (waiters that
   * now fit behind a withdrawn head are woken); a context already done fails even if permits are
   * free. A request larger than the size waits only for `cancel`.
   *
   * @example
   * ```ts
   * import { Semaphore } from 'gorx';
   *
   * const sem = new Semaphore(10);
   * await sem.acquire(4, AbortSignal.timeout(1000));
   * sem.release(4);
   * ```
   * @throws RangeError if `n` is negative or not an integer.
   * @see {@link Semaphore.acquire$} and {@link Semaphore.tryAcquire}.
   * Go: `s.Acquire(ctx, n)`. Rules: SM1, SM2, SM4, SM5, SM6, SM8, T9.
   */
  acquire(n = 1, cancel?: Cancel): Promise<void> {
    return gatePromise(this, count('Semaphore.acquire', 'n', n), cancel, voidShape);
  }

  /**
   * Acquires `n` permits on subscription, as a cold Observable that emits `undefined` once they
   * are held and keeps them until unsubscribed. Unsubscribing before that withdraws the request.
   *
   * ```text
   * holder      ^---!            acquire$(2) on a Semaphore(2), held for 4 frames
   * acquire$(1) ----a-           granted when the holder unsubscribes
   * ```
   *
   * @example
   * ```ts
   * import { Semaphore } from 'gorx';
   *
   * const sem = new Semaphore(1);
   * const held = sem.acquire$().subscribe(() => console.log('got it'));
   * held.unsubscribe(); // gives the permit back
   * ```
   * @throws RangeError if `n` is negative or not an integer.
   * Go: `s.Acquire(ctx, n)` … `defer s.Release(n)`. Rules: SM1, RX2.
   */
  acquire$(n = 1): Observable<void> {
    return gate$(this, count('Semaphore.acquire$', 'n', n), false);
  }

  /**
   * Acquires `n` permits only if they are free and nobody is waiting; never blocks.
   *
   * @example
   * ```ts
   * import { Semaphore } from 'gorx';
   *
   * const sem = new Semaphore(2);
   * console.log(sem.tryAcquire(2), sem.tryAcquire(1)); // true false
   * ```
   * @throws RangeError if `n` is negative or not an integer.
   * Go: `s.TryAcquire(n)`. Rules: SM3, T5.
   */
  tryAcquire(n = 1): boolean {
    return this.take(count('Semaphore.tryAcquire', 'n', n));
  }

  /**
   * Gives back `n` permits and serves the waiters that now fit, in FIFO order.
   *
   * @example
   * ```ts
   * import { Semaphore } from 'gorx';
   *
   * const sem = new Semaphore(1);
   * sem.tryAcquire();
   * sem.release();
   * ```
   * @throws UnlockError (`semaphore: released more than held`) when `n` exceeds the permits held;
   * the semaphore is then unchanged. RangeError if `n` is negative or not an integer.
   * Go: `s.Release(n)`. Rules: SM2, SM7.
   */
  release(n = 1): void {
    this.give(count('Semaphore.release', 'n', n));
  }

  /**
   * Runs `fn` holding `n` permits and gives them back when it settles, even if it throws.
   *
   * @example
   * ```ts
   * import { Semaphore } from 'gorx';
   *
   * const sem = new Semaphore(4);
   * const body = await sem.withPermits(1, () => fetch('https://example.com').then((r) => r.text()));
   * ```
   * @throws RangeError for a bad `n`, TypeError if `fn` is not a function.
   * Go: `s.Acquire(ctx, n); defer s.Release(n)`. Rules: SM1.
   */
  withPermits<R>(n: number, fn: () => R | PromiseLike<R>, cancel?: Cancel): Promise<Awaited<R>> {
    count('Semaphore.withPermits', 'n', n);
    checkFn('Semaphore.withPermits', 'fn', fn);
    return withGate(this, n, fn, cancel);
  }
}
