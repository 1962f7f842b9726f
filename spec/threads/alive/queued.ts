// A program whose pool, never closed, once had a task wait in its queue after long tasks (the pool
// then waits up to four times their length before it starts a queued task anyway): once every
// task ended, the process ends at once. Run by alive.node.spec.ts.
import { Worker } from 'node:worker_threads';
import { threadPool } from '../../../lib/index.js';
import { bundleWorker } from '../workers/bundle.js';

const { url, remove } = await bundleWorker('pool.worker.ts');
const pool = threadPool(() => new Worker(url), { size: 1 });
await pool.go('busy', [600_000]);
await Promise.all([pool.go('busy', [10_000]), pool.go('busy', [10_000]), pool.go('busy', [10_000])]);
const done = Date.now();
process.on('exit', () => {
  remove();
  console.log(
    `ended ${Date.now() - done < 1000 ? 'at once' : `${Date.now() - done} ms after the last task`}`,
  );
});
