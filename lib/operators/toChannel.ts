// toChannel: a receive channel fed by any ObservableInput, with real backpressure for pull sources
// and an explicit overflow policy for push sources.
//
// The bridge is a receive port with its own buffer, like a channel whose only sender is the
// forwarding goroutine `go func() { for v := range src { out <- v } }()`: `pending` is that
// goroutine's value in hand, blocked in `out <- v`.
//
// Invariants (those of Go's channel, CH7):
// - pending set ⇒ buffer full; recvq non-empty ⇒ buffer empty and pending unset;
// - a pull source is asked for one value at a time, only while pending is unset, so at most
//   capacity + 1 values were pulled and not yet received;
// - a push source is asked for everything; a value that finds no receiver and no room goes
//   through the overflow policy (the buffer exceeds capacity only under 'unbounded');
// - `ended`: no value will enter any more (source done, overflow error, ctx done); receivers see
//   the close (or its error) once the buffer and pending are drained.
import type { ObservableInput } from 'rxjs';
import { ReceivePort } from '../channel/ReceivePort.js';
import type { ReceiveChannel } from '../channel/types.js';
import type { Context } from '../context/Context.js';
import { BufferOverflowError } from '../errors.js';
import { BLOCKED, type CallbackWaiter, CLOSED, type Token } from '../internal/blocking.js';
import { toToken } from '../internal/cancel.js';
import { Ring } from '../internal/Ring.js';
import { commitSafely, failSafely } from '../internal/trampoline.js';
import { count, options, present, show } from '../internal/validate.js';
import { type Waiter, WaitQueue } from '../internal/WaitQueue.js';
import { type Feed, guard, openFeed, unwatch } from './internal.js';

/**
 * What a bridge does with a pushed value that finds neither a waiting receiver nor room:
 * `'error'` closes the channel with `BufferOverflowError` (after the values it accepted) and
 * unsubscribes the source; `'drop-newest'` drops that value; `'drop-oldest'` drops the oldest
 * buffered value to make room (with capacity 0, the value itself); `'unbounded'` buffers it.
 */
export type Overflow = 'error' | 'drop-newest' | 'drop-oldest' | 'unbounded';

/** Options of {@link toChannel}. */
export interface ToChannelOptions {
  /** The buffer size (default 16). */
  capacity?: number;
  /** The policy for a push source that finds the buffer full (default 'error'). */
  overflow?: Overflow;
  /** When it is done, the source is released and the channel closed with `ctx.err`. */
  ctx?: Context | AbortSignal;
}

const POLICIES: readonly Overflow[] = ['error', 'drop-newest', 'drop-oldest', 'unbounded'];
const NONE: unique symbol = Symbol('NONE');
const NO_ERROR: unique symbol = Symbol('NO_ERROR');

/**
 * A receive channel fed by `source`, started at the call like Go's `go func() { … }()`, so no
 * value of a hot source is missed.
 *
 * A pull source (a gorx channel, the output of a gorx operator, an iterable, an async iterable,
 * a Promise) is pulled only when the channel has room: at most `capacity + 1` values ahead of its
 * receivers, the extra one being the value in hand of Go's forwarding goroutine. A push
 * Observable cannot be paused: a value that finds neither a waiting receiver nor room is handled
 * by `overflow` (see {@link Overflow}). The source completing closes the channel; its error
 * closes it with that error, after the buffered values. When `opts.ctx` is done the source is
 * unsubscribed (an iterator is returned) and the channel closed with `ctx.err`.
 *
 * ```text
 * source         -a-b-c-d-|         capacity 2
 * 'error'        ----------(ab#)    subscribed at frame 10; source unsubscribed at c
 * 'drop-newest'  ----------(ab|)
 * 'drop-oldest'  ----------(cd|)
 * 'unbounded'    ----------(abcd|)
 * ```
 *
 * @example
 * ```ts
 * import { toChannel } from 'gorx';
 *
 * function* naturals() {
 *   for (let i = 0; ; i++) yield i;
 * }
 * const ch = toChannel(naturals(), { capacity: 4 }); // pulls 0 … 4, then waits for room
 * console.log((await ch.recv()).value); // 0
 * ```
 * @throws RangeError for a bad `capacity`; TypeError for a missing source, an unknown policy, a
 * non-number `capacity`, or an `opts.ctx` that is neither a Context nor an AbortSignal.
 * Go: `go func() { defer close(out); for v := range src { out <- v } }()`. Rules: CH3, CH7, CH11, CH19, G5.
 */
export function toChannel<T>(source: ObservableInput<T>, opts?: ToChannelOptions): ReceiveChannel<T> {
  present('toChannel', 'source', source);
  options('toChannel', opts);
  const capacity = count('toChannel', 'capacity', opts?.capacity === undefined ? 16 : opts.capacity);
  const overflow = opts?.overflow ?? 'error';
  if (!POLICIES.includes(overflow)) {
    throw new TypeError(`toChannel: overflow must be one of ${POLICIES.join(', ')}, got ${show(overflow)}`);
  }
  return new Bridge(source, capacity, overflow, toToken(opts?.ctx, 'toChannel'));
}

/** @internal */
export class Bridge<T> extends ReceivePort<T> {
  declare readonly capacity: number;
  readonly #overflow: Overflow;
  readonly #buf: Ring<T>;
  readonly #recvq = new WaitQueue();
  readonly #feed: Feed;
  #pending: T | typeof NONE = NONE;
  #asked = false;
  #ended = false;
  #error: unknown = NO_ERROR;
  #watcher: CallbackWaiter | null = null;

  constructor(source: ObservableInput<T>, capacity: number, overflow: Overflow, token: Token | null) {
    super();
    this.capacity = capacity;
    this.#overflow = overflow;
    this.#buf = new Ring<T>(Math.min(capacity, 16));
    this.#feed = openFeed(source, {
      next: (value) => this.#accept(value),
      error: (error) => this.#end(error),
      complete: () => this.#end(undefined),
    });
    this.#watcher = guard(token, (error) => this.#end(error));
    if (this.#feed.pull) this.#fill();
    else if (!this.#ended) this.#feed.request(Number.POSITIVE_INFINITY);
  }

  /** The number of buffered values (a value in hand is not counted, as Go's blocked senders). */
  get length(): number {
    return this.#buf.length;
  }

  /** Asks a pull source for one more value when there is no value in hand. */
  #fill(): void {
    if (this.#ended || this.#asked || this.#pending !== NONE) return;
    this.#asked = true;
    this.#feed.request(1);
  }

  #accept(value: T): void {
    this.#asked = false;
    if (this.#ended) return;
    const w = this.#recvq.shift();
    if (w !== null) {
      w.value = value;
      w.ok = true;
      commitSafely(w);
    } else if (this.#buf.length < this.capacity) this.#buf.push(value);
    else if (this.#feed.pull) this.#pending = value;
    else this.#overflowed(value);
    if (this.#feed.pull) this.#fill();
  }

  #overflowed(value: T): void {
    switch (this.#overflow) {
      case 'unbounded':
        return this.#buf.push(value);
      case 'drop-oldest':
        if (this.capacity > 0) {
          this.#buf.shift();
          this.#buf.push(value);
        }
        return;
      case 'drop-newest':
        return;
      default:
        this.#end(new BufferOverflowError(this.capacity, value));
    }
  }

  /** No value will enter any more: release the source, wake receivers if nothing is left. */
  #end(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    if (error !== undefined) this.#error = error;
    this.#feed.cancel();
    unwatch(this.#watcher);
    for (let w = this.#recvq.shift(); w !== null; w = this.#recvq.shift()) {
      if (error !== undefined) failSafely(w, error);
      else {
        w.value = undefined;
        w.ok = false;
        commitSafely(w);
      }
    }
  }

  /** @internal */
  readyRecv(): boolean {
    return this.#buf.length > 0 || this.#pending !== NONE || this.#ended;
  }

  /** @internal */
  takeNow(): T | BLOCKED | CLOSED {
    const buf = this.#buf;
    let value: T;
    if (buf.length > 0) {
      value = buf.shift();
      if (this.#pending !== NONE) {
        buf.push(this.#pending);
        this.#pending = NONE;
      }
    } else if (this.#pending !== NONE) {
      value = this.#pending;
      this.#pending = NONE;
    } else if (this.#ended) {
      if (this.#error !== NO_ERROR) throw this.#error;
      return CLOSED;
    } else return BLOCKED;
    if (this.#feed.pull) this.#fill();
    return value;
  }

  /** @internal */
  parkRecv(w: Waiter): void {
    this.#recvq.push(w, this);
  }

  /** @internal */
  withdraw(w: Waiter): void {
    w.queue?.unlink(w);
  }
}
