// Go: `select { case msg := <-ch1: … case ch3 <- "hello": … case <-time.After(d): … }`, plus `default`
// and `case <-ctx.Done()`. gorx: `select({ a: recv(ch1), b: send(ch3, v), t: recv(after(ms)) })`.
import { fileURLToPath } from 'node:url';
import {
  after,
  background,
  Channel,
  go,
  type ReceiveChannel,
  recv,
  select,
  send,
  sleep,
  trySelect,
  withTimeout,
} from 'gorx';

const ch1 = new Channel<string>();
const ch2 = new Channel<string>();
const ch3 = new Channel<string>();

async function once(timeout: ReceiveChannel<number>): Promise<void> {
  const r = await select({ ch1: recv(ch1), ch2: recv(ch2), ch3: send(ch3, 'hello'), timeout: recv(timeout) });
  switch (r.case) {
    case 'ch1':
      return console.log('Received from ch1:', r.value);
    case 'ch2':
      return console.log('Received from ch2:', r.value);
    case 'ch3':
      return console.log('Sent to ch3');
    case 'timeout':
      return console.log('Timed out');
  }
}

export async function main(): Promise<void> {
  go(async () => {
    await sleep(5);
    await ch2.send('a message'); // only ch2 becomes ready
  });
  await once(after(200));

  const reader = go(async () => (await ch3.recv()).value); // only the send to ch3 can proceed
  await once(after(200));
  console.log('ch3 reader got:', await reader);

  await once(after(20)); // nothing is ready: the timer wins

  // `default`: trySelect never blocks and returns undefined when no case is ready.
  console.log('trySelect with nothing ready:', trySelect({ ch1: recv(ch1) }) ?? 'default');

  // In production code: cancel with a context instead of a bare timer.
  const [ctx, cancel] = withTimeout(background(), 20);
  const r = await select({ ch1: recv(ch1), done: recv(ctx.done) });
  if (r.case === 'done') console.log('ctx.done:', ctx.err?.message);
  cancel();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
