// A program that waits on another thread after its task returned: the channel's values still
// arrive (the process does not end while something here waits for a thread), and the process
// then ends by itself, its pool idle and never closed. Run by alive.node.spec.ts.
import { Worker } from 'node:worker_threads';
import { Channel, type ReceiveChannel, threadPool } from '../../../lib/index.js';
import { bundleWorker } from '../workers/bundle.js';

const { url, remove } = await bundleWorker('pool.worker.ts');
process.on('exit', remove);
const pool = threadPool(() => new Worker(url), { size: 1 });
const n = 20_000;
let ch: ReceiveChannel<number>;
if (process.argv[2] === 'endpoint') {
  // Homed in the thread, fed by a goroutine there: received here through an endpoint.
  ch = await pool.go<ReceiveChannel<number>>('source', [4, n]);
} else {
  // Homed here, fed by a goroutine in the thread through an endpoint: each send, when unbuffered,
  // an offer parked here until a receive here takes it.
  const home = new Channel<number>(process.argv[2] === 'unbuffered' ? 0 : 4);
  await pool.go('feed', [home, n]);
  ch = home;
}
let got = 0;
for await (const v of ch) if (v === got) got++;
console.log(`received ${got} in order`);
