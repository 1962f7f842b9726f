// Go: a producer sends blocks on a channel, `for i := 0; i < runtime.NumCPU(); i++ { go mine(ctx,
// blocks, results) }` runs one CPU-bound stage per core, and one consumer takes the results (fan-in),
// then `cancel()` half-way: every stage returns ctx.Err() at its next check. gorx: a thread pool
// (`threadPool`, Go's GOMAXPROCS) and `workerPool(pool.size, pool.fn('mine'))` over the channel.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { background, produce, threadPool, WorkerExitError, withCancel, workerPool } from 'gorx';
import type { Block, Mined } from './workers/mine.worker.js';

const BLOCKS = 16;
const BITS = 20; // zero bits a hash must start with: about a million hashes per block

export async function main(): Promise<void> {
  let lost = 0;
  // One thread per core; the worker file calls serve({ mine }) from gorx/worker.
  const pool = threadPool(() => new Worker(new URL('./workers/mine.worker.mjs', import.meta.url)));
  const [ctx, cancel] = withCancel(background());
  try {
    // The producer: `out := make(chan Block); go func() { defer close(out); … }()`.
    const blocks = produce<Block>(
      async (out, pctx) => {
        for (let id = 0; id < BLOCKS; id++) await out.send({ id, bits: BITS }, pctx);
      },
      { ctx },
    );
    // A stage per thread, each block mined on whichever thread is free; results in block order.
    const mine = pool.fn<Block, Mined>('mine');
    const results = blocks.pipe(
      workerPool(
        pool.size,
        (block: Block, tctx) =>
          mine(block, tctx).catch((err: unknown) => {
            if (err instanceof WorkerExitError) lost++;
            throw err;
          }),
        { ctx, ordered: true },
      ),
    );
    // The consumer: takes half of the blocks, then cancels the whole pipeline.
    const ended = await new Promise<unknown>((resolve) => {
      let taken = 0;
      results.subscribe({
        next: (m) => {
          console.log(
            `block ${String(m.id).padStart(2)}: nonce ${String(m.nonce).padStart(7)}, hash ${m.hash}`,
          );
          if (++taken === BLOCKS / 2) {
            console.log(`took ${taken} of ${BLOCKS} blocks, then cancel()`);
            cancel();
          }
        },
        error: resolve,
        complete: () => resolve(undefined),
      });
    });
    console.log(`pipeline ended with ${(ended as Error).name}: ${(ended as Error).message}`);
  } finally {
    cancel();
    // close() waits for the tasks still running on the threads: they saw ctx.err and returned.
    await pool.close();
  }
  console.log(`pool closed: every task returned, ${lost} lost to a terminated thread`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
