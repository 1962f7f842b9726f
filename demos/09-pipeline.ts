// Go: generateNumbers(ctx) → doubleNumbers(ctx, in) → filterEven(ctx, in), each stage a goroutine that
// `defer close(out)` and sends with `select { case <-ctx.Done(): return; case out <- n: }`. gorx: `produce`.
import { fileURLToPath } from 'node:url';
import { background, type Context, produce, type ReceiveChannel, recv, select, send, withCancel } from 'gorx';

function generateNumbers(ctx: Context): ReceiveChannel<number> {
  // produce(work) is `out := make(chan int); go func() { defer close(out); work(out) }(); return out`.
  return produce<number>(async (out) => {
    for (let i = 0; ; i++) {
      const r = await select({ done: recv(ctx.done), out: send(out, i) });
      if (r.case === 'done') return;
    }
  });
}

function doubleNumbers(ctx: Context, input: ReceiveChannel<number>): ReceiveChannel<number> {
  return produce<number>(async (out) => {
    for await (const n of input) {
      const r = await select({ done: recv(ctx.done), out: send(out, n * 2) });
      if (r.case === 'done') return;
    }
  });
}

function filterEven(ctx: Context, input: ReceiveChannel<number>): ReceiveChannel<number> {
  return produce<number>(async (out) => {
    for await (const n of input) {
      if (n % 4 !== 0) continue; // after doubling, divisible by 4 means originally even
      const r = await select({ done: recv(ctx.done), out: send(out, n) });
      if (r.case === 'done') return;
    }
  });
}

export async function main(): Promise<void> {
  const [ctx, cancel] = withCancel(background());
  try {
    // Chain the stages.
    const numbers = generateNumbers(ctx);
    const doubled = doubleNumbers(ctx, numbers);
    const filtered = filterEven(ctx, doubled);

    // Take the first 10 results.
    const first: number[] = [];
    for (let i = 0; i < 10; i++) first.push((await filtered.recv()).value ?? Number.NaN);
    console.log('first 10:', first.join(' '));

    cancel(); // stop the pipeline: each stage returns at its next select, and its deferred close runs
    // A stage racing the cancel may still hand over a value (select picks among ready cases), so drain.
    for (const ch of [filtered, doubled, numbers]) for await (const _ of ch);
    console.log('after cancel: every stage returned and closed its channel');
  } finally {
    cancel(); // defer cancel()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
