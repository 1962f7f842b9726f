import { merge } from 'rxjs';
import { Channel } from '../channel/Channel.js';
import type { ReceiveChannel } from '../channel/types.js';
import { sendTo } from './sendTo.js';

/**
 * Merges channels into one unbuffered channel: Go's fan-in (`merge`), one forwarder per input.
 *
 * Each forwarder receives from its input only when the previous value was taken from the output,
 * so a slow receiver blocks every producer, and each input keeps its own order. The output is
 * closed after every input was closed and drained; an input closed with an error closes the
 * output with that error at once (the other forwarders' values in hand are then not sent, as
 * blocked senders fail on close). A `null` input is a nil channel: it never produces and, as a
 * nil case in a `select`, it does not keep the output open; with no other input the output is
 * closed at once.
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
 * Go: `func merge(cs ...<-chan T) <-chan T` with a WaitGroup. Rules: PT2, CH4, SE6.
 */
export function fanIn<T>(...sources: (ReceiveChannel<T> | null)[]): ReceiveChannel<T> {
  const out = new Channel<T>();
  const inputs = sources.filter((c): c is ReceiveChannel<T> => c !== null && c !== undefined);
  merge(...inputs.map((c) => c.pipe(sendTo(out, { close: false })))).subscribe({
    complete: () => out.close(),
    error: (error: unknown) => {
      if (!out.closed) out.close(error);
    },
  });
  return out;
}
