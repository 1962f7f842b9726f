// Thread benchmarks: gorx's thread pool against the main thread, piscina, workerpool and a
// hand-written floor pool on raw worker_threads, plus the message-port floors that cross-thread
// channels are measured against. Every pool has 2 threads. The pools start on a workload's first
// sample (its probe), once per process, and live until the process ends; their worker files are
// bundled with esbuild into .bench-tmp/threads/ first (gorx/worker from lib/, the peers external).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { Piscina } from 'piscina';
import type { Page } from 'playwright';
import { from, lastValueFrom } from 'rxjs';
import workerpool from 'workerpool';
import { host } from '../../lib/threads/link.js';
import { threadPool as sourceThreadPool, type ThreadPool } from '../../lib/threads/threadPool.js';
import { launchChromium } from '../helpers/chromium.node.js';
import { serveFolder } from '../helpers/static.node.js';
import {
  buffered as bufferedChannel,
  RT as CHANNEL_ROUND_TRIPS,
  N as CHANNEL_VALUES,
  fanOut,
  floorCredit,
  floorOneWay,
  floorRoundTrip,
  floorRoundTrip2,
  unbuffered,
} from '../threads/channel-cases.js';
import { bundleWorker } from '../threads/workers/bundle.js';
import { gorxEnv } from './gorx.js';
import { type Case, range, type Workload } from './harness.js';
import { fib } from './threads/work.js';
import {
  countingThread,
  echoThread,
  FIB,
  FloorPool,
  messageSeen,
  NOOP,
  oneWay,
  ringOneWay,
  ringThread,
  roundTrips,
  spinThread,
  wordSeen,
} from './threads-floors.js';

/** Threads per pool. */
export const THREADS = 2;

const root = new URL('../../', import.meta.url);

/** The gorx the other benchmarks load: the tsup bundle of lib/ (or lib/ itself with --source). */
async function loadGorx(): Promise<typeof import('gorx')> {
  const bundled = Object.values(gorxEnv)[0];
  return (bundled === undefined ? await import('gorx') : await import(bundled)) as typeof import('gorx');
}

const WORKERS = ['gorx', 'piscina', 'workerpool', 'floor'] as const;
type WorkerFile = (typeof WORKERS)[number];

let bundled: Promise<Record<WorkerFile, URL>> | undefined;

/** Bundles the worker files once per process; returns their URLs. */
function workerFiles(): Promise<Record<WorkerFile, URL>> {
  bundled ??= (async () => {
    const outdir = fileURLToPath(new URL('.bench-tmp/threads/', root));
    mkdirSync(outdir, { recursive: true });
    await build({
      entryPoints: WORKERS.map((w) => fileURLToPath(new URL(`./threads/${w}.worker.ts`, import.meta.url))),
      outdir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: ['piscina', 'workerpool'],
      tsconfig: fileURLToPath(new URL('tsconfig.json', root)),
      logLevel: 'warning',
    });
    const url = (w: WorkerFile) => pathToFileURL(`${outdir}${w}.worker.mjs`);
    return { gorx: url('gorx'), piscina: url('piscina'), workerpool: url('workerpool'), floor: url('floor') };
  })();
  return bundled;
}

/** Makes `make()` once, on first use. */
function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

const gorxPool = lazy(async () => {
  const [{ threadPool }, files] = await Promise.all([loadGorx(), workerFiles()]);
  return threadPool(() => new Worker(files.gorx), { size: THREADS });
});
const piscinaPool = lazy(
  async () =>
    new Piscina({ filename: (await workerFiles()).piscina.href, minThreads: THREADS, maxThreads: THREADS }),
);
const workerpoolPool = lazy(async () =>
  workerpool.pool(fileURLToPath((await workerFiles()).workerpool), {
    minWorkers: THREADS,
    maxWorkers: THREADS,
    workerType: 'thread',
  }),
);
/** The floor pool: 2 tasks in flight per thread for CPU-bound work (one runs, one travels)... */
const floorCpu = lazy(async () => new FloorPool((await workerFiles()).floor, THREADS, 2));
/** ...1, as `workerPool(2)` on 2 threads allows: a thread waits a round trip between tasks... */
const floorCpu1 = lazy(async () => new FloorPool((await workerFiles()).floor, THREADS, 1));
/** ...and 64 for tiny tasks, where the round trip is all there is. */
const floorTiny = lazy(async () => new FloorPool((await workerFiles()).floor, THREADS, 64));

/**
 * The pools running handler `name` once per argument: gorx through `workerPool(concurrency,
 * pool.fn(name))` and with every task handed to `pool.go` at once; the peers and the floor pool
 * with every task at once, as they are used.
 */
function poolCases(name: 'fib' | 'noop', args: readonly number[], concurrency: number): Case[] {
  const ops = args.length;
  const all = async (run: (x: number) => PromiseLike<unknown>) => {
    await Promise.all(args.map(run));
  };
  const floorCase = (variant: string, floor: () => Promise<FloorPool>): Case => ({
    kind: 'floor',
    lib: 'floor',
    variant,
    ops,
    run: async () => {
      const pool = await floor();
      await all((x) => pool.run(name === 'fib' ? FIB : NOOP, x));
    },
  });
  return [
    {
      kind: 'gorx',
      lib: 'gorx',
      variant: `workerPool(${concurrency}, pool.fn('${name}'))`,
      ops,
      floor: 'floor pool',
      run: async () => {
        const { workerPool } = await loadGorx();
        const pool = await gorxPool();
        await lastValueFrom(from(args).pipe(workerPool(concurrency, pool.fn<number, number>(name))));
      },
    },
    {
      kind: 'gorx',
      lib: 'gorx',
      variant: 'pool.go, all at once',
      ops,
      floor: 'floor pool',
      run: async () => {
        const pool = await gorxPool();
        await all((x) => pool.go(name, [x]));
      },
    },
    {
      kind: 'peer',
      lib: 'piscina',
      variant: 'run, all at once',
      ops,
      run: async () => {
        const pool = await piscinaPool();
        await all((x) => pool.run(x, { name }));
      },
    },
    {
      kind: 'peer',
      lib: 'workerpool',
      variant: 'exec, all at once',
      ops,
      run: async () => {
        const pool = await workerpoolPool();
        await all((x) => pool.exec(name, [x]));
      },
    },
    floorCase('floor pool', name === 'fib' ? floorCpu : floorTiny),
    ...(name === 'fib' ? [floorCase('floor pool, 1 task in flight per thread', floorCpu1)] : []),
  ];
}

/** `count` × fib(n) on each pool, and on the main thread. */
function cpuWorkload(count: number, n: number): Workload {
  const ns = range(count).map(() => n);
  const mainThread: Case = {
    kind: 'floor',
    lib: 'main thread',
    ops: count,
    run: () => {
      let sum = 0;
      for (const x of ns) sum += fib(x);
      return sum;
    },
  };
  return {
    id: `threads-fib${n}`,
    title: `Threads: ${count} × fib(${n}) on ${THREADS} threads`,
    unit: 'tasks',
    description: `One sample runs ${count} × fib(${n}) (CPU-bound) through the pool, or on the main thread; the speedup is a pool's rate ÷ the main thread's.`,
    cases: [...poolCases('fib', ns, THREADS), mainThread],
    minSamples: 5,
  };
}

export const TINY = 10_000;

/** No-op tasks through each pool. */
const tiny: Workload = {
  id: 'threads-noop',
  title: `Threads: ${TINY.toLocaleString('en-US')} no-op tasks on ${THREADS} threads`,
  unit: 'tasks',
  description:
    'One sample runs that many tasks that do nothing: what a pool costs per task (round trips, batching, bookkeeping).',
  minSamples: 5,
  cases: poolCases('noop', range(TINY), 256),
};

const ROUND_TRIPS = 2_000;
const echo = lazy(async () => echoThread((await workerFiles()).floor));

/** The raw round trip, main ↔ one thread. */
const roundTrip: Workload = {
  id: 'threads-roundtrip',
  title: 'Threads: MessagePort round trip, main ↔ one thread',
  unit: 'round trips',
  description: `One sample is ${ROUND_TRIPS.toLocaleString('en-US')} round trips of one number, each sent when the last came back: the wake-up cost an unbuffered cross-thread channel pays per value.`,
  minSamples: 5,
  cases: [
    {
      kind: 'floor',
      lib: 'floor',
      variant: 'raw MessagePort round trip',
      ops: ROUND_TRIPS,
      run: async () => roundTrips(await echo(), ROUND_TRIPS),
    },
  ],
};

const VALUES = 1 << 17;
const counter = lazy(async () => countingThread((await workerFiles()).floor));
const RING = 1024;
const ring = lazy(async () => ringThread((await workerFiles()).floor));

/** One-way rates at 1, 16 and 256 values per message. */
const oneWayWorkload: Workload = {
  id: 'threads-oneway',
  title: 'Threads: MessagePort one way, main → one thread',
  unit: 'values',
  description: `One sample sends ${VALUES.toLocaleString('en-US')} numbers to a thread that counts them, k to a message, and waits for its count: the floor a buffered cross-thread channel batches towards; and the same numbers through a SharedArrayBuffer ring, the floor of a shared-memory transport.`,
  minSamples: 5,
  cases: [
    ...[1, 16, 256].map(
      (k): Case => ({
        kind: 'floor',
        lib: 'floor',
        variant: `${k} value${k === 1 ? '' : 's'} per message`,
        ops: VALUES,
        run: async () => oneWay(await counter(), VALUES, k),
      }),
    ),
    {
      kind: 'floor',
      lib: 'floor',
      variant: `SharedArrayBuffer ring, ${RING} slots`,
      ops: VALUES,
      run: async () => ringOneWay(await ring(), VALUES, RING),
    },
  ],
};

/**
 * The pool of one thread the channel workloads run on: gorx from `lib/` (the channel cases and the
 * spec worker file share it), the worker file of the thread specs, which also serves the floors.
 */
const channelPool = lazy(async () => {
  const { url } = await bundleWorker('pool.worker.ts');
  return sourceThreadPool(() => new Worker(url), { size: 1 });
});

/** A gorx channel case against the floor named `floor`. */
const channelCase = (variant: string, ops: number, floor: string, run: () => Promise<unknown>): Case => ({
  kind: 'gorx',
  lib: 'gorx',
  variant,
  ops,
  floor,
  run,
});
const floorCase = (variant: string, ops: number, run: () => Promise<unknown>): Case => ({
  kind: 'floor',
  lib: 'floor',
  variant,
  ops,
  run,
});

/** Buffered channels main → one thread, next to the bare credit protocol and the raw one-way floor. */
const bufferedWorkload: Workload = {
  id: 'threads-buffered',
  title: 'Threads: buffered channel, main → one thread',
  unit: 'values',
  description: `One sample sends ${CHANNEL_VALUES.toLocaleString('en-US')} numbers on a \`Channel(c)\` to a task on the thread, which counts them: ranging faces (the sender uses \`trySend\` first, the thread subscribes) and Promise faces (\`await send\` per value, \`await recv\` per value). Floors written by hand on a MessagePort: the bare credit protocol at the same capacity (the sender holds c credits, the thread grants them back), and 256 numbers per message with no flow control. Batches of numbers ride a ring in shared memory (Node shares memory with its threads); at c = ${RING} also with that switched off, so that they go as where memory is not shared (in a Float64Array whose buffer is moved with the message), next to the floor of a SharedArrayBuffer ring written by hand (the sender fills what room there is, the thread sleeps on the ring while it is empty).`,
  minSamples: 5,
  cases: [
    ...[256, 4096].flatMap((c) => [
      channelCase(`Channel(${c}), ranging`, CHANNEL_VALUES, `bare credit protocol, c = ${c}`, async () =>
        bufferedChannel(await channelPool(), c, 'ranging'),
      ),
      channelCase(
        `Channel(${c}), Promise faces`,
        CHANNEL_VALUES,
        `bare credit protocol, c = ${c}`,
        async () => bufferedChannel(await channelPool(), c, 'promise'),
      ),
      floorCase(`bare credit protocol, c = ${c}`, CHANNEL_VALUES, async () =>
        floorCredit(await channelPool(), c),
      ),
    ]),
    floorCase('256 values per message', CHANNEL_VALUES, async () => floorOneWay(await channelPool())),
    channelCase(
      `Channel(${RING}), ranging`,
      CHANNEL_VALUES,
      `SharedArrayBuffer ring, ${RING} slots`,
      async () => bufferedChannel(await channelPool(), RING, 'ranging'),
    ),
    channelCase(
      `Channel(${RING}), ranging, without the ring`,
      CHANNEL_VALUES,
      `SharedArrayBuffer ring, ${RING} slots`,
      async () => {
        const pool = await channelPool();
        host.ring = false;
        try {
          return await bufferedChannel(pool, RING, 'ranging');
        } finally {
          host.ring = true;
        }
      },
    ),
    floorCase(`SharedArrayBuffer ring, ${RING} slots`, CHANNEL_VALUES, async () =>
      ringOneWay(await ring(), CHANNEL_VALUES, RING),
    ),
  ],
};

/** The label of the rows where the thread sleeps at once (`serve`'s `spin: 0`). */
const ASLEEP = 'the thread sleeps at once (spin: 0)';

/**
 * Runs `run` on the channel pool with its thread sleeping at once when it waits (`serve`'s
 * `spin: 0`), rather than reading its links for 50 µs first, as it does by default.
 */
async function sleeping<T>(run: (pool: ThreadPool) => Promise<T>): Promise<T> {
  const pool = await channelPool();
  const was = await pool.go<number>('spin', [0]);
  try {
    return await run(pool);
  } finally {
    await pool.go('spin', [was]);
  }
}

/** Values per sample at the small capacities, where every window costs a round trip. */
const SMALL = [
  [1, 20_000],
  [16, 200_000],
] as const;

/** Small capacities main → one thread (wake-up-bound), next to the bare credit protocol. */
const smallWorkload: Workload = {
  id: 'threads-small',
  title: 'Threads: small buffers, main → one thread',
  unit: 'values',
  description: `One sample sends ${SMALL.map(([c, n]) => `${n.toLocaleString('en-US')} numbers at c = ${c}`).join(' and ')} on a \`Channel(c)\` to a task on the thread, which counts them, ranging faces (the sender uses \`trySend\` first, the thread subscribes), next to the bare credit protocol at the same capacity: at these sizes each window of values waits for a round trip, so the rate is the wake-ups'. A receiver there that waits has the thread read its link's port for up to 50 µs before it sleeps, as \`serve\` does by default in Node; in the rows marked spin: 0, it sleeps at once.`,
  minSamples: 5,
  cases: SMALL.flatMap(([c, n]) => [
    channelCase(`Channel(${c}), ranging`, n, `bare credit protocol, c = ${c}`, async () =>
      bufferedChannel(await channelPool(), c, 'ranging', n),
    ),
    channelCase(`Channel(${c}), ranging, ${ASLEEP}`, n, `bare credit protocol, c = ${c}`, () =>
      sleeping(async (pool) => bufferedChannel(pool, c, 'ranging', n)),
    ),
    floorCase(`bare credit protocol, c = ${c}`, n, async () => floorCredit(await channelPool(), c, n)),
  ]),
};

/** Unbuffered round trips: main sends, the thread answers on another unbuffered channel. */
const unbufferedWorkload: Workload = {
  id: 'threads-unbuffered',
  title: 'Threads: unbuffered channel round trip, main ↔ one thread',
  unit: 'round trips',
  description: `One sample is ${CHANNEL_ROUND_TRIPS.toLocaleString('en-US')} round trips: main sends on a \`Channel(0)\`, a task on the thread answers on another, and main receives the answer before it sends again (also with the thread served with \`spin: 0\`, which sleeps at once rather than read its links for 50 µs first); the floor is a number echoed over a raw MessagePort, next to the same round trip shaped as the ping-pong is (a port per channel: each side posts two messages, one on each port, and goes on once both of the other side's came).`,
  minSamples: 5,
  cases: [
    channelCase('Channel(0) ping-pong', CHANNEL_ROUND_TRIPS, 'raw MessagePort round trip', async () =>
      unbuffered(await channelPool()),
    ),
    channelCase(`Channel(0) ping-pong, ${ASLEEP}`, CHANNEL_ROUND_TRIPS, 'raw MessagePort round trip', () =>
      sleeping(unbuffered),
    ),
    floorCase('raw MessagePort round trip', CHANNEL_ROUND_TRIPS, async () =>
      floorRoundTrip(await channelPool()),
    ),
    floorCase('raw round trip over two ports, two messages each way', CHANNEL_ROUND_TRIPS, async () =>
      floorRoundTrip2(await channelPool()),
    ),
  ],
};

/** Values per sample when threads share one channel: each receive there is a round trip. */
const FAN_VALUES = 50_000;

/** A pool of 2 threads for the fan-out cases. */
const fanPool = lazy(async () => {
  const { url } = await bundleWorker('pool.worker.ts');
  return sourceThreadPool(() => new Worker(url), { size: 2 });
});

/** One channel drained by one task, or by two on two threads (fan-out). */
const fanOutWorkload: Workload = {
  id: 'threads-fanout',
  title: 'Threads: one buffered channel, main → one or two receiving threads',
  unit: 'values',
  description: `One sample sends ${FAN_VALUES.toLocaleString('en-US')} numbers on a \`Channel(256)\` that tasks on the threads drain with one \`await recv()\` at a time: one task on one thread, or one task on each of two threads. A single receiving endpoint fetches a window ahead of its receiver; while two endpoints receive from one channel, each fetches only for a receiver waiting there (so that every receiver sees the channel's order), and every receive is a round trip to the channel's thread.`,
  minSamples: 5,
  cases: [
    channelCase(
      'Channel(256), one thread receives',
      FAN_VALUES,
      'Channel(256), one thread receives',
      async () => fanOut(await fanPool(), 1, 256, FAN_VALUES),
    ),
    channelCase(
      'Channel(256), two threads receive',
      FAN_VALUES,
      'Channel(256), one thread receives',
      async () => fanOut(await fanPool(), 2, 256, FAN_VALUES),
    ),
  ],
};

/** Values per sample in the Chromium page: channel-cases.ts's default (the page has no environment). */
const CHROMIUM_VALUES = 1_000_000;

/**
 * The Chromium page (chromium.page.ts and its module worker, bundled by esbuild and served over
 * HTTP, as module workers need), open in the headless Chromium of the browser specs; closed when
 * the process ends.
 */
const chromiumPages = new Map<boolean, () => Promise<Page>>();
const chromiumPage = (isolated: boolean): Promise<Page> => {
  let page = chromiumPages.get(isolated);
  if (page === undefined) chromiumPages.set(isolated, (page = lazy(() => openChromiumPage(isolated))));
  return page();
};

/** The page, plain or served with COOP/COEP in a Chromium that isolates it (memory shared with the worker). */
async function openChromiumPage(isolated: boolean): Promise<Page> {
  const dir = mkdtempSync(join(tmpdir(), 'gorx-bench-chromium-'));
  await build({
    entryPoints: ['chromium.page.ts', 'chromium.worker.ts'].map((f) =>
      fileURLToPath(new URL(`threads/${f}`, import.meta.url)),
    ),
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script type="module" src="./chromium.page.js"></script>',
  );
  const served = await serveFolder(dir, isolated);
  const browser = await launchChromium(isolated);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const page = await browser.newPage();
  await page.goto(served.url);
  await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
  if ((await page.evaluate(() => crossOriginIsolated)) !== isolated) {
    throw new Error(`the bench page should${isolated ? '' : ' not'} be cross-origin isolated`);
  }
  return page;
}

/** Prefix of the cases run on the cross-origin-isolated page. */
const ISOLATED = 'isolated page: ';

/** One case of the Chromium page, run there and timed here (a sample is long: the CDP call adds ~1 ms). */
const chromiumCase = (kind: 'gorx' | 'floor', variant: string, floor?: string): Case => ({
  kind,
  lib: kind,
  variant,
  ops: CHROMIUM_VALUES,
  floor,
  run: async () =>
    (await chromiumPage(variant.startsWith(ISOLATED))).evaluate(
      (name) => (globalThis as unknown as { benchCase(n: string): Promise<number> }).benchCase(name),
      variant.replace(ISOLATED, ''),
    ),
});

/** Buffered channels main → one module Web Worker in headless Chromium, next to the raw one-way floor. */
const chromiumWorkload: Workload = {
  id: 'threads-chromium',
  title: 'Threads: buffered channel, main → one Web Worker (Chromium)',
  unit: 'values',
  description: `One sample sends ${CHROMIUM_VALUES.toLocaleString('en-US')} numbers from a page on a \`Channel(c)\` to a task on a module Web Worker, which counts them, ranging faces on both sides, in the headless Chromium of the browser specs (no cross-origin isolation), and on a page served with COOP/COEP in a Chromium that isolates it (numbers go through a ring in shared memory); the floor is 256 numbers per message on a raw MessagePort to the same worker, next to the bare credit protocol at c = 256 (the sender holds 256 credits, the worker grants them back): at that capacity every window waits for a round trip, so it shows what any flow-controlled channel of 256 can reach there.`,
  minSamples: 5,
  cases: [
    chromiumCase('gorx', 'Channel(256), ranging', '256 values per message'),
    chromiumCase('gorx', 'Channel(4096), ranging', '256 values per message'),
    chromiumCase('floor', '256 values per message'),
    chromiumCase('floor', 'bare credit protocol, c = 256'),
    chromiumCase('gorx', `${ISOLATED}Channel(256), ranging`, `${ISOLATED}256 values per message`),
    chromiumCase('gorx', `${ISOLATED}Channel(4096), ranging`, `${ISOLATED}256 values per message`),
    chromiumCase('floor', `${ISOLATED}256 values per message`),
    chromiumCase('floor', `${ISOLATED}bare credit protocol, c = 256`),
  ],
};

/** The thread workloads, in the order the report shows them. */
export const threadWorkloads: readonly Workload[] = [
  cpuWorkload(400, 25),
  cpuWorkload(100, 28),
  tiny,
  roundTrip,
  oneWayWorkload,
  bufferedWorkload,
  smallWorkload,
  chromiumWorkload,
  unbufferedWorkload,
  fanOutWorkload,
];

/** Cancellation latencies of one way of cancelling: median and 99th percentile, in ms. */
export interface LatencyRow {
  readonly kind: 'gorx' | 'floor';
  readonly variant: string;
  /** The floor row (by variant) it is held to. */
  readonly floor?: string;
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
  /** Tasks whose thread was terminated instead of the task ending by its context (gorx rows). */
  readonly terminated?: number;
}

/** Cancellations measured per way, interleaved round by round after a warm-up. */
export const CANCELS = 300;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.floor(p * (sorted.length - 1))] ?? Number.NaN;

/**
 * Cancellation latency (THREADS.md C1): from `cancel()` to the settlement of a task that honours
 * it — one awaiting `ctx.done`, one spinning on `ctx.err` in a synchronous loop (the shared cancel
 * word) — next to the floors of the same run: a message round trip to an idle thread, and a shared
 * word set under a spinning thread that answers when it sees it. Each sample starts from a thread
 * that has been waiting (or spinning) for 2 ms.
 */
export async function measureCancel(log: (line: string) => void): Promise<LatencyRow[]> {
  const files = await workerFiles();
  const { background, threadPool, withCancel, WorkerExitError } = await loadGorx();
  const pool = threadPool(() => new Worker(files.gorx), { size: 1 });
  const echo = echoThread(files.floor);
  const spin = spinThread(files.floor);
  const terminated = { awaitCancel: 0, spinUntilCancel: 0 };
  const gorxSeen = async (handler: 'awaitCancel' | 'spinUntilCancel'): Promise<number> => {
    const [ctx, cancel] = withCancel(background());
    const task = pool.go(handler, [], ctx);
    await new Promise((resolve) => setTimeout(resolve, 2));
    const t0 = performance.now();
    cancel();
    await task.then(undefined, (error: unknown) => {
      if (error instanceof WorkerExitError) terminated[handler]++;
    });
    return performance.now() - t0;
  };
  const ways = [
    { kind: 'floor', variant: 'message to an idle thread', seen: () => messageSeen(echo) },
    { kind: 'floor', variant: 'shared word under a spinning thread', seen: () => wordSeen(spin) },
    {
      kind: 'gorx',
      variant: 'a task awaiting ctx.done',
      floor: 'message to an idle thread',
      seen: () => gorxSeen('awaitCancel'),
      handler: 'awaitCancel',
    },
    {
      kind: 'gorx',
      variant: 'a synchronous loop reading ctx.err',
      floor: 'shared word under a spinning thread',
      seen: () => gorxSeen('spinUntilCancel'),
      handler: 'spinUntilCancel',
    },
  ] as const;
  const times = ways.map((): number[] => []);
  for (let round = -30; round < CANCELS; round++) {
    for (const [i, way] of ways.entries()) {
      const ms = await way.seen();
      if (round >= 0) times[i]!.push(ms);
    }
  }
  await pool.close();
  await Promise.all([echo.terminate(), spin.terminate()]);
  return ways.map((way, i) => {
    const sorted = times[i]!.sort((a, b) => a - b);
    const row: LatencyRow = {
      kind: way.kind,
      variant: way.variant,
      ...('floor' in way ? { floor: way.floor, terminated: terminated[way.handler] } : {}),
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      samples: sorted.length,
    };
    log(
      `  ${way.kind} (${way.variant}): p50 ${(row.p50 * 1000).toFixed(0)} µs, p99 ${(row.p99 * 1000).toFixed(0)} µs`,
    );
    return row;
  });
}
