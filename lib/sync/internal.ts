// The sync kit's shared core: the weighted FIFO semaphore algorithm (Permits) that Semaphore,
// Mutex and the errgroup limit are made of, and the faces every lock-like primitive shares (a
// Promise of an Unlock, a holding Observable, a scoped `with…` call). A primitive implements
// `Gate` (take now, park, give back, withdraw) and gets the faces for free; waiting is always a
// Waiter parked in a WaitQueue, so cancellation, deregistration and FIFO are written once.
//
// Invariants of Permits (golang.org/x/sync/semaphore):
// - 0 ≤ held ≤ size; a request is granted only when it fits and nobody waits ahead of it (SM1);
// - a waiter at the head of `waiters` does not fit (else it would have been granted), so
//   `give` and a withdrawal from the front serve waiters in order and stop at the first that
//   does not fit (head-of-line blocking: a large request is never starved, SM2);
// - a request larger than the size never enters `waiters`; it sits in `oversize` until its
//   cancel withdraws it (SM4);
// - state is complete before a waiter is committed, so code run by a commit may re-enter.
import { Observable, type Subscriber } from 'rxjs';
import type { Cancel } from '../channel/types.js';
import { UnlockError } from '../errors.js';
import {
  PromiseWaiter,
  type Shape,
  SubscriberWaiter,
  voidShape,
  waiterPromise,
} from '../internal/blocking.js';
import { toToken } from '../internal/cancel.js';
import { rejected, resolved } from '../internal/resume.js';
import { COMMITTED, commitSafely } from '../internal/trampoline.js';
import { type Port, type Waiter, WaitQueue, withdraw } from '../internal/WaitQueue.js';

/**
 * The symbol `using` looks up. Runtimes without `Symbol.dispose` get the key that compilers'
 * `using` helpers fall back to, without touching the global `Symbol`.
 */
const DISPOSE: typeof Symbol.dispose =
  Symbol.dispose ?? (Symbol.for('Symbol.dispose') as typeof Symbol.dispose);

/**
 * Releases the hold that a `lock` or `rLock` (or the `$` forms) took. It is a function and a
 * `Disposable`, so `using _ = await mu.lock()` is Go's `defer mu.Unlock()`. It releases at most
 * once: calling it again (or disposing after an early call) does nothing, so a stale Unlock can
 * never release somebody else's hold.
 *
 * @example
 * ```ts
 * import { Mutex, type Unlock } from 'gorx';
 *
 * const mu = new Mutex();
 * {
 *   using unlock: Unlock = await mu.lock();
 *   if (Math.random() < 0.5) unlock(); // release early; the end of the block then does nothing
 * }
 * ```
 * Go: `defer mu.Unlock()`. Rules: MU1, MU3.
 */
export type Unlock = (() => void) & { [K in DisposeKey]: () => void };

/**
 * `typeof Symbol.dispose` where the program's `lib` declares it (`esnext.disposable`), else
 * `never`: then Unlock is a plain function type, and the declarations need no `Disposable`.
 */
type DisposeKey = SymbolConstructor extends { readonly dispose: infer K extends symbol } ? K : never;

/** Something a Promise can wait for (the Promise face, `gatePromise`); `n` is a weight or a kind. */
export interface Waitable extends Port {
  /** @internal Takes `n` now if it can without overtaking a waiter. */
  take(n: number): boolean;
  /** @internal Parks `w`, whose `weight` is `n`. */
  park(w: Waiter): void;
}

/** A lock-like primitive as the shared faces drive it; `n` is a weight or a kind of hold. */
export interface Gate extends Waitable {
  /** @internal Gives `n` back and serves waiters; throws UnlockError on a release of what is not held. */
  give(n: number): void;
}

/**
 * The weighted semaphore algorithm: strict FIFO with head-of-line blocking. Semaphore and Mutex
 * extend it (so the declarations keep it); its members are internal.
 */
export abstract class Permits implements Gate {
  #held = 0;
  readonly #size: number;
  readonly #misuse: string;
  readonly #waiters = new WaitQueue();
  readonly #oversize = new WaitQueue();

  constructor(size: number, misuse: string) {
    this.#size = size;
    this.#misuse = misuse;
  }

  /** @internal */
  take(n: number): boolean {
    if (this.#size - this.#held < n || this.#waiters.head !== null) return false;
    this.#held += n;
    return true;
  }

  /** @internal */
  park(w: Waiter): void {
    (w.weight > this.#size ? this.#oversize : this.#waiters).push(w, this);
  }

  /** @internal */
  give(n: number): void {
    if (n > this.#held) throw new UnlockError(this.#misuse);
    this.#held -= n;
    this.#serve();
  }

  /** @internal */
  withdraw(w: Waiter): void {
    const q = w.queue;
    if (q !== this.#waiters) return q?.unlink(w);
    const front = w.prev === null;
    q.unlink(w);
    // The withdrawn head may have been what blocked the waiters behind it (SM6).
    if (front) this.#serve();
  }

  #serve(): void {
    const q = this.#waiters;
    for (let w = q.head; w !== null && this.#size - this.#held >= w.weight; w = q.head) {
      this.#held += w.weight;
      q.unlink(w);
      commitSafely(w);
    }
  }
}

/** Makes the Unlock of one hold of `n` on `gate` (or on a subscriber's hold, HoldWaiter). */
export function makeUnlock(gate: Pick<Gate, 'give'>, n: number): Unlock {
  let held = true;
  const unlock = (() => {
    if (!held) return;
    held = false;
    gate.give(n);
  }) as Unlock;
  unlock[DISPOSE] = unlock;
  // An own `then` that is undefined: resolving a lock's Promise with this function then finds at
  // once that it is not a thenable, instead of searching Function.prototype and Object.prototype
  // (about 10% of a contended lock cycle).
  (unlock as { then?: undefined }).then = undefined;
  return unlock;
}

/**
 * The Promise face of a gate (or of anything that can be waited for): takes `n` now or parks a
 * waiter, cancellable by `cancel`. The waiter's `value` is the gate, which `shape` turns into the
 * result (an Unlock, or nothing).
 */
export function gatePromise(
  gate: Waitable,
  n: number,
  cancel: Cancel | undefined,
  shape: Shape,
): Promise<any> {
  const token = toToken(cancel);
  if (token !== null && token.err !== undefined) return rejected(token.err);
  if (gate.take(n)) return resolved(shape === voidShape ? undefined : shape(gate, true));
  const w = new PromiseWaiter(shape);
  w.weight = n;
  w.value = gate;
  gate.park(w);
  return waiterPromise(w, token);
}

/**
 * A subscriber's hold on a gate: parked until granted, then emits once and holds until the
 * subscription ends (or, when it emits an Unlock, until that is called, which also completes).
 */
class HoldWaiter extends SubscriberWaiter {
  #held = false;
  readonly #gate: Gate;
  /** Whether the emission is an Unlock (or undefined). */
  readonly #emitsUnlock: boolean;
  constructor(gate: Gate, subscriber: Subscriber<any>, emitsUnlock: boolean) {
    super(subscriber);
    this.#gate = gate;
    this.#emitsUnlock = emitsUnlock;
  }
  /** The hold counts from the grant; the emission goes through the trampoline. */
  override commit(): void {
    this.#held = true;
    super.commit();
  }
  override deliver(arg: unknown): void {
    if (arg !== COMMITTED) return this.subscriber.error(arg);
    // Released before the emission came round (the subscriber left): nothing to emit.
    if (!this.#held) return;
    this.subscriber.next(this.#emitsUnlock ? makeUnlock(this, this.weight) : undefined);
  }
  /** Releases a granted hold and completes: what the emitted Unlock and the teardown call. */
  give(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#gate.give(this.weight);
    this.subscriber.complete();
  }
  /** Teardown: withdraws a pending hold, or releases a granted one. */
  override unsubscribe(): void {
    if (this.queue !== null) withdraw(this);
    else this.give();
  }
}

/** The Observable face of a gate: cold, emits once when granted, holds until unsubscribed. */
export function gate$<T>(gate: Gate, n: number, emitsUnlock: boolean): Observable<T> {
  return new Observable<T>((subscriber) => {
    const w = new HoldWaiter(gate, subscriber, emitsUnlock);
    w.weight = n;
    if (gate.take(n)) w.commit();
    else gate.park(w);
    return w;
  });
}

/** Runs `fn` holding `n` of `gate`, releasing when it settles: the `with…` helpers. */
export function withGate<R>(
  gate: Gate,
  n: number,
  fn: () => R | PromiseLike<R>,
  cancel: Cancel | undefined,
): Promise<Awaited<R>> {
  // Not an async function: a bad `cancel` throws at the call, before anything is parked.
  return gatePromise(gate, n, cancel, voidShape).then(() => holding(gate, n, fn));
}

async function holding<R>(gate: Gate, n: number, fn: () => R | PromiseLike<R>): Promise<Awaited<R>> {
  try {
    return await fn();
  } finally {
    gate.give(n);
  }
}
