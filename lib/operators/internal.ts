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
  feed.request(Number.POSITIVE_INFINITY);
  return () => feed.cancel();
}

/**
 * An Observable that gorx operators can also open with demand: the output of workerPool, sendTo
 * and cancelWith. Subscribing to it is an ordinary subscription with unlimited demand.
 * @internal
 */
export abstract class GorxSource<T> extends Observable<T> {
  constructor() {
    super(subscribeFeed as (this: Observable<T>, subscriber: Subscriber<T>) => () => void);
  }
  /** A feed over this source; inert until its first `request`. */
  abstract open(sink: Sink<T>): Feed;
  /** The cross-copy brand (internal/brand.ts). */
  get [SOURCE](): number {
    return PROTOCOL;
  }
}

/** Opens `source` with demand, choosing the feed by the kind of source. */
export function openFeed<T>(source: ObservableInput<T>, sink: Sink<T>): Feed {
  if (isRecvPort(source)) return new PortFeed(source as RecvCore<T>, sink);
  if (isSource(source)) return (source as GorxSource<T>).open(sink);
  if (source instanceof Observable || typeof source !== 'object' || source === null) {
    return new PushFeed(source, sink, false);
  }
  if (typeof (source as PromiseLike<T>).then === 'function') return new PushFeed(source, sink, true);
  if (typeof (source as Iterable<T>)[Symbol.iterator] === 'function') {
    return new IterFeed(source as Iterable<T>, sink);
  }
  if (typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') {
    return new AsyncIterFeed(source as AsyncIterable<T>, sink);
  }
  return new PushFeed(source, sink, false);
}

/** Receives from a gorx receive port only on demand; the feed is the waiter it parks. */
class PortFeed<T> extends Waiter implements Feed {
  readonly pull = true;
  demand = 0;
  draining = false;
  stopped = false;
  declare readonly src: RecvCore<T>;
  declare readonly sink: Sink<T>;

  constructor(src: RecvCore<T>, sink: Sink<T>) {
    super();
    this.src = src;
    this.sink = sink;
  }

  request(n: number): void {
    this.demand += n;
    this.drain();
  }

  drain(): void {
    if (this.draining || this.queue !== null) return;
    this.draining = true;
    const { src, sink } = this;
    while (this.demand > 0 && !this.stopped) {
      let r: T | BLOCKED | CLOSED;
      try {
        r = src.takeNow();
      } catch (error) {
        this.stopped = true;
        sink.error(error);
        break;
      }
      if (r === BLOCKED) {
        src.parkRecv(this);
        break;
      }
      if (r === CLOSED) {
        this.stopped = true;
        sink.complete();
        break;
      }
      this.demand--;
      sink.next(r);
    }
    this.draining = false;
  }

  commit(): void {
    if (this.stopped) return;
    if (!this.ok) {
      this.stopped = true;
      return this.sink.complete();
    }
    const value = this.value as T;
    this.value = undefined;
    this.demand--;
    this.draining = true;
    this.sink.next(value);
    this.draining = false;
    this.drain();
  }

  fail(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.sink.error(error);
  }

  cancel(): void {
    this.stopped = true;
    withdraw(this);
  }
}

/**
 * Subscribes to a push source on the first request; values that arrive without demand queue (as
 * mergeMap's pending inputs do). An error is delivered at once; completion after the queue drains.
 */
class PushFeed<T> implements Feed {
  demand = 0;
  draining = false;
  stopped = false;
  done = false;
  queue: Ring<T> | null = null;
  started = false;
  sub: Subscription | null = null;
  declare readonly source: ObservableInput<T>;
  declare readonly sink: Sink<T>;
  declare readonly pull: boolean;

  constructor(source: ObservableInput<T>, sink: Sink<T>, pull: boolean) {
    this.source = source;
    this.sink = sink;
    this.pull = pull;
  }

  request(n: number): void {
    this.demand += n;
    if (this.started || this.stopped) return this.drain();
    this.started = true;
    // takeWhile lets a synchronous source stop as soon as this feed is cancelled.
    this.sub = from(this.source)
      .pipe(takeWhile(() => !this.stopped))
      .subscribe({
        next: (value) => this.push(value),
        error: (error) => this.fail(error),
        complete: () => {
          this.done = true;
          this.drain();
        },
      });
    if (this.stopped) this.sub.unsubscribe();
  }

  push(value: T): void {
    if (this.stopped) return;
    const queue = this.queue;
    if (this.demand > 0 && !this.draining && (queue === null || queue.length === 0)) {
      this.demand--;
      this.draining = true;
      this.sink.next(value);
      this.draining = false;
      return this.drain();
    }
    (this.queue ??= new Ring<T>()).push(value);
  }

  drain(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    const queue = this.queue;
    if (queue !== null) {
      while (this.demand > 0 && queue.length > 0 && !this.stopped) {
        this.demand--;
        this.sink.next(queue.shift());
      }
    }
    this.draining = false;
    if (this.done && !this.stopped && (queue === null || queue.length === 0)) {
      this.stopped = true;
      this.sink.complete();
    }
  }

  fail(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue = null;
    this.sink.error(error);
  }

  cancel(): void {
    this.stopped = true;
    this.queue = null;
    this.sub?.unsubscribe();
  }
}

/** Pulls a synchronous iterable: one `next()` per requested value, in a loop. */
class IterFeed<T> implements Feed {
  readonly pull = true;
  demand = 0;
  draining = false;
  stopped = false;
  it: Iterator<T> | null = null;
  declare readonly source: Iterable<T>;
  declare readonly sink: Sink<T>;

  constructor(source: Iterable<T>, sink: Sink<T>) {
    this.source = source;
    this.sink = sink;
  }

  request(n: number): void {
    this.demand += n;
    if (this.draining) return;
    this.draining = true;
    while (this.demand > 0 && !this.stopped) {
      let r: IteratorResult<T>;
      try {
        this.it ??= this.source[Symbol.iterator]();
        r = this.it.next();
      } catch (error) {
        this.stopped = true;
        this.sink.error(error);
        break;
      }
      if (r.done) {
        this.stopped = true;
        this.sink.complete();
        break;
      }
      this.demand--;
      this.sink.next(r.value);
    }
    this.draining = false;
  }

  cancel(): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.it?.return?.();
    } catch {
      // The iterator failed while being closed early: nobody is left to receive the error.
    }
  }
}

/** Pulls an async iterable: at most one `next()` in flight, only while there is demand. */
class AsyncIterFeed<T> implements Feed {
  readonly pull = true;
  demand = 0;
  inFlight = false;
  stopped = false;
  it: AsyncIterator<T> | null = null;
  declare readonly source: AsyncIterable<T>;
  declare readonly sink: Sink<T>;

  constructor(source: AsyncIterable<T>, sink: Sink<T>) {
    this.source = source;
    this.sink = sink;
  }

  request(n: number): void {
    this.demand += n;
    this.pump();
  }

  pump(): void {
    if (this.inFlight || this.stopped || this.demand <= 0) return;
    this.inFlight = true;
    try {
      this.it ??= this.source[Symbol.asyncIterator]();
      this.it.next().then(this.onResult, this.onError);
    } catch (error) {
      this.onError(error);
    }
  }

  readonly onResult = (r: IteratorResult<T>): void => {
    this.inFlight = false;
    if (this.stopped) return;
    if (r.done) {
      this.stopped = true;
      return this.sink.complete();
    }
    this.demand--;
    this.sink.next(r.value);
    this.pump();
  };

  readonly onError = (error: unknown): void => {
    this.inFlight = false;
    if (this.stopped) return;
    this.stopped = true;
    this.sink.error(error);
  };

  cancel(): void {
    if (this.stopped) return;
    this.stopped = true;
    const it = this.it;
    if (it?.return !== undefined) it.return().then(undefined, () => {});
  }
}

/**
 * Parks a waiter on the token's `done` that runs `onDone` when the token fires; null when the
 * token can never fire. Withdraw it with `withdraw` when no longer interested.
 */
export function watch(token: Token | null, onDone: () => void): CallbackWaiter | null {
  if (token === null) return null;
  const w = new CallbackWaiter(onDone);
  (token.done as RecvCore<never>).parkRecv(w);
  return w;
}
