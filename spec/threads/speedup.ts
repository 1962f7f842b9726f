// CPU-bound speedup of the thread pool over the main thread, and tiny-task rates. Not a test: run
// `npx tsx spec/threads/speedup.ts` on a quiet machine. Rounds interleave the main thread and the
// pool so that both see the same machine; best and median rounds are printed.
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { from, lastValueFrom } from 'rxjs';
import { workerPool } from '../../lib/operators/workerPool.js';
import { threadPool } from '../../lib/threads/threadPool.js';
import { bundleWorker } from './workers/bundle.js';

const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
const ROUNDS = Number(process.env.ROUNDS ?? 7);

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `best ${s[0]!.toFixed(1)} median ${s[Math.floor(s.length / 2)]!.toFixed(1)}`;
}

async function time(f: () => unknown): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

const { url, remove } = await bundleWorker('pool.worker.ts');
const pool = threadPool(() => new Worker(url), { size: 2 });
await Promise.all([pool.go('fib', [20]), pool.go('fib', [20])]);

for (const [count, n] of [
  [400, 25],
  [100, 28],
] as const) {
  const ns = Array.from({ length: count }, () => n);
  const main: number[] = [];
  const all: number[] = [];
  const wp2: number[] = [];
  const wp4: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    main.push(await time(() => ns.map(fib)));
    all.push(await time(() => Promise.all(ns.map((x) => pool.go('fib', [x])))));
    wp2.push(await time(() => lastValueFrom(from(ns).pipe(workerPool(2, pool.fn('fib'))))));
    wp4.push(await time(() => lastValueFrom(from(ns).pipe(workerPool(4, pool.fn('fib'))))));
  }
  const best = (xs: number[]) => Math.min(...xs);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`${count} × fib(${n}), 2 threads, ${cpus().length} cores, ${ROUNDS} interleaved rounds (ms):`);
  console.log(`  main thread               ${stats(main)}`);
  for (const [label, xs] of [
    ['pool.go, all at once     ', all],
    ['workerPool(2, pool.fn)   ', wp2],
    ['workerPool(4, pool.fn)   ', wp4],
  ] as const) {
    const ratio = (best(main) / best(xs)).toFixed(2);
    const mratio = (median(main) / median(xs)).toFixed(2);
    console.log(`  ${label}${stats(xs)}  speedup best ${ratio}× median ${mratio}×`);
  }
}

const TINY = 100_000;
const noop = Array.from({ length: TINY }, () => 0);
const rates: Record<string, number[]> = { 'pool.go, 1000 at a time': [], 'workerPool(256, pool.fn)': [] };
for (let r = 0; r < ROUNDS; r++) {
  let ms = await time(async () => {
    for (let i = 0; i < TINY; i += 1000) {
      await Promise.all(noop.slice(i, i + 1000).map(() => pool.go('noop', [])));
    }
  });
  rates['pool.go, 1000 at a time']!.push(TINY / (ms / 1000));
  ms = await time(() => lastValueFrom(from(noop).pipe(workerPool(256, pool.fn('noop')))));
  rates['workerPool(256, pool.fn)']!.push(TINY / (ms / 1000));
}
console.log(`no-op tasks/s (${TINY} per round):`);
for (const [label, xs] of Object.entries(rates)) {
  const s = [...xs].sort((a, b) => b - a);
  console.log(
    `  ${label.padEnd(26)}best ${Math.round(s[0]!)} median ${Math.round(s[Math.floor(s.length / 2)]!)}`,
  );
}

await pool.close();
remove();
