// Runs one benchmark case in a loop, for a CPU profile of it:
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx spec/bench/profile.ts select 'gorx (select)' [seconds]
import { buffered } from './buffered.bench.js';
import { fanin } from './fanin.bench.js';
import { label, type Workload } from './harness.js';
import { pingpong } from './pingpong.bench.js';
import { pool } from './pool.bench.js';
import { selectWorkload } from './select.bench.js';
import { mutex, semaphore } from './sync.bench.js';

const WORKLOADS: readonly Workload[] = [pingpong, buffered, fanin, selectWorkload, pool, mutex, semaphore];

async function main(): Promise<void> {
  const [id, name, seconds = '3'] = process.argv.slice(2);
  const workload = WORKLOADS.find((w) => w.id === id);
  const c = workload?.cases.find((x) => label(x) === name);
  if (workload === undefined || c?.run === undefined) {
    for (const w of WORKLOADS) console.log(`${w.id}: ${w.cases.map((x) => `'${label(x)}'`).join(', ')}`);
    throw new Error(`no runnable case '${name}' in workload '${id}'`);
  }
  const until = performance.now() + Number(seconds) * 1000;
  let ops = 0;
  const started = performance.now();
  while (performance.now() < until) {
    await c.run();
    ops += c.ops;
  }
  const rate = (ops * 1000) / (performance.now() - started);
  console.log(`${label(c)}: ${Math.round(rate).toLocaleString('en-US')} ${workload.unit}/s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
