// sendTo: forwards a source into a channel with at most one value in flight.
//
// Invariants:
// - at most one value has been taken from the source and not yet sent (`busy`); the next one is
//   asked for only after the send committed and the value was mirrored downstream;
// - one Relay per subscription is re-parked for every blocked send;
// - once `stopped`, the parked send is withdrawn (that value was not sent), the source feed is
//   cancelled and the ctx watcher withdrawn; a send that committed before but is reported after
//   (the report goes through the trampoline) is not mirrored.
import type { MonoTypeOperatorFunction, ObservableInput } from 'rxjs';
import type { Channel } from '../channel/Channel.js';
import type { SendChannel } from '../channel/types.js';
import type { Context } from '../context/Context.js';
import type { CallbackWaiter, Token } from '../internal/blocking.js';
import { isSendPort } from '../internal/brand.js';
import { toToken } from '../internal/cancel.js';
import { flag, options, show } from '../internal/validate.js';
import { withdraw } from '../internal/WaitQueue.js';
import { type Feed, GorxSource, guard, openFeed, Relay, type SendOwner, type Sink } from './internal.js';

/** Options of {@link sendTo}. */
export interface SendToOptions {
  /** Close the channel when the source completes (default true). */
  close?: boolean;
  /** When it is done, the pending send is withdrawn and the output errors with `ctx.err`. */
  ctx?: Context | AbortSignal;
}

/**
 * Sends every source value to `ch`, waiting for room each time, and mirrors each value once it
 * was sent: Go's `for v := range in { ch <- v }; close(ch)`.
 *
 * At most one value is in flight: the next value is taken only after the previous send
 * committed, so from a gorx channel (or the output of another gorx operator) values are pulled
 * on demand and a full `ch` blocks the producer upstream; a push Observable's values queue while a
 * send waits, like `concatMap`'s pending inputs. Unsubscribing withdraws a waiting send (that
 * value was not sent). The source completing closes `ch`, unless `close: false`; with `close`, an
 * error (of the source, or `opts.ctx` ending) closes `ch` with that error so its receivers learn
 * of it after the buffered values. A send that finds `ch` closed errors the output with
 * `ClosedChannelError`. The loop never recurses, so a synchronous source of any length runs in
 * constant stack.
 *
 * ```text
 * source    -a-b-c-|              ch = new Channel(0)
 * ch.recv$  ----x---x---x---x     a receiver every 4 frames
 * output    ----a---b---(c|)      each value mirrored once sent; ch closed at the end
 * ```
 *
 * @example
 * ```ts
 * import { interval, take } from 'rxjs';
 * import { Channel, sendTo } from 'gorx';
 *
 * const ch = new Channel<number>(4);
 * interval(10).pipe(take(10), sendTo(ch)).subscribe();
 * for await (const v of ch) console.log(v); // 0 … 9, then the loop ends: ch was closed
 * ```
 * @throws TypeError if `ch` is not a gorx channel (of this or another copy of gorx), or `opts.ctx`
 * is neither a Context nor an AbortSignal.
 * Go: `for v := range in { ch <- v }; close(ch)`. Rules: CH2, CH9, CH12, PT1, G5.
 */
export function sendTo<T>(ch: SendChannel<T>, opts?: SendToOptions): MonoTypeOperatorFunction<T> {
  // A missing channel is no gorx channel either: one check, one message.
  if (!isSendPort(ch)) throw new TypeError(`sendTo: channel must be a gorx channel, got ${show(ch)}`);
  options('sendTo', opts);
  const close = flag('sendTo', 'close', opts?.close) !== false;
  const token = toToken(opts?.ctx, 'sendTo');
  return (source) => new GorxSource((sink) => new Sender(source, ch as Channel<T>, close, token, sink));
}

class Sender<T> implements Sink<T>, Feed, SendOwner {
  readonly pull = true;
  readonly #up: Feed;
  readonly #ch: Channel<T>;
  readonly #close: boolean;
  readonly #token: Token | null;
  readonly #down: Sink<T>;
  readonly #w = new Relay(this);
  #demand = 0;
  #asked = false;
  #busy = false;
  #held: T | undefined = undefined;
  #started = false;
  #sourceDone = false;
  #stopped = false;
  #watcher: CallbackWaiter | null = null;

  constructor(input: ObservableInput<T>, ch: Channel<T>, close: boolean, token: Token | null, down: Sink<T>) {
    this.#ch = ch;
    this.#close = close;
    this.#token = token;
    this.#down = down;
    this.#up = openFeed(input, this);
  }

  request(n: number): void {
    this.#demand += n;
    if (!this.#started) {
      this.#started = true;
      this.#watcher = guard(this.#token, (error) => this.error(error));
    }
    this.#ask();
  }

  #ask(): void {
    if (this.#asked || this.#busy || this.#stopped || this.#sourceDone || this.#demand <= 0) return;
    this.#asked = true;
    this.#up.request(1);
  }

  next(value: T): void {
    this.#asked = false;
    if (this.#stopped) return;
    this.#busy = true;
    this.#held = value;
    let sent: boolean;
    try {
      sent = this.#ch.offerNow(value);
    } catch (error) {
      return this.lost(error);
    }
    if (sent) return this.sent();
    this.#w.value = value;
    this.#ch.parkSend(this.#w);
  }

  sent(): void {
    // A commit reported after the output was unsubscribed has nobody left to mirror it to.
    if (this.#stopped) return;
    const value = this.#held as T;
    this.#held = undefined;
    this.#busy = false;
    this.#demand--;
    this.#down.next(value);
    if (this.#sourceDone) this.#finish();
    else this.#ask();
  }

  /** The send failed: `ch` was closed, so the error (a ClosedChannelError) only goes down. */
  lost(error: unknown): void {
    this.error(error);
  }

  error(error: unknown): void {
    if (this.#stopped) return;
    this.cancel();
    const ch = this.#ch;
    if (this.#close && !ch.closed) ch.close(error);
    this.#down.error(error);
  }

  complete(): void {
    this.#sourceDone = true;
    if (!this.#busy) this.#finish();
  }

  #finish(): void {
    if (this.#stopped) return;
    this.cancel();
    if (this.#close) {
      try {
        this.#ch.close();
      } catch (error) {
        return this.#down.error(error);
      }
    }
    this.#down.complete();
  }

  /** Stops: the parked send is withdrawn (that value was not sent). Idempotent. */
  cancel(): void {
    this.#stopped = true;
    withdraw(this.#w);
    this.#w.value = this.#held = undefined;
    this.#up.cancel();
    withdraw(this.#watcher);
  }
}
