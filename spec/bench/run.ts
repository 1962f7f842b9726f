// Runs every benchmark side by side with its peers and writes BENCHMARKS.md. Each workload runs
// in its own process (every library of a workload in the same one), so that the JIT and heap state
// left by one workload does not skew the next.
//
//   npm run bench                              all workloads, writes BENCHMARKS.md
//   npm run bench -- --only=pingpong,select    some workloads (add memory for memory), prints only
//   npm run bench -- --source                  gorx from lib/ through tsx instead of a tsup bundle
//
// The thread workloads (threads.bench.ts: threads-fib25, threads-fib28, threads-noop,
// threads-roundtrip, threads-oneway) run the same way and get a "Threads" section of their own;
// `WAIT_QUIET=10 npm run bench` waits up to 10 minutes for a quiet machine before each of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buffered } from './buffered.bench.js';
import { fanin } from './fanin.bench.js';
import { gorxBuild, gorxEnv } from './gorx.js';
import { measureWorkload, type Row, type Timing, type Workload } from './harness.js';
import { type MemoryRow, measureMemory, memoryCapacities, memoryCount } from './memory.bench.js';
import { pingpong } from './pingpong.bench.js';
import { pool } from './pool.bench.js';
import { type Measured, type Reasons, type Reference, renderReport } from './report.js';
import { selectWorkload } from './select.bench.js';
import { mutex, semaphore } from './sync.bench.js';
import { type LatencyRow, measureCancel, threadWorkloads } from './threads.bench.js';
import { renderThreads } from './threads-report.js';

const WORKLOADS: readonly Workload[] = [pingpong, buffered, fanin, selectWorkload, pool, mutex, semaphore];

const TIMING: Timing = { time: 600, timeout: 20_000 };

const REFERENCES: readonly Reference[] = [
  {
    workload: 'unbuffered ping-pong',
    figures: 'async-channel 1.4M round trips/s; promise floor 1.8M; synchronous floor 14.7M',
  },
  { workload: 'buffered (capacity 128)', figures: 'async-channel 6.2M values/s; floor 5.4M' },
  { workload: 'fan-in 4 → 1', figures: 'async-channel 4.1M values/s; floor 4.7M' },
  { workload: 'select over 4', figures: 'js-csp 0.26M selects/s; floor 3.8M' },
  { workload: 'worker pool', figures: 'p-map 1.4M tasks/s; floor 4.2M; RxJS mergeMap 0.14M' },
  { workload: 'mutex', figures: 'async-channel as a lock 2.5M cycles/s; floor 2.8M; async-mutex 0.36M' },
  { workload: 'memory', figures: 'async-channel 1.25 KB per blocked receiver; floor 1.0 KB' },
];

/**
 * Why gorx misses a goal where it does, from CPU profiles of the bundle (`spec/bench/profile.ts`
 * under `node --cpu-prof`). The report shows a reason only when this run misses the goal.
 */
const REASONS: Reasons = {
  'pingpong: gorx (Promise)':
    'per receive, a `{ value, ok }` result (the API) and a parked waiter that is a node of an intrusive list with a cancellation slot; the floor resolves bare values and parks a closure.',
  'pingpong: gorx (recv$ + trySend)':
    'one RxJS subscription per receive: Observable, Subscriber and teardown bookkeeping take about 30% of the CPU against about 12% in gorx. The synchronous path that meets the goal is a ranging subscription (`subscribe + trySend`).',
  'pingpong: gorx (subscribe + trySend)':
    'each value goes through RxJS’s Subscriber chain (three calls) to the handler; the floor calls the handler directly.',
  'buffered: gorx (Promise)':
    'a `{ value, ok }` result per receive (the API) where the floor resolves the bare value.',
  'buffered: gorx (for await)':
    'each value is an iterator result `{ value, done }` handed through the async-iterator protocol, which adds its own bookkeeping per step.',
  'fanin: gorx (Promise)':
    'as for ping-pong: a waiter object per parked send and a result object per receive, where the floor parks a `{ value, resolve }` pair and resolves bare values.',
  'select: gorx (select)':
    'every select builds an object of cases and a case per channel (the API), walks the cases, and resolves with a result object; the floor is handed a prebuilt array. About 30% of the CPU is the caller building cases.',
  'select: gorx (select$ + trySend)':
    'an RxJS subscription per select, and a registration parked on each of the 4 channels (3 withdrawn when one wins).',
  'pool: gorx (over rxjs range)':
    'the floor is 8 bare async loops over an array; workerPool is an RxJS operator with demand both ways and a Context per task, cancelled when the task ends. Every peer is further off this floor.',
  'pool: gorx (over a Channel(128))': 'as over a range, plus the channel between the producer and the pool.',
  'mutex: gorx (lock() → Unlock)':
    'each hold resolves with its own Unlock function (idempotent and disposable: the API), where the floor resolves with nothing; settling with it is about 12% of the CPU, the parked waiter about 5%.',
  'semaphore: gorx (Semaphore(4))':
    'a parked acquire is a waiter object (intrusive-list node, weight, cancellation slot) where the floor pushes a resolve function.',
};

const PACKAGES = [
  'rxjs',
  'async-channel',
  'ts-chan',
  'js-csp',
  'effect',
  'async-mutex',
  'p-limit',
  'p-map',
  'tinybench',
  'piscina',
  'workerpool',
];

function version(pkg: string): string {
  try {
    const url = new URL(`../../node_modules/${pkg}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

const option = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const log = (line: string): void => console.log(line);

/** What a child process hands back: the rows of one workload, or the memory rows. */
type Result = { rows: Row[] } | { memory: MemoryRow[] | undefined } | { cancel: LatencyRow[] };

/** Rows without their functions, as they cross the process boundary. */
const plain = <R extends { case: object }>(rows: readonly R[]): R[] =>
  rows.map((r) => ({ ...r, case: JSON.parse(JSON.stringify(r.case)) as R['case'] }));

/** Child mode: measures one workload (or memory) and writes its rows to `resultFile`. */
async function child(id: string, resultFile: string): Promise<void> {
  let result: Result;
  if (id === 'memory') {
    log('Memory (heap bytes)');
    const rows = await measureMemory(log);
    result = { memory: rows && plain(rows) };
  } else if (id === 'threads-cancel') {
    log('Threads: cancellation latency (ms)');
    result = { cancel: await measureCancel(log) };
  } else {
    const workload = [...WORKLOADS, ...threadWorkloads].find((w) => w.id === id)!;
    log(`${workload.title} (${workload.unit}/s)`);
    result = { rows: plain(await measureWorkload(workload, TIMING, log)) };
  }
  writeFileSync(resultFile, JSON.stringify(result));
}

/** Runs one workload in a fresh process, so that no workload warms up or skews another. */
function inChild(id: string): Result | undefined {
  const resultFile = join(mkdtempSync(join(os.tmpdir(), 'gorx-bench-')), `${id}.json`);
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    `--workload=${id}`,
    `--result=${resultFile}`,
  ];
  if (process.argv.includes('--source')) args.push('--source');
  const exit = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...gorxEnv } });
  try {
    return JSON.parse(readFileSync(resultFile, 'utf8')) as Result;
  } catch {
    log(`  the process measuring ${id} ended with ${exit.status ?? exit.signal} before writing its results`);
    return undefined;
  }
}

/**
 * With `WAIT_QUIET=<minutes>`, waits at most that long for the 1-minute load average to fall below
 * 1 before a thread workload: CPU speedups mean something only on a quiet machine.
 */
async function waitQuiet(): Promise<void> {
  const until = Date.now() + Number(process.env.WAIT_QUIET ?? 0) * 60_000;
  while (Date.now() < until && os.loadavg()[0]! >= 1) {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}

/** The "Bundle size" section, measured apart by `npm run size`; undefined until it has run. */
function sizeSection(): string | undefined {
  const file = new URL('../package/size.md', import.meta.url);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

async function parent(): Promise<void> {
  const only = option('only')?.split(',');
  const selected = only ? WORKLOADS.filter((w) => only.includes(w.id)) : WORKLOADS;
  const started = performance.now();
  const loadAtStart = os.loadavg()[0]!;

  const measure = (workload: Workload): Measured => {
    const result = inChild(workload.id);
    const rows =
      result && 'rows' in result
        ? result.rows
        : workload.cases.map((c) => ({
            case: c,
            outcome: { status: 'error' as const, message: 'the benchmark process failed' },
          }));
    return { workload, rows };
  };
  const measured = selected.map(measure);
  const threads: Measured[] = [];
  const threadLoads: number[] = [];
  for (const workload of only ? threadWorkloads.filter((w) => only.includes(w.id)) : threadWorkloads) {
    await waitQuiet();
    threadLoads.push(os.loadavg()[0]!);
    threads.push(measure(workload));
  }
  let cancel: LatencyRow[] | undefined;
  if (!only || only.includes('threads-cancel')) {
    await waitQuiet();
    const result = inChild('threads-cancel');
    cancel = result !== undefined && 'cancel' in result ? result.cancel : undefined;
  }
  let memory: Parameters<typeof renderReport>[2] = 'Not measured in this run.';
  if (!only || only.includes('memory')) {
    const result = inChild('memory');
    if (result === undefined || !('memory' in result)) {
      memory = 'Failed: the process measuring memory ended before writing its results.';
    } else if (result.memory === undefined) {
      memory = 'Skipped: run with `--expose-gc` (as `npm run bench` does).';
      log('  skipped: run with --expose-gc');
    } else {
      memory = { rows: result.memory, capacities: memoryCapacities, count: memoryCount };
    }
  }

  const seconds = (performance.now() - started) / 1000;
  const cpus = os.cpus();
  const report = renderReport(
    {
      date: new Date().toISOString().slice(0, 10),
      node: process.version,
      cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
      cores: cpus.length,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      versions: [
        ['gorx', `${version('..')} (${gorxBuild})`] as const,
        ...PACKAGES.map((p) => [p, version(p)] as const),
      ],
      seconds,
      load: [loadAtStart, os.loadavg()[0]!],
      timing: TIMING.time,
    },
    measured,
    memory,
    REFERENCES,
    REASONS,
    sizeSection(),
    threads.length > 0 || cancel !== undefined ? renderThreads(threads, threadLoads, cancel) : undefined,
  );
  if (only) {
    console.log(`\n${report}`);
  } else {
    writeFileSync(new URL('../../BENCHMARKS.md', import.meta.url), report);
    log(`Wrote BENCHMARKS.md in ${seconds.toFixed(0)} s`);
  }
}

async function main(): Promise<void> {
  const id = option('workload');
  if (id === undefined) await parent();
  else await child(id, option('result')!);
  // Peers may leave parked timers or fibers behind; the run is over.
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
