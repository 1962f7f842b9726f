// Go: `func producer(ch chan<- int)` and `func consumer(ch <-chan int)`: the compiler rejects the
// wrong direction. gorx: `SendChannel<T>` and `ReceiveChannel<T>` do the same in TypeScript.
import { fileURLToPath } from 'node:url';
import { Channel, go, type ReceiveChannel, type SendChannel } from 'gorx';

// This function can only send to the channel (and close it: the sender owns the close).
async function producer(ch: SendChannel<number>): Promise<void> {
  for (let i = 0; i < 10; i++) await ch.send(i);
  ch.close();
}

// This function can only receive from the channel: `for val := range ch`.
async function consumer(ch: ReceiveChannel<number>): Promise<number[]> {
  const seen: number[] = [];
  for await (const val of ch) seen.push(val);
  return seen;
}

/** Never called: it only shows what the compiler refuses. */
export function wrongDirections(inbox: ReceiveChannel<number>, outbox: SendChannel<number>): void {
  // @ts-expect-error a receive-only channel has no send
  void inbox.send(1);
  // @ts-expect-error a receive-only channel cannot be closed by its consumer
  inbox.close();
  // @ts-expect-error a send-only channel has no recv
  void outbox.recv();
}

export async function main(): Promise<void> {
  const ch = new Channel<number>(); // a Channel<T> is both; each function sees one direction
  go(() => producer(ch));
  const seen = await consumer(ch);
  console.log('consumer got:', seen.join(' '));

  // A ReceiveChannel is also an Observable: subscribing ranges over it like `for range`.
  const evens = new Channel<number>(5);
  go(async () => {
    for (let i = 0; i < 10; i += 2) await evens.send(i);
    evens.close();
  });
  const viaRx: number[] = [];
  await new Promise<void>((complete) => evens.subscribe({ next: (v) => viaRx.push(v), complete }));
  console.log('subscriber got:', viaRx.join(' '));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
