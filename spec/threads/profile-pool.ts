// Runs the CPU-bound case of the thread-pool benchmark (`workerPool(2, pool.fn('fib'))` on two
// threads) next to two loops of `await pool.go` and a floor written by hand (one task in flight per
// thread on a raw port, the next posted once the last answered), rounds interleaved, and reports
// the gaps each thread spends between tasks (from one task's end to the next one's start):
//
//   npx tsx spec/threads/profile-pool.ts [n=25] [tasks=400] [rounds=15]
//
// With WORKER_PROF=dir the threads are started with `--cpu-prof` into that folder.
import { Worker } from 'node:worker_threads';
import { from, lastValueFrom, toArray } from 'rxjs';
import { workerPool } from '../../lib/operators/workerPool.js';
import { threadPool } from '../../lib/threads/threadPool.js';
import { transfer } from '../../lib/threads/wire.js';
import { bundleWorker } from './workers/bundle.js';

type Stamp = [thread: number, start: number, end: number];

const [n = 25, tasks = 400, rounds = 15] = process.argv.slice(2).map(Number);
const dir = process.env.WORKER_PROF;
const execArgv = dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
const { url, remove } = await bundleWorker('pool.worker.ts');
const pool = threadPool(() => new Worker(url, { execArgv }), { size: 2 });
const args = Array.from({ length: tasks }, () => n);

// The floor, on threads of its own (a task that never ends would hold a pool's thread): a port to
// each, served by a task that runs there until the port closes.
const floorPool = threadPool(() => new Worker(url, { execArgv }), { size: 2 });
const ports = [0, 1].map(() => new MessageChannel());
const served = ports.map(({ port2 }) => floorPool.go('floorFib', [transfer(port2, [port2])]));
const ask = (port: MessagePort, x: number) =>
  new Promise<Stamp>((resolve) => {
    port.onmessage = (e) => resolve(e.data as Stamp);
    port.postMessage(x);
  });

/** Two loops that take the next task as each of theirs ends. */
async function loops(run: (loop: number, x: number) => PromiseLike<Stamp>): Promise<Stamp[]> {
  const out: Stamp[] = [];
  let next = 0;
  await Promise.all(
    [0, 1].map(async (loop) => {
      while (next < tasks) {
        next++;
        out.push(await run(loop, n));
      }
    }),
  );
  return out;
}

const cases: Record<string, () => Promise<Stamp[]>> = {
  'workerPool(2, pool.fn)': () =>
    lastValueFrom(from(args).pipe(workerPool(2, pool.fn<number, Stamp>('timedFib')), toArray())),
  'two loops of pool.go': () => loops((_, x) => pool.go<Stamp>('timedFib', [x])),
  'floor (raw ports)': () => loops((loop, x) => ask(ports[loop]!.port1, x)),
};
const times = new Map<string, number[]>();
const gaps = new Map<string, number[]>();
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of Object.entries(cases)) {
    const t0 = performance.now();
    const stamps = await run();
    if (round < 2) continue;
    times.set(name, [...(times.get(name) ?? []), performance.now() - t0]);
    const byThread = new Map<number, Stamp[]>();
    for (const s of stamps) byThread.set(s[0], [...(byThread.get(s[0]) ?? []), s]);
    const g = gaps.get(name) ?? [];
    for (const list of byThread.values()) {
      list.sort((a, b) => a[1] - b[1]);
      for (let i = 1; i < list.length; i++) g.push((list[i]![1] - list[i - 1]![2]) * 1000);
    }
    gaps.set(name, g);
  }
}
const at = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!;
const floor = at(times.get('floor (raw ports)')!, 0.5);
for (const [name, ts] of times) {
  const g = gaps.get(name)!;
  const ms = at(ts, 0.5);
  console.log(
    `${name.padEnd(24)} ${ms.toFixed(1)} ms (÷ floor ${(floor / ms).toFixed(3)}); gaps µs: p50 ${at(g, 0.5).toFixed(0)}, p90 ${at(g, 0.9).toFixed(0)}, p99 ${at(g, 0.99).toFixed(0)}, mean ${(g.reduce((a, b) => a + b, 0) / g.length).toFixed(0)}`,
  );
}
for (const { port1 } of ports) port1.close();
await Promise.all(served);
await Promise.all([pool.close(), floorPool.close()]);
remove();
