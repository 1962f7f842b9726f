// Go: closing a closed channel panics; with several would-be closers use
// `var once sync.Once; once.Do(func() { close(ch) })`. gorx: `new Once()`, `once.do(fn)`, `onceFunc(fn)`.
import { fileURLToPath } from 'node:url';
import { Channel, ClosedChannelError, go, Once, onceFunc, onceValue } from 'gorx';

export async function main(): Promise<void> {
  // Bad: two owners close the same channel.
  const ch = new Channel<number>();
  ch.close();
  try {
    ch.close();
  } catch (err) {
    console.log('second close:', err instanceof ClosedChannelError, (err as Error).message);
  }

  // Good: every closer goes through one sync.Once.
  const done = new Channel<void>();
  const once = new Once();
  const closers = [1, 2, 3].map((id) =>
    go(() =>
      once.do(() => {
        console.log(`closer ${id} closes the channel`);
        done.close();
      }),
    ),
  );
  await Promise.all(closers);
  console.log('every closer returned; done closed:', !(await done.recv()).ok);

  // OnceFunc: a function that runs its body the first time only.
  const quit = new Channel<void>();
  const stop = onceFunc(() => quit.close());
  stop();
  stop();
  console.log('stop() twice, quit closed:', !(await quit.recv()).ok);

  // OnceValue: compute once, return the same value on every call.
  let computed = 0;
  const config = onceValue(() => ({ workers: 4, computed: ++computed }));
  const first = config();
  const again = config();
  console.log('onceValue: same object:', first === again, `computed ${again.computed} time(s)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
