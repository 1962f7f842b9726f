// Demand-driven feeds: how the gorx operators and bridges read their sources. A Feed delivers a
// value to its Sink only while the consumer has asked for one (`request(n)`), so a consumer that
// asks one value at a time pulls a gorx source exactly as fast as it can use it.
//
// - a receive port (a channel, a bridge, a context's done, of this or another copy of gorx, by its
//   brand) is received from only on demand: the feed is itself the Waiter it parks (PortFeed), so
//   a blocked feed costs nothing per value;
// - a GorxSource (the output of workerPool, sendTo, cancelWith, of any copy) is opened with the
//   same protocol, so demand flows upstream through a chain of gorx operators;
// - iterables and async iterables are pulled one `next()` per requested value;
// - any other ObservableInput cannot be paused: its values queue while there is no demand, as
//   pending inputs queue in RxJS's mergeMap (PushFeed).
//
// Invariants:
// - a feed calls its sink only inside `request` or inside a commit/emission of its source, never
//   during `openFeed`; after complete, error or cancel it calls nothing more;
// - re-entrant `request` calls made from inside `sink.next` only add demand: the active loop
//   delivers the next value, so a synchronous source of any length cannot grow the stack.
import { from, Observable, type ObservableInput, type Subscriber, type Subscription, takeWhile } from 'rxjs';
import { BLOCKED, CallbackWaiter, CLOSED, type RecvCore, type Token } from '../internal/blocking.js';
import { isRecvPort, isSource, PROTOCOL, SOURCE } from '../internal/brand.js';
import { Ring } from '../internal/Ring.js';
import { reportPanic } from '../internal/report.js';
import { COMMITTED, type Delivery, deliver, release, takeHolding } from '../internal/trampoline.js';
import { Waiter, withdraw } from '../internal/WaitQueue.js';

/** Where a feed delivers: a Subscriber is one. */
export interface Sink<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

/** A subscription with demand. */
export interface Feed {
  /** Whether values wait at the source while there is no demand (false: they are pushed). */
  readonly pull: boolean;
  /** Adds demand for `n` more values (Infinity: as many as come). Starts the feed on first use. */
  request(n: number): void;
  /** Stops the feed: withdraws a parked receive, unsubscribes, returns an iterator. Idempotent. */
  cancel(): void;
}

function subscribeFeed<T>(this: GorxSource<T>, subscriber: Subscriber<T>): () => void {
  const feed = this.open(subscriber);
  feed.request(Infinity);
  return () => feed.cancel();
}

/**
 * An Observable that gorx operators can also open with demand: the output of workerPool, sendTo
 * and cancelWith. Subscribing to it is an ordinary subscription with unlimited demand.
 * @internal
 */
export class GorxSource<T> extends Observable<T> {
  /** A feed over this source; inert until its first `request`. */
  declare readonly open: (sink: Sink<T>) => Feed;
  constructor(open: (sink: Sink<T>) => Feed) {
    super(subscribeFeed as (this: Observable<T>, subscriber: Subscriber<T>) => () => void);
    this.open = open;
  }
  /** The cross-copy brand (internal/brand.ts). */
  get [SOURCE](): number {
    return PROTOCOL;
  }
}

/** Opens `source` with demand, choosing the feed by the kind of source. */
export function openFeed<T>(source: ObservableInput<T>, sink: Sink<T>): Feed {
  if (isRecvPort(source)) return new PortFeed(source, sink);
  if (isSource(source)) return (source as GorxSource<T>).open(sink);
  if (source instanceof Observable || typeof source !== 'object' || source === null) {
    return new PushFeed(source, sink, false);
  }
  if (typeof (source as PromiseLike<T>).then === 'function') return new PushFeed(source, sink, true);
  if (typeof (source as Iterable<T>)[Symbol.iterator] === 'function')
    return new IterFeed(source as Iterable<T>, sink);
  if (typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') {
    return new AsyncIterFeed(source as AsyncIterable<T>, sink);
  }
  return new PushFeed(source, sink, false);
}

/**
 * The one delivery loop of every feed: while there is demand, take a value from the source and
 * deliver it. A value that arrives later (a committed receive, a settled `next()`) is `held`
 * and delivered by the next turn of the loop. A feed is a Waiter so that a port feed parks
 * itself (PortFeed); the others never park.
 */
abstract class Feeder<T, S> extends Waiter implements Feed {
  declare readonly src: S;
  declare readonly pull: boolean;
  stopped = false;
  /** A value (or CLOSED) that arrived while the loop waited; BLOCKED when there is none. */
  held: T | BLOCKED | CLOSED = BLOCKED;
  readonly #sink: Sink<T>;
  #demand = 0;
  #draining = false;

  constructor(src: S, sink: Sink<T>, pull = true) {
    super();
    this.src = src;
    this.#sink = sink;
    this.pull = pull;
  }

  /** The next value, CLOSED at the end, or BLOCKED until `held` is set; may throw. */
  abstract take(): T | BLOCKED | CLOSED;
  /** Releases the source once the feed is cancelled. */
  abstract close(): void;

  request(n: number): void {
    this.#demand += n;
    this.drain();
  }

  drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    while (!this.stopped) {
      // A held CLOSED ends the feed with or without demand; a value needs demand.
      let r = this.held;
      this.held = BLOCKED;
      if (r === BLOCKED) {
        if (this.#demand <= 0) break;
        try {
          r = this.take();
        } catch (error) {
          this.fail(error);
          break;
        }
        if (r === BLOCKED) break;
      }
      if (r === CLOSED) {
        this.stopped = true;
        this.#sink.complete();
        break;
      }
      this.#demand--;
      this.#sink.next(r);
      // What the take held back (a parked sender's delivery) runs once the sink has the value.
      release();
    }
    this.#draining = false;
  }

  /** A port feed's receive committed (`ok` false: the port closed). */
  commit(): void {
    this.held = this.ok ? (this.value as T) : CLOSED;
    this.value = undefined;
    this.drain();
  }

  fail(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.#sink.error(error);
  }

  cancel(): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.close();
    } catch (error) {
      // The source failed while being released early: nobody is left to receive the error, so it
      // is reported rather than lost.
      reportPanic(error);
    }
  }
}

/**
 * Receives from a gorx receive port only on demand; the feed is the waiter it parks. A take holds
 * back the deliveries it makes (a parked sender's) until the loop has handed the value on, so the
 * sender's code cannot stop the feed between the two (G5).
 */
class PortFeed<T> extends Feeder<T, RecvCore<T>> {
  take(): T | BLOCKED | CLOSED {
    if (this.queue !== null) return BLOCKED;
    const r = takeHolding(this.src);
    if (r === BLOCKED) this.src.parkRecv(this);
    return r;
  }
  close(): void {
    withdraw(this);
  }
}

/**
 * Subscribes to a push source on the first request; values that arrive without demand queue (as
 * mergeMap's pending inputs do). An error is delivered at once; completion after the queue drains.
 */
class PushFeed<T> extends Feeder<T, ObservableInput<T>> {
  readonly #buf = new Ring<T>();
  #sub: Subscription | null = null;
  #started = false;
  #done = false;

  override request(n: number): void {
    // The demand is counted first, so that a synchronous source delivers as it emits.
    super.request(n);
    if (this.#started || this.stopped) return;
    this.#started = true;
    // takeWhile lets a synchronous source stop as soon as this feed is cancelled.
    this.#sub = from(this.src)
      .pipe(takeWhile(() => !this.stopped))
      .subscribe({
        next: (value) => {
          this.#buf.push(value);
          this.drain();
        },
        error: (error) => this.fail(error),
        complete: () => {
          this.#done = true;
          if (this.#buf.length === 0) this.held = CLOSED;
          this.drain();
        },
      });
    if (this.stopped) this.#sub.unsubscribe();
  }
  take(): T | BLOCKED {
    const buf = this.#buf;
    if (buf.length === 0) return BLOCKED;
    const value = buf.shift();
    // The completion of the source follows its last value, with or without demand.
    if (buf.length === 0 && this.#done) this.held = CLOSED;
    return value;
  }
  close(): void {
    this.#sub?.unsubscribe();
  }
}

/** Pulls a synchronous iterable: one `next()` per requested value, in a loop. */
class IterFeed<T> extends Feeder<T, Iterable<T>> {
  #it: Iterator<T> | null = null;
  take(): T | CLOSED {
    const r = (this.#it ??= this.src[Symbol.iterator]()).next();
    return r.done ? CLOSED : r.value;
  }
  close(): void {
    this.#it?.return?.();
  }
}

/** Pulls an async iterable: at most one `next()` in flight, only while there is demand. */
class AsyncIterFeed<T> extends Feeder<T, AsyncIterable<T>> {
  #it: AsyncIterator<T> | null = null;
  #inFlight = false;
  take(): BLOCKED {
    if (this.#inFlight) return BLOCKED;
    this.#inFlight = true;
    (this.#it ??= this.src[Symbol.asyncIterator]()).next().then(
      (r) => {
        this.#inFlight = false;
        this.held = r.done ? CLOSED : r.value;
        this.drain();
      },
      (error: unknown) => this.fail(error),
    );
    return BLOCKED;
  }
  close(): void {
    this.#it?.return?.().then(undefined, reportPanic);
  }
}

/** What a Relay reports to: its owner's send committed, or failed. */
export interface SendOwner {
  sent(): void;
  lost(error: unknown): void;
}

/**
 * The one parked send of an operator that sends values on a channel, one at a time. Its owner
 * hears of the commit through the trampoline, as a `send$` subscriber does: a receiver that takes
 * the value holds the report back until it has emitted it (G5).
 */
export class Relay extends Waiter implements Delivery {
  declare readonly owner: SendOwner;
  constructor(owner: SendOwner) {
    super();
    this.owner = owner;
  }
  commit(): void {
    deliver(this, COMMITTED);
  }
  fail(error: unknown): void {
    deliver(this, error);
  }
  deliver(arg: unknown): void {
    if (arg === COMMITTED) this.owner.sent();
    else this.owner.lost(arg);
  }
}

/**
 * Starts an operator's watch of its token: `fail(token.err)` when the token is done, at once if it
 * already is (then nothing is parked). Returns the waiter parked on the token's `done`, to
 * `withdraw` when no longer interested; null when nothing is parked (or the token can never fire).
 */
export function guard(token: Token | null, fail: (error: unknown) => void): CallbackWaiter | null {
  if (token === null) return null;
  if (token.err !== undefined) {
    fail(token.err);
    return null;
  }
  const w = new CallbackWaiter(() => fail(token.err));
  (token.done as RecvCore<never>).parkRecv(w);
  return w;
}
