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
import { recvPortOrNil } from '../internal/validate.js';
import { Forwarder } from './toChannel.js';

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
  const out = new Channel<T>();
  const forwarders: Forwarder<T>[] = [];
  /** The first failure; a forwarder ends with undefined when its input did not fail. */
  let error: unknown;
  let running = 0;
  // A forwarder finished; the first that failed stops the others.
  const finished = (failure: unknown): void => {
    if (failure !== undefined && error === undefined) {
      error = failure;
      for (const f of forwarders) f.stop(undefined);
    }
    // Closed already only by another hand (a cast), which the lost values were reported for.
    if (--running === 0 && !out.closed) out.close(error);
  };
  // The inputs are receive channels, always pulled: the overflow policy never applies.
  for (const c of sources) if (c !== null) forwarders.push(new Forwarder(c, out, 'error', finished));
  running = forwarders.length;
  if (running === 0) out.close();
  for (const f of forwarders) f.start();
  return out;
}
