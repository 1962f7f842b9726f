// Go: `ch := make(chan string); go func() { ch <- expensiveWork() }()` then `select` with a timeout: if the
// timeout wins, the sender blocks forever. Fix: `make(chan string, 1)`, the send always has room.
import { fileURLToPath } from 'node:url';
import { after, Channel, go, recv, select, sleep } from 'gorx';

async function expensiveWork(): Promise<string> {
  await sleep(40);
  return 'result';
}

async function doWork(capacity: number) {
  const ch = new Channel<string>(capacity);
  const sender = go(async () => {
    const result = await expensiveWork();
    await ch.send(result); // with capacity 0: blocked forever if nobody reads ch
    return 'sender exited';
  });
  const r = await select({ result: recv(ch), timeout: recv(after(10)) });
  return { answer: r.case === 'result' ? r.value : 'timeout', ch, sender };
}

async function report(label: string, capacity: number): Promise<void> {
  const { answer, ch, sender } = await doWork(capacity);
  // Give the sender ample time to finish its work, then see whether it exited.
  const fate = await Promise.race([sender, sleep(100).then(() => 'sender still blocked: leaked')]);
  console.log(`${label}: doWork returned ${answer}; ${fate}`);
  ch.tryRecv(); // a late reader unblocks a leaked sender, so this demo leaves nothing behind
  await sender;
}

export async function main(): Promise<void> {
  await report('bug (unbuffered)', 0);
  await report('fix (buffer of 1)', 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
