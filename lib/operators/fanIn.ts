// fanIn: Go's fan-in, one forwarder per input and a count of the running ones.
//
// Invariants (PT2):
// - a forwarder holds at most one value: taken from its input, not yet sent on `out`; it asks its
//   input for the next value only after that send committed;
// - `out` is closed only once every forwarder has finished, so a value a forwarder took is always
//   sent first (the sender of that value was told "sent");
// - the first input that fails stops the others from taking more values; those holding a value
//   finish when it is sent; then `out` is closed with that error.
import { Channel } from '../channel/Channel.js';
import type { ReceiveChannel } from '../channel/types.js';
import { reportPanic } from '../internal/report.js';
import { recvPortOrNil } from '../internal/validate.js';
import { type Feed, openFeed, Relay, type SendOwner, type Sink } from './internal.js';

/**
 * Merges channels into one unbuffered channel: Go's fan-in (`merge`), one forwarder per input.
 *
 * Each forwarder receives from its input only when the previous value was taken from the output,
 * so a slow receiver blocks every producer, and each input keeps its own order. The output is
 * closed once every forwarder has finished: after every input was closed and drained, or, when an
 * input is closed with an error, once the values the other forwarders had already taken were
 * sent (they take nothing more); the output is then closed with that error. A `null` input is a
 * nil channel: it never produces and, as a nil case in a `select`, it does not keep the output
 * open; with no other input the output is closed at once.
 *
 * ```text
 * a        --1-----3--|
 * b        ----2-------4-|
 * fanIn    --1-2---3---4-|
 * ```
 *
 * @example
 * ```ts
 * import { fanIn, produce } from 'gorx';
 *
 * const gen = (from: number) =>
 *   produce<number>(async (out) => {
 *     for (let i = from; i < from + 3; i++) await out.send(i);
 *   });
 * for await (const v of fanIn(gen(0), gen(10))) console.log(v); // 0 1 2 and 10 11 12, interleaved
 * ```
 * @throws TypeError when an input is neither a gorx receive channel (of any copy of gorx) nor null.
 * Go: `func merge(cs ...<-chan T) <-chan T` with a WaitGroup. Rules: PT2, CH4, SE6.
 */
export function fanIn<T>(...sources: (ReceiveChannel<T> | null)[]): ReceiveChannel<T> {
  for (const c of sources) recvPortOrNil('fanIn', c);
  return new Merge<T>(sources).out;
}

class Merge<T> {
  readonly out = new Channel<T>();
  readonly #forwarders: Forwarder<T>[] = [];
  #running: number;
  /** The first failure, which `out` will be closed with; the others take nothing more. */
  #error: unknown = undefined;
  stopping = false;

  constructor(sources: (ReceiveChannel<T> | null)[]) {
    const forwarders = this.#forwarders;
    for (const c of sources) if (c !== null) forwarders.push(new Forwarder(this, c));
    this.#running = forwarders.length;
    if (this.#running === 0) this.out.close();
    for (const f of forwarders) f.start();
  }

  fail(error: unknown): void {
    if (this.stopping) return;
    this.stopping = true;
    this.#error = error;
    for (const f of this.#forwarders) f.stop();
  }

  finished(): void {
    if (--this.#running === 0) this.out.close(this.#error);
  }
}

/** One input's forwarder: `for v := range in { out <- v }`. */
class Forwarder<T> implements Sink<T>, SendOwner {
  readonly #merge: Merge<T>;
  readonly #feed: Feed;
  readonly #w = new Relay(this);
  #holding = false;
  #done = false;

  constructor(merge: Merge<T>, input: ReceiveChannel<T>) {
    this.#merge = merge;
    this.#feed = openFeed(input, this);
  }

  start(): void {
    if (!this.#done) this.#feed.request(1);
  }

  /** A value taken from the input: send it on `out`. */
  next(value: T): void {
    this.#holding = true;
    const { out } = this.#merge;
    let sent: boolean;
    try {
      sent = out.offerNow(value);
    } catch (error) {
      return this.lost(error);
    }
    if (sent) return this.sent();
    this.#w.value = value;
    out.parkSend(this.#w);
  }

  /** The value in hand was sent. */
  sent(): void {
    this.#holding = false;
    if (this.#merge.stopping) this.#finish();
    else this.#feed.request(1);
  }

  /** `out` is closed only when every forwarder has finished, so a send cannot fail: if it does, report it. */
  lost(error: unknown): void {
    reportPanic(error);
    this.#finish();
  }

  error(error: unknown): void {
    this.#merge.fail(error);
    this.#finish();
  }

  complete(): void {
    this.#finish();
  }

  /** Takes nothing more; a value in hand is still sent, then the forwarder finishes. */
  stop(): void {
    if (!this.#holding) this.#finish();
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#feed.cancel();
    this.#merge.finished();
  }
}
