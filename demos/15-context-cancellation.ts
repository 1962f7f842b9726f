// Go: workers loop on `select { case <-ctx.Done(): return ctx.Err(); case out <- v: }`; `context.WithCancel`,
// `WithTimeout`, `WithCancelCause`, `WithValue`, `AfterFunc`. gorx: the same names on one Context.
import { fileURLToPath } from 'node:url';
import {
  afterFunc,
  background,
  Channel,
  type Context,
  cause,
  contextKey,
  go,
  recv,
  select,
  send,
  sleep,
  withCancel,
  withCancelCause,
  withTimeout,
  withValue,
} from 'gorx';

const requestId = contextKey<string>('requestId');

async function worker(ctx: Context, out: Channel<number>): Promise<string> {
  for (let i = 1; ; i++) {
    const r = await select({ done: recv(ctx.done), out: send(out, i) });
    if (r.case === 'done') return `worker ${ctx.value(requestId)} stopped: ${ctx.err?.message}`;
  }
}

export async function main(): Promise<void> {
  // WithCancel: the consumer decides when the worker stops.
  const [ctx, cancel] = withCancel(withValue(background(), requestId, 'req-42'));
  const stopCleanup = afterFunc(ctx, () => console.log('afterFunc: cleanup runs on cancel'));
  const out = new Channel<number>();
  const task = go(() => worker(ctx, out));
  const got = [(await out.recv()).value, (await out.recv()).value, (await out.recv()).value];
  console.log('took', got.join(', '), 'then cancel()');
  cancel();
  console.log(await task);
  console.log('afterFunc already ran, stop() prevents nothing:', stopCleanup());

  // WithTimeout: every blocking call takes the context and gives up when it is done.
  const [tctx, tcancel] = withTimeout(background(), 20);
  try {
    await sleep(10_000, tctx);
  } catch (err) {
    console.log(`sleep(10 s) under a 20 ms timeout: ${(err as Error).name}: ${(err as Error).message}`);
  } finally {
    tcancel();
  }

  // WithCancelCause: say why; children see the parent's error and cause.
  const [pctx, cancelWithCause] = withCancelCause(background());
  const [child] = withCancel(pctx);
  cancelWithCause(new Error('user logged out'));
  console.log(`child: ${child.err?.message}; cause: ${(cause(child) as Error).message}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
