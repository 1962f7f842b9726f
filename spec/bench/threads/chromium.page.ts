// The page of the Chromium channel benchmark (threads.bench.ts, `threads-chromium`): a pool of one
// module Web Worker, and the cases of the Node benchmark (spec/threads/channel-cases.ts), each run
// on demand by the harness through `benchCase(name)`. The title says `ready` once the pool is up.
import { threadPool } from '../../../lib/threads/threadPool.js';
import { buffered, floorCredit, floorOneWay } from '../../threads/channel-cases.js';

const pool = threadPool(() => new Worker('./chromium.worker.js', { type: 'module' }), { size: 1 });

const cases: Record<string, () => Promise<number>> = {
  'Channel(256), ranging': () => buffered(pool, 256, 'ranging'),
  'Channel(4096), ranging': () => buffered(pool, 4096, 'ranging'),
  '256 values per message': () => floorOneWay(pool),
  'bare credit protocol, c = 256': () => floorCredit(pool, 256),
};

(globalThis as { benchCase?: (name: string) => Promise<number> }).benchCase = (name) => cases[name]!();
// The first task starts the thread: the page is ready once it answered.
void floorOneWay(pool).then(() => {
  document.title = 'ready';
});
