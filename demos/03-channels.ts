// Go: `ch := make(chan string); go func() { ch <- "hello" }(); msg := <-ch`: an unbuffered channel
// is a rendezvous: the send waits for a receiver and the receive waits for a sender.
import { fileURLToPath } from 'node:url';
import { Channel, go, sleep } from 'gorx';

export async function main(): Promise<void> {
  // Create a channel of strings (capacity 0: unbuffered).
  const ch = new Channel<string>();

  // Send data into the channel, in a goroutine.
  go(async () => {
    await ch.send('hello from the other side');
  });

  // Receive data from the channel: `msg := <-ch`.
  const msg = await ch.recv();
  console.log(msg.value);

  // The send blocks until someone receives: the sender cannot run ahead.
  const sender = go(async () => {
    console.log('sender: sending ping');
    await ch.send('ping');
    console.log('sender: ping was received');
  });
  await sleep(20);
  console.log(`main: nobody received yet, ${ch.length} values buffered`);
  const { value, ok } = await ch.recv(); // v, ok := <-ch
  console.log(`main: got ${value} (ok=${ok})`);
  await sender;

  // After close, receives report ok=false: Go's comma-ok idiom.
  ch.close();
  console.log('after close:', await ch.recv());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
