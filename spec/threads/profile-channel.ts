// Runs one case of the cross-thread channel benchmark in a loop, for CPU profiles of both threads:
//
//   WORKER_PROF=/tmp/prof/w node --cpu-prof --cpu-prof-dir=/tmp/prof/m --import tsx \
//     spec/threads/profile-channel.ts ranging|promise|bare|unbuffered|echo [capacity] [seconds]
//
// With WORKER_PROF the worker is started with `--cpu-prof` into that folder, so each thread
// writes its own profile; WORKER_ARGS adds other options of the worker (space-separated).
import { Worker } from 'node:worker_threads';
import { threadPool } from '../../lib/threads/threadPool.js';
import { buffered, floorCredit, floorRoundTrip, unbuffered } from './channel-cases.js';
import { bundleWorker } from './workers/bundle.js';

const [name = 'ranging', cap = '256', seconds = '3'] = process.argv.slice(2);
const c = Number(cap);
const dir = process.env.WORKER_PROF;
const { url, remove } = await bundleWorker('pool.worker.ts');
const execArgv = [
  ...(dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`]),
  ...(process.env.WORKER_ARGS?.split(' ').filter(Boolean) ?? []),
];
const pool = threadPool(() => new Worker(url, { execArgv }), { size: 1 });

const cases: Record<string, () => Promise<number>> = {
  ranging: () => buffered(pool, c, 'ranging'),
  promise: () => buffered(pool, c, 'promise'),
  bare: () => floorCredit(pool, c),
  unbuffered: () => unbuffered(pool),
  echo: () => floorRoundTrip(pool),
};
const run = cases[name];
if (run === undefined) throw new Error(`no case '${name}': ${Object.keys(cases).join(', ')}`);
const until = performance.now() + Number(seconds) * 1000;
const rates: number[] = [];
while (performance.now() < until) rates.push(await run());
rates.sort((x, y) => x - y);
console.log(
  `${name} ${cap}: median ${(rates[rates.length >> 1]! / 1e6).toFixed(3)}M/s over ${rates.length} runs`,
);
await pool.close();
remove();
