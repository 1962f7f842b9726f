// A Go channel: a FIFO buffer of `capacity` values plus two FIFO queues of parked operations.
//
// Invariants (Go's runtime/chan.go):
// - buffer non-empty ⇒ recvq empty; buffer not full ⇒ sendq empty (CH7);
// - for capacity 0 the buffer stays empty: a send completes only by a hand-off (CH2, MM2);
// - closed ⇒ sendq empty; recvq non-empty only while not closed (close wakes everyone, CH12);
// - every state change is complete before a waiter is committed, so user code that runs inside
//   a commit (an Observable `next`) may use the channel again (G6).
import { Observable } from 'rxjs';
import { ClosedChannelError } from '../errors.js';
import { BLOCKED, CLOSED, sendPromise, sendSubscribe } from '../internal/blocking.js';
import { PROTOCOL, SEND_PORT } from '../internal/brand.js';
import { toToken } from '../internal/cancel.js';
import { Ring } from '../internal/Ring.js';
import { commitSafely, wakeAll } from '../internal/trampoline.js';
import { count } from '../internal/validate.js';
import { type Waiter, WaitQueue } from '../internal/WaitQueue.js';
import { ReceivePort } from './ReceivePort.js';
import type { Cancel, ReceiveChannel, SendChannel } from './types.js';

/**
 * A Go channel that is also an RxJS Observable. `new Channel<T>()` is unbuffered (a rendezvous);
 * `new Channel<T>(n)` buffers up to `n` values. Every blocking operation has three faces: an eager
 * Promise (`send`, `recv`), a cold Observable (`send$`, `recv$`) and a synchronous try
 * (`trySend`, `tryRecv`).
 *
 * Subscribing ranges over the channel: each subscriber competes for values, the subscription
 * completes when the channel is closed and drained, and errors (after the buffered values) when
 * it was closed with an error. A value leaves the channel only when a consumer takes it.
 *
 * @example
 * ```ts
 * import { Channel, go } from 'gorx';
 *
 * const ch = new Channel<number>();
 * go(async () => {
 *   for (let i = 0; i < 3; i++) await ch.send(i);
 *   ch.close();
 * });
 * for await (const v of ch) console.log(v); // 0 1 2
 * ```
 * Go: `make(chan T, n)`. Rules: CH1–CH19.
 */
export class Channel<T> extends ReceivePort<T> implements SendChannel<T>, ReceiveChannel<T> {
  /** The buffer size fixed at construction; 0 for an unbuffered channel. */
  declare readonly capacity: number;
  #buf: Ring<T> | null;
  readonly #recvq = new WaitQueue();
  readonly #sendq = new WaitQueue();
  #closed = false;
  /** The close error; undefined for none. */
  #error: unknown;
  /**
   * @internal Room held for other threads (threads/home.ts): credits granted to their endpoints,
   * values travelling to them or prefetched there. The buffer takes at most `capacity - held`
   * values, and receivers see the close only once nothing is held.
   */
  held = 0;
  /** @internal Told when a value left the buffer or an operation parked (threads/home.ts). */
  crossing: { wake(): void } | null = null;

  /** @throws RangeError when `capacity` is negative or not an integer (Go: `makechan: size out of range`). */
  constructor(capacity = 0) {
    super();
    this.capacity = count('Channel', 'capacity', capacity);
    this.#buf = capacity > 0 ? new Ring<T>() : null;
  }

  /** @internal The cross-copy brand: the version of the port protocol (internal/brand.ts). */
  get [SEND_PORT](): number {
    return PROTOCOL;
  }

  /** The number of buffered values; blocked senders do not count (CH8). */
  get length(): number {
    return this.#buf?.length ?? 0;
  }

  /**
   * Sends `value`: Go's `ch <- v`. Hands it to a waiting receiver, or buffers it if there is room,
   * or waits in FIFO order. Rejects with `ClosedChannelError` if the channel is or becomes closed
   * before the value was taken; when `cancel` fires first the value was not sent.
   *
   * @example
   * ```ts
   * import { Channel } from 'gorx';
   *
   * const ch = new Channel<string>(1);
   * await ch.send('hello'); // buffered, resolves at once
   * ```
   * @see {@link Channel.send$} and {@link Channel.trySend}.
   * Go: `ch <- v`. Rules: CH2, CH3, CH5, CH9, CH12, G2, T9.
   */
  send(value: T, cancel?: Cancel): Promise<void> {
    return sendPromise(this, value, toToken(cancel));
  }

  /**
   * Sends on subscription, as a cold Observable that emits `undefined` once the value was taken
   * or buffered, then completes. Unsubscribing before that withdraws the send: the value was not
   * sent. Errors with `ClosedChannelError` on a closed channel.
   *
   * ```text
   * recv$()     ----(a|)
   * send$(a)    ----(u|)
   * ```
   *
   * @example
   * ```ts
   * import { Channel } from 'gorx';
   *
   * const ch = new Channel<number>(1);
   * ch.send$(1).subscribe({ complete: () => console.log('sent') });
   * ```
   * Go: `ch <- v`. Rules: CH2, RX2.
   */
  send$(value: T): Observable<void> {
    return new Observable<void>((subscriber) => sendSubscribe(this, value, subscriber));
  }

  /**
   * Sends only if a receiver is waiting or the buffer has room: Go's `select` with `default`.
   *
   * @example
   * ```ts
   * import { Channel } from 'gorx';
   *
   * const ch = new Channel<number>(1);
   * console.log(ch.trySend(1), ch.trySend(2)); // true false
   * ```
   * @throws ClosedChannelError if the channel is closed.
   * Go: `select { case ch <- v: … default: … }`. Rules: T5, CH9.
   */
  trySend(value: T): boolean {
    return this.offerNow(value);
  }

  /**
   * Closes the channel: Go's `close(ch)`. Buffered values stay receivable; then every receive
   * returns `{ ok: false }` (or, with `error`, fails with it; `null`, like Go's nil, is no error).
   * Blocked receivers wake with `ok: false` (or the error); blocked senders fail with
   * `ClosedChannelError` in their own task.
   *
   * @example
   * ```ts
   * import { Channel } from 'gorx';
   *
   * const ch = new Channel<number>(2);
   * ch.trySend(1);
   * ch.close();
   * console.log(ch.tryRecv(), ch.tryRecv()); // { value: 1, ok: true } { value: undefined, ok: false }
   * ```
   * @throws ClosedChannelError (`close of closed channel`) if already closed.
   * Go: `close(ch)`. Rules: CH10, CH11, CH12, CH13, PF4.
   */
  close(error?: unknown): void {
    if (this.#closed) throw new ClosedChannelError('close of closed channel');
    this.#closed = true;
    this.#error = error ?? undefined; // null, Go's nil, is no error
    if (this.held === 0) this.end();
    wakeAll(this.#sendq, new ClosedChannelError());
    this.crossing?.wake();
  }

  /** @internal Wakes every receiver with the close (and, from threads/home.ts, once nothing is held). */
  end(): void {
    wakeAll(this.#recvq, this.#error);
  }

  /**
   * @internal The buffer and the wait queues, for the thread layer (threads/home.ts), which puts
   * values coming back from other threads into them; an unbuffered channel gets a buffer for those
   * values only (no send fills it).
   */
  queues(): [Ring<T>, WaitQueue, WaitQueue] {
    return [(this.#buf ??= new Ring<T>()), this.#recvq, this.#sendq];
  }

  /** @internal */
  get closed(): boolean {
    return this.#closed;
  }

  /** @internal */
  get waiting(): { senders: number; receivers: number } {
    return { senders: this.#sendq.size, receivers: this.#recvq.size };
  }

  /** @internal */
  readyRecv(): boolean {
    return this.#sendq.head !== null || this.length > 0 || (this.#closed && this.held === 0);
  }

  /** @internal */
  takeNow(): T | BLOCKED | CLOSED {
    const buf = this.#buf;
    const sender = this.#sendq.head;
    let value: T;
    if (buf !== null && buf.length > 0) {
      value = buf.shift();
      // The first blocked sender moves its value into the freed room, at the tail (CH6).
      if (sender === null || buf.length + this.held >= this.capacity) {
        this.crossing?.wake();
        return value;
      }
      buf.push(sender.value as T);
    } else if (sender !== null) {
      // Unbuffered, or the buffer's room is held by other threads: a hand-off.
      value = sender.value as T;
    } else {
      if (!this.#closed || this.held > 0) return BLOCKED;
      if (this.#error !== undefined) throw this.#error;
      return CLOSED;
    }
    this.#sendq.unlink(sender);
    sender.value = undefined;
    commitSafely(sender);
    return value;
  }

  /** @internal */
  parkRecv(w: Waiter): void {
    this.#recvq.push(w, this);
    this.crossing?.wake();
  }

  /** @internal */
  readySend(): boolean {
    return this.#closed || this.#recvq.head !== null || this.length + this.held < this.capacity;
  }

  /** @internal */
  offerNow(value: T): boolean {
    if (this.#closed) throw new ClosedChannelError();
    const receiver = this.#recvq.head;
    if (receiver !== null) {
      this.#recvq.unlink(receiver);
      receiver.value = value;
      receiver.ok = true;
      commitSafely(receiver);
      return true;
    }
    const buf = this.#buf;
    if (buf !== null && buf.length + this.held < this.capacity) {
      buf.push(value);
      return true;
    }
    return false;
  }

  /** @internal */
  parkSend(w: Waiter): void {
    this.#sendq.push(w, this);
    this.crossing?.wake();
  }

  /** @internal */
  withdraw(w: Waiter): void {
    w.queue?.unlink(w);
  }
}
