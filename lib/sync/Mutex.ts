// Go's sync.Mutex: the semaphore algorithm with one permit plus the unlock check (Permits in
// ./internal.ts holds the invariants). Unlock hands the lock straight to the oldest waiter, so
// waiters are served FIFO and nobody barges in between (MU4, MU5).
import type { Observable } from 'rxjs';
import type { Cancel } from '../channel/types.js';
import type { Shape } from '../internal/blocking.js';
import { fn as checkFn } from '../internal/validate.js';
import { type Gate, gate$, gatePromise, makeUnlock, Permits, type Unlock, withGate } from './internal.js';

export type { Unlock } from './internal.js';

/** The Promise faces' result: an Unlock of the one permit of the mutex in `value`. */
const unlockShape: Shape = (gate: Gate) => makeUnlock(gate, 1);

/**
 * A mutual exclusion lock: Go's `sync.Mutex`. A new Mutex is unlocked. It is not tied to a task
 * (any task may unlock it) and not reentrant (locking it twice from one task waits forever).
 * Waiters are served in FIFO order: `unlock` hands the lock to the oldest waiter.
 *
 * @example
 * ```ts
 * import { Mutex } from 'gorx';
 *
 * const mu = new Mutex();
 * let count = 0;
 * async function increment() {
 *   using _ = await mu.lock();
 *   count++;
 * }
 * await Promise.all([increment(), increment()]);
 * ```
 * Go: `sync.Mutex`. Rules: MU1–MU6.
 */
export class Mutex extends Permits {
  constructor() {
    super(1, 'sync: unlock of unlocked mutex');
  }

  /**
   * Locks the mutex, waiting in FIFO order while another holder has it. Resolves to an `Unlock`
   * that releases this hold once (a function and a `Disposable`, so `using _ = await mu.lock()`
   * is Go's `defer mu.Unlock()`). When `cancel` fires first the lock was not taken.
   *
   * @example
   * ```ts
   * import { Mutex } from 'gorx';
   *
   * const mu = new Mutex();
   * const unlock = await mu.lock();
   * try {
   *   // critical section
   * } finally {
   *   unlock();
   * }
   * ```
   * @see {@link Mutex.lock$}, {@link Mutex.tryLock} and {@link Mutex.withLock}.
   * Go: `mu.Lock(); defer mu.Unlock()`. Rules: MU1, MU4, MU6, T9.
   */
  lock(cancel?: Cancel): Promise<Unlock> {
    return gatePromise(this, 1, cancel, unlockShape);
  }

  /**
   * Locks on subscription, as a cold Observable that emits an `Unlock` when the lock is taken and
   * holds it until unsubscribed, or until the `Unlock` is called (which also completes it).
   * Unsubscribing while still waiting withdraws the request and leaves the queue as it was.
   *
   * ```text
   * holder   ^--!           lock$() taken at once, held for 3 frames
   * lock$()  ---a-          a second lock$() is granted when the holder unsubscribes
   * ```
   *
   * @example
   * ```ts
   * import { Mutex } from 'gorx';
   *
   * const mu = new Mutex();
   * mu.lock$().subscribe((unlock) => {
   *   console.log('locked');
   *   unlock(); // releases and completes
   * });
   * ```
   * Go: `mu.Lock()` … `mu.Unlock()`. Rules: MU1, MU4, RX2.
   */
  lock$(): Observable<Unlock> {
    return gate$(this, 1, true);
  }

  /**
   * Locks only if the mutex is free now; never blocks. Right after an `unlock` that handed the
   * lock to a waiter it returns false.
   *
   * @example
   * ```ts
   * import { Mutex } from 'gorx';
   *
   * const mu = new Mutex();
   * console.log(mu.tryLock(), mu.tryLock()); // true false
   * ```
   * Go: `mu.TryLock()`. Rules: MU5, T5.
   */
  tryLock(): boolean {
    return this.take(1);
  }

  /**
   * Unlocks the mutex, handing it to the oldest waiter if there is one. Any task may unlock.
   *
   * @example
   * ```ts
   * import { Mutex } from 'gorx';
   *
   * const mu = new Mutex();
   * mu.tryLock();
   * mu.unlock();
   * ```
   * @throws UnlockError (`sync: unlock of unlocked mutex`) if the mutex is not locked.
   * Go: `mu.Unlock()`. Rules: MU2, MU3, MU4.
   */
  unlock(): void {
    this.give(1);
  }

  /**
   * Runs `fn` holding the lock and unlocks when it settles, even if it throws.
   *
   * @example
   * ```ts
   * import { Mutex } from 'gorx';
   *
   * const mu = new Mutex();
   * const balance = new Map<string, number>();
   * await mu.withLock(() => balance.set('alice', (balance.get('alice') ?? 0) + 10));
   * ```
   * @throws TypeError if `fn` is not a function.
   * Go: `mu.Lock(); defer mu.Unlock(); …`. Rules: MU1, MU6.
   */
  withLock<R>(fn: () => R | PromiseLike<R>, cancel?: Cancel): Promise<Awaited<R>> {
    checkFn('Mutex.withLock', 'fn', fn);
    return withGate(this, 1, fn, cancel);
  }
}
