// One core, three faces. A blocking operation is written once as synchronous core functions
// (try now, park a waiter, withdraw it); this file turns a core into the eager Promise face, the
// cold Observable face and the synchronous try face.
//
// - Promise face: try; if blocked, park a PromiseWaiter. With a cancellation token the waiter is
//   paired with a GuardWaiter parked on the token's `done` channel: a two-case select, whichever
//   commits first withdraws the other before anything is settled (T9, G5).
// - Observable face: nothing at call time; on subscribe, try (emit and complete in the same
//   synchronous step), else park a SubscriberWaiter that emits when committed; unsubscribing
//   withdraws it. No Promise, no microtask (RX2). A receive that takes on its own holds back the
//   deliveries its take makes (the parked sender's) until it has emitted (trampoline.ts), so the
//   sender's code cannot unsubscribe it between the take and the emission (G5).
// - try face: the core's try function.
import type { Subscriber } from 'rxjs';
import type { RecvResult } from '../channel/types.js';
import { noop } from './report.js';
import { fairness, rejected, resolved, settle } from './resume.js';
import { COMMITTED, type Delivery, deliver, release, takeHolding } from './trampoline.js';
import { type Port, type Waiter as W, Waiter, withdraw } from './WaitQueue.js';

// The two sentinels are part of the port protocol that copies of gorx speak to each other
// (brand.ts), so they are the same in every copy: keyed by Symbol.for.
/** Nothing is ready: the operation would block. */
export const BLOCKED: unique symbol = Symbol.for('gorx.blocked') as never;
export type BLOCKED = typeof BLOCKED;
/** The channel is closed and drained. */
export const CLOSED: unique symbol = Symbol.for('gorx.closed') as never;
export type CLOSED = typeof CLOSED;

/** The receive side of a primitive, as the faces and select drive it. */
export interface RecvCore<T> extends Port {
  /** Whether `takeNow` would not return BLOCKED. */
  readyRecv(): boolean;
  /** Takes a value now; CLOSED when closed and drained; throws a close error after draining. */
  takeNow(): T | BLOCKED | CLOSED;
  parkRecv(w: W): void;
}

/** The send side of a primitive. */
export interface SendCore<T> extends Port {
  /** Whether `offerNow` would not return false (a closed channel counts as ready, SE8). */
  readySend(): boolean;
  /** Sends now if a receiver waits or there is room; throws ClosedChannelError if closed. */
  offerNow(value: T): boolean;
  /** Parks `w`, whose `value` is the value offered. */
  parkSend(w: W): void;
}

/** The token side of a cancellable wait: a context, already normalised. */
export interface Token {
  readonly err: unknown;
  readonly done: unknown;
}

export const CLOSED_RESULT: RecvResult<never> = Object.freeze({ value: undefined, ok: false });

/** Turns a committed waiter (value, ok) into what the Promise resolves with; `value` counts only when `ok`. */
export type Shape = (value: any, ok: boolean) => unknown;

export const recvShape: Shape = (value, ok) => (ok ? { value, ok: true } : CLOSED_RESULT);
export const voidShape: Shape = noop;

/** A waiter whose commit settles a Promise. */
export class PromiseWaiter extends Waiter {
  declare resolve: (value: unknown) => void;
  declare reject: (error: unknown) => void;
  declare guard: GuardWaiter | null;
  declare readonly shape: Shape;
  constructor(shape: Shape) {
    super();
    this.resolve = noop;
    this.reject = noop;
    this.guard = null;
    this.shape = shape;
  }
  commit(): void {
    withdraw(this.guard);
    settle(this.resolve, this.shape(this.value, this.ok));
  }
  fail(error: unknown): void {
    withdraw(this.guard);
    settle(this.reject, error);
  }
}

/** The cancellation half of a cancellable Promise wait, parked on the token's `done`. */
class GuardWaiter extends Waiter {
  declare readonly target: PromiseWaiter;
  declare readonly token: Token;
  constructor(target: PromiseWaiter, token: Token) {
    super();
    this.target = target;
    this.token = token;
  }
  commit(): void {
    // The wait fails with the token's error (its guard, this waiter, is already out of its queue).
    withdraw(this.target);
    this.target.fail(this.token.err);
  }
  fail(): void {
    this.commit();
  }
}

/**
 * The Promise of an already parked waiter; with a token, its guard is parked on the token's
 * `done`. Parking never commits synchronously, so the Promise exists before any commit.
 */
export function waiterPromise(w: PromiseWaiter, token: Token | null): Promise<any> {
  return new Promise((resolve, reject) => {
    w.resolve = resolve;
    w.reject = reject;
    if (token !== null) {
      const guard = new GuardWaiter(w, token);
      w.guard = guard;
      (token.done as RecvCore<never>).parkRecv(guard);
    }
  });
}

/**
 * Receive as a Promise: `shape` builds the result (`RecvResult`, an iterator result, …). A receive
 * that has to wait is added to `parked` when given (an async iterator withdraws them on `return`).
 */
export function recvPromise<T>(
  core: RecvCore<T>,
  token: Token | null,
  shape: Shape,
  parked?: PromiseWaiter[],
): Promise<any> {
  if (token !== null && token.err !== undefined) return rejected(token.err);
  let r: T | BLOCKED | CLOSED;
  try {
    r = core.takeNow();
  } catch (error) {
    return rejected(error);
  }
  if (r === BLOCKED) {
    const w = new PromiseWaiter(shape);
    parked?.push(w);
    core.parkRecv(w);
    return waiterPromise(w, token);
  }
  // The common result, settled as `resolved` would settle it, but built in place: V8 then knows
  // it has no `then`, and the receive runs a fifth faster than through `resolved`.
  if (r !== CLOSED && shape === recvShape && fairness.budget > 0) {
    fairness.budget--;
    return Promise.resolve({ value: r, ok: true });
  }
  return resolved(shape(r, r !== CLOSED));
}

/** Send as a Promise. */
export function sendPromise<T>(core: SendCore<T>, value: T, token: Token | null): Promise<void> {
  if (token !== null && token.err !== undefined) return rejected(token.err);
  try {
    if (core.offerNow(value)) return resolved(undefined);
  } catch (error) {
    return rejected(error);
  }
  const w = new PromiseWaiter(voidShape);
  w.value = value;
  core.parkSend(w);
  return waiterPromise(w, token);
}

/**
 * A waiter whose commit emits to a subscriber: once, then completes it (recv$, send$), or, when it
 * ranges over a port, value after value until the port is closed and drained. The emission runs
 * user code, so it goes through the trampoline: a chain of subscribers that hand off to each other
 * in `next` never grows the stack. A ranging waiter re-parks itself, so ranging allocates nothing
 * per value, and it loops instead of recursing, so a synchronous producer cannot grow the stack.
 */
export class SubscriberWaiter extends Waiter implements Delivery {
  declare readonly subscriber: Subscriber<any>;
  /** The port ranged over; null for one operation. */
  declare readonly ranging: RecvCore<any> | null;
  constructor(subscriber: Subscriber<any>, ranging: RecvCore<any> | null = null) {
    super();
    this.subscriber = subscriber;
    this.ranging = ranging;
  }
  commit(): void {
    deliver(this, COMMITTED);
  }
  fail(error: unknown): void {
    deliver(this, error);
  }
  deliver(arg: unknown): void {
    const { subscriber } = this;
    if (arg !== COMMITTED) return subscriber.error(arg);
    if (!this.ok) return subscriber.complete();
    // A committed send's value was cleared by the port that took it, so a send emits undefined.
    const value = this.value;
    this.value = undefined;
    subscriber.next(value);
    if (this.ranging === null) return subscriber.complete();
    this.pump(this.ranging);
  }
  /**
   * Receives and emits what is ready (one value, or while ranging every value), then parks this
   * waiter for the rest (or ends). The deliveries a take makes (a parked sender's) are held back
   * until the value is emitted (trampoline.ts), so the sender's code runs after the receiver has
   * its value: were it to unsubscribe the receiver first, the value would be lost (G5).
   */
  pump(core: RecvCore<any>): void {
    const { subscriber } = this;
    while (!subscriber.closed) {
      let r: unknown;
      try {
        r = takeHolding(core);
      } catch (error) {
        return subscriber.error(error);
      }
      if (r === BLOCKED) return core.parkRecv(this);
      if (r === CLOSED) return subscriber.complete();
      subscriber.next(r);
      if (this.ranging === null) {
        subscriber.complete();
        return release();
      }
      release();
    }
  }
  /** Teardown: withdraws the operation if it has not happened. */
  unsubscribe(): void {
    withdraw(this);
  }
}

/** Send on subscription: the body of every `send$`. */
export function sendSubscribe<T>(
  core: SendCore<T>,
  value: T,
  subscriber: Subscriber<void>,
): SubscriberWaiter | undefined {
  if (core.offerNow(value)) {
    subscriber.next();
    subscriber.complete();
    return undefined;
  }
  const w = new SubscriberWaiter(subscriber);
  w.value = value;
  core.parkSend(w);
  return w;
}

/**
 * A waiter that calls back into library code when its wait ends, by a commit or a failure alike
 * (context propagation, bridges, afterFunc): each only needs to know that the `done` it waits on
 * is over. The callback may reach user code, so it runs through the trampoline.
 */
export class CallbackWaiter extends Waiter implements Delivery {
  declare readonly callback: () => void;
  constructor(callback: () => void) {
    super();
    this.callback = callback;
  }
  commit(): void {
    deliver(this, COMMITTED);
  }
  fail(error: unknown): void {
    deliver(this, error);
  }
  deliver(): void {
    this.callback();
  }
}
