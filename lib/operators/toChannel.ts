// toChannel: a receive channel fed by any ObservableInput, with real backpressure for pull sources
// and an explicit overflow policy for push sources.
//
// The result is a Channel whose only sender is a forwarder, Go's forwarding goroutine
// `go func() { for v := range src { out <- v } }()`: a value it cannot hand over or buffer is
// that goroutine's value in hand, its send parked in the channel's send queue.
//
// Invariants (the channel keeps CH7):
// - a pull source is asked for one value at a time, only once the previous value was sent, so at
//   most capacity + 1 values were pulled and not yet received;
// - a push source is asked for everything; a value that finds no receiver and no room goes
//   through the overflow policy (the buffer exceeds capacity only under 'unbounded');
// - `ended`: no value will enter any more (source done, overflow error, ctx done); the channel is
//   closed then, or once the value in hand was sent, so receivers see the close (or its error)
//   after every value taken from the source.
import type { ObservableInput } from 'rxjs';
import { Channel } from '../channel/Channel.js';
import type { ReceiveChannel } from '../channel/types.js';
import type { Context } from '../context/Context.js';
import { BufferOverflowError } from '../errors.js';
import type { CallbackWaiter } from '../internal/blocking.js';
import { toToken } from '../internal/cancel.js';
import { reportPanic } from '../internal/report.js';
import { count, options, present, show } from '../internal/validate.js';
import { withdraw } from '../internal/WaitQueue.js';
import { type Feed, guard, openFeed, Relay, type SendOwner, type Sink } from './internal.js';

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
  const token = toToken(opts?.ctx, 'toChannel');
  const out = new Channel<T>(capacity);
  let watcher: CallbackWaiter | null = null;
  const forwarder = new Forwarder(source, out, overflow, (error) => {
    withdraw(watcher);
    if (!out.closed) out.close(error);
  });
  watcher = guard(token, (error) => forwarder.stop(error));
  forwarder.start();
  return out;
}

/**
 * Go's forwarding goroutine `for v := range src { out <- v }`: takes a value from `source`, sends
 * it on `out`, and asks a pull source for the next one only once it was sent; a push source's
 * value that cannot be sent at once goes through `overflow`. `end` runs once, when the source has
 * ended (with its error, undefined for none) or the forwarder was stopped, and the value taken
 * from the source, if any, was sent. toChannel and fanIn are made of forwarders.
 * @internal
 */
export class Forwarder<T> implements Sink<T>, SendOwner {
  readonly #out: Channel<T>;
  readonly #overflow: Overflow;
  readonly #end: (error: unknown) => void;
  readonly #feed: Feed;
  readonly #w = new Relay(this);
  #sending = false;
  #ended = false;
  #error: unknown = undefined;

  constructor(
    source: ObservableInput<T>,
    out: Channel<T>,
    overflow: Overflow,
    end: (error: unknown) => void,
  ) {
    this.#out = out;
    this.#overflow = overflow;
    this.#end = end;
    this.#feed = openFeed(source, this);
  }

  start(): void {
    if (!this.#ended) this.#feed.request(this.#feed.pull ? 1 : Infinity);
  }

  next(value: T): void {
    const out = this.#out;
    if (this.#ended) return;
    let sent: boolean;
    try {
      sent = out.offerNow(value);
    } catch (error) {
      return this.lost(error);
    }
    if (sent) {
      if (this.#feed.pull) this.#feed.request(1);
    } else if (this.#feed.pull) {
      this.#sending = true;
      this.#w.value = value;
      out.parkSend(this.#w);
    } else this.#overflowed(value);
  }

  #overflowed(value: T): void {
    const { capacity } = this.#out;
    switch (this.#overflow) {
      case 'unbounded':
        return this.#out.queues()[0].push(value);
      case 'drop-oldest':
        if (capacity > 0) {
          const buf = this.#out.queues()[0];
          buf.shift();
          buf.push(value);
        }
        return;
      case 'drop-newest':
        return;
      default:
        this.stop(new BufferOverflowError(capacity, value));
    }
  }

  sent(): void {
    this.#sending = false;
    if (this.#ended) this.#end(this.#error);
    else this.#feed.request(1);
  }

  /** `out` was closed by a foreign hand, under the parked send or before it: the value is lost. */
  lost(error: unknown): void {
    reportPanic(error);
    this.#sending = false;
    if (this.#ended) this.#end(this.#error);
    else this.stop(undefined);
  }

  /** Takes nothing more; ends once the value in hand, if any, was sent. Idempotent. */
  stop(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#feed.cancel();
    if (!this.#sending) this.#end(error);
  }

  error(error: unknown): void {
    this.stop(error);
  }

  complete(): void {
    this.stop(undefined);
  }
}
