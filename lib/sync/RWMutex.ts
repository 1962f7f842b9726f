// Go's sync.RWMutex: any number of readers or one writer, with writer preference.
//
// Invariants:
// - writer ⇒ readers === 0; readers > 0 ⇒ !writer;
// - a reader waits only while a writer holds the lock or waits for it (readq non-empty ⇒
//   writer || writeq non-empty), so a waiting writer blocks new readers (RW2);
// - the head of writeq waits only for the lock to be free (no writer, no readers): it is granted
//   as soon as the last reader leaves or the writer unlocks with no reader queued;
// - a writer's unlock (and the withdrawal of a head writer) admits every queued reader at once,
//   before the next writer, which then waits for those readers (RW3);
// - state is complete before a waiter is committed, so code run by a commit may re-enter; a
//   writer is never admitted while a batch of readers is being admitted.
import type { Observable } from 'rxjs';
import type { Cancel } from '../channel/types.js';
import { UnlockError } from '../errors.js';
import type { Shape } from '../internal/blocking.js';
import { commitSafely } from '../internal/trampoline.js';
import { fn as checkFn } from '../internal/validate.js';
import { type Waiter, WaitQueue } from '../internal/WaitQueue.js';
import { type Gate, gate$, gatePromise, makeUnlock, type Unlock, withGate } from './internal.js';

/** The kinds of hold, carried in a waiter's `weight`. */
const WRITER = 1;
/** @internal */
export const READER = 2;

const writeShape: Shape = (gate: Gate) => makeUnlock(gate, WRITER);
const readShape: Shape = (gate: Gate) => makeUnlock(gate, READER);

/**
 * A reader/writer mutual exclusion lock: Go's `sync.RWMutex`. Many readers or one writer hold it.
 * A writer waiting for the lock keeps new readers out until it has had its turn (writer
 * preference), so a task that read-locks twice may wait forever once a writer is queued. When a
 * writer unlocks, every reader that was waiting gets the lock before the next writer.
 *
 * @example
 * ```ts
 * import { RWMutex } from 'gorx';
 *
 * const mu = new RWMutex();
 * const cache = new Map<string, string>();
 * async function get(key: string) {
 *   using _ = await mu.rLock();
 *   return cache.get(key);
 * }
 * await mu.withLock(() => cache.set('k', 'v'));
 * console.log(await get('k')); // 'v'
 * ```
 * Go: `sync.RWMutex`. Rules: RW1–RW6.
 */
export class RWMutex implements Gate {
  #readers = 0;
  #writer = false;
  #admitting = false;
  readonly #readq = new WaitQueue();
  readonly #writeq = new WaitQueue();

  /**
   * Locks for writing, waiting until no reader or writer holds the lock; new readers wait while
   * this call waits. Resolves to an `Unlock` (a function and a `Disposable`). When `cancel` fires
   * first the lock was not taken.
   *
   * @example
   * ```ts
   * import { RWMutex } from 'gorx';
   *
   * const mu = new RWMutex();
   * using _ = await mu.lock();
   * ```
   * @see {@link RWMutex.lock$}, {@link RWMutex.tryLock} and {@link RWMutex.withLock}.
   * Go: `rw.Lock(); defer rw.Unlock()`. Rules: RW1, RW2, T9.
   */
  lock(cancel?: Cancel): Promise<Unlock> {
    return gatePromise(this, WRITER, cancel, writeShape);
  }

  /**
   * Locks for writing on subscription, as a cold Observable that emits an `Unlock` and holds the
   * lock until unsubscribed or until the `Unlock` is called (which also completes it).
   * Unsubscribing while still waiting withdraws the request.
   *
   * ```text
   * reader   ^--!           rLock$() held for 3 frames
   * lock$()  ---a-          the writer is granted when the reader leaves
   * ```
   *
   * @example
   * ```ts
   * import { RWMutex } from 'gorx';
   *
   * const mu = new RWMutex();
   * mu.lock$().subscribe((unlock) => unlock());
   * ```
   * Go: `rw.Lock()` … `rw.Unlock()`. Rules: RW1, RX2.
   */
  lock$(): Observable<Unlock> {
    return gate$(this, WRITER, true);
  }

  /**
   * Locks for writing only if nobody holds or waits for the lock; never blocks.
   *
   * @example
   * ```ts
   * import { RWMutex } from 'gorx';
   *
   * const mu = new RWMutex();
   * console.log(mu.tryLock(), mu.tryRLock()); // true false
   * ```
   * Go: `rw.TryLock()`. Rules: RW1, T5.
   */
  tryLock(): boolean {
    return this.take(WRITER);
  }

  /**
   * Unlocks for writing: every waiting reader gets the lock, then (once they leave) the next
   * writer. Any task may unlock.
   *
   * @example
   * ```ts
   * import { RWMutex } from 'gorx';
   *
   * const mu = new RWMutex();
   * mu.tryLock();
   * mu.unlock();
   * ```
   * @throws UnlockError (`sync: Unlock of unlocked RWMutex`) if it is not write-locked.
   * Go: `rw.Unlock()`. Rules: RW3, RW4.
   */
  unlock(): void {
    this.give(WRITER);
  }

  /**
   * Runs `fn` holding the write lock and unlocks when it settles, even if it throws.
   *
   * @example
   * ```ts
   * import { RWMutex } from 'gorx';
   *
   * const mu = new RWMutex();
   * await mu.withLock(() => console.log('writing'));
   * ```
   * @throws TypeError if `fn` is not a function.
   * Go: `rw.Lock(); defer rw.Unlock(); …`. Rules: RW1.
   */
  withLock<R>(fn: () => R | PromiseLike<R>, cancel?: Cancel): Promise<Awaited<R>> {
    checkFn('RWMutex.withLock', 'fn', fn);
    return withGate(this, WRITER, fn, cancel);
  }

  /**
   * Locks for reading: shares the lock with other readers, but waits while a writer holds it or
   * waits for it. Resolves to an `Unlock` that releases this read lock once. When `cancel` fires
   * first the lock was not taken.
   *
   * @example
   * ```ts
   * import { RWMutex } from 'gorx';
   *
   * const mu = new RWMutex();
   * const [a, b] = await Promise.all([mu.rLock(), mu.rLock()]); // two readers at once
   * a();
   * b();
   * ```
   * @see {@link RWMutex.rLock$}, {@link RWMutex.tryRLock} and {@link RWMutex.withRLock}.
   * Go: `rw.RLock(); defer rw.RUnlock()`. Rules: RW1, RW2, T9.
   */
  rLock(cancel?: Cancel): Promise<Unlock> {
    return gatePromise(this, READER, cancel, readShape);
  }

  /**
   * Locks for reading on subscription, as a cold Observable that emits an `Unlock` and holds the
   * read lock until unsubscribed or until the `Unlock` is called (which also completes it).
   *
   * ```text
   * writer   ^--!           lock$() held for 3 frames
   * rLock$() ---a-          granted when the writer unlocks
   * rLock$() ---a-          together with every other waiting reader
   * ```
   *
   * @example
   * ```ts
   * import { RWMutex } from 'gorx';
   *
   * const mu = new RWMutex();
   * mu.rLock$().subscribe((unlock) => unlock());
   * ```
   * Go: `rw.RLock()` … `rw.RUnlock()`. Rules: RW1, RW3, RX2.
   */
  rLock$(): Observable<Unlock> {
    return gate$(this, READER, true);
  }

  /**
   * Locks for reading only if no writer holds or waits for the lock; never blocks.
   *
   * @example
   * ```ts
   * import { RWMutex } from 'gorx';
   *
   * const mu = new RWMutex();
   * console.log(mu.tryRLock(), mu.tryRLock(), mu.tryLock()); // true true false
   * ```
   * Go: `rw.TryRLock()`. Rules: RW1, RW5, T5.
   */
  tryRLock(): boolean {
    return this.take(READER);
  }

  /**
   * Releases one read lock; the last reader to leave admits a waiting writer.
   *
   * @example
   * ```ts
   * import { RWMutex } from 'gorx';
   *
   * const mu = new RWMutex();
   * mu.tryRLock();
   * mu.rUnlock();
   * ```
   * @throws UnlockError (`sync: RUnlock of unlocked RWMutex`) if it is not read-locked.
   * Go: `rw.RUnlock()`. Rules: RW2, RW4.
   */
  rUnlock(): void {
    this.give(READER);
  }

  /**
   * Runs `fn` holding a read lock and releases it when `fn` settles, even if it throws.
   *
   * @example
   * ```ts
   * import { RWMutex } from 'gorx';
   *
   * const mu = new RWMutex();
   * const config = { level: 3 };
   * const level = await mu.withRLock(() => config.level);
   * ```
   * @throws TypeError if `fn` is not a function.
   * Go: `rw.RLock(); defer rw.RUnlock(); …`. Rules: RW1.
   */
  withRLock<R>(fn: () => R | PromiseLike<R>, cancel?: Cancel): Promise<Awaited<R>> {
    checkFn('RWMutex.withRLock', 'fn', fn);
    return withGate(this, READER, fn, cancel);
  }

  /** @internal */
  take(kind: number): boolean {
    if (this.#writer || this.#writeq.head !== null) return false;
    if (kind === READER) {
      this.#readers++;
      return true;
    }
    if (this.#readers > 0 || this.#readq.head !== null) return false;
    this.#writer = true;
    return true;
  }

  /** @internal */
  park(w: Waiter): void {
    (w.weight === READER ? this.#readq : this.#writeq).push(w, this);
  }

  /** @internal */
  give(kind: number): void {
    if (kind === READER) {
      if (this.#readers === 0) throw new UnlockError('sync: RUnlock of unlocked RWMutex');
      if (--this.#readers === 0) this.#admitWriter();
      return;
    }
    if (!this.#writer) throw new UnlockError('sync: Unlock of unlocked RWMutex');
    this.#writer = false;
    this.#admitReaders();
  }

  /** @internal */
  withdraw(w: Waiter): void {
    const q = w.queue;
    if (q === null) return;
    const head = q === this.#writeq && w.prev === null;
    q.unlink(w);
    // A head writer waiting for readers to leave was what kept the queued readers out.
    if (head && !this.#writer) this.#admitReaders();
  }

  /**
   * Admits the queued readers, then the next writer if the lock is free. Readers are admitted one
   * at a time with the count raised before each commit, and a re-entrant rUnlock cannot admit a
   * writer mid-batch (`#admitting`); readers that queued behind a writer during the batch stay
   * queued unless no writer waits any more.
   */
  #admitReaders(): void {
    if (this.#admitting) return;
    const q = this.#readq;
    this.#admitting = true;
    do {
      for (let n = q.size; n > 0; n--) {
        const w = q.shift();
        if (w === null) break;
        this.#readers++;
        commitSafely(w);
      }
    } while (q.head !== null && this.#writeq.head === null);
    this.#admitting = false;
    this.#admitWriter();
  }

  #admitWriter(): void {
    const w = this.#writeq.head;
    if (w === null || this.#writer || this.#readers > 0 || this.#admitting) return;
    this.#writer = true;
    this.#writeq.unlink(w);
    commitSafely(w);
  }
}
