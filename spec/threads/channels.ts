// Cross-thread channel throughput next to the bare MessagePort floors of the same run. Not a test:
// run `npx tsx spec/threads/channels.ts` (ROUNDS=n for more rounds; best and median are printed).
//
// - one-way floor: arrays of 256 numbers posted on a MessagePort to a worker that counts them;
// - round-trip floor: one message echoed by the worker, k times;
// - buffered channel main → worker at capacity 256 and 4096: ranging faces (the sender uses
//   `trySend` first, the worker ranges by subscription) and Promise faces (`await send` per value,
//   `await recv` per value in the worker);
// - unbuffered round trips: main sends on one unbuffered channel and receives the answer on another.
import { Worker } from 'node:worker_threads';
import { Channel } from '../../lib/channel/Channel.js';
import { threadPool } from '../../lib/threads/threadPool.js';
import { transfer } from '../../lib/threads/wire.js';
import { bundleWorker } from './workers/bundle.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const N = Number(process.env.N ?? 1_000_000);
const RT = Number(process.env.RT ?? 20_000);

const { url, remove } = await bundleWorker('pool.worker.ts');
const pool = threadPool(() => new Worker(url), { size: 1 });

async function rate(count: number, run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return count / ((performance.now() - t0) / 1000);
}

async function floorOneWay(): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const task = pool.go('floorSink', [transfer(port2, [port2]), N]);
  const batch = Array.from({ length: 256 }, (_, i) => i);
  return rate(N, async () => {
    for (let sent = 0; sent < N; sent += 256) port1.postMessage(batch);
    await task;
    port1.close();
  });
}

async function floorRoundTrip(): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const task = pool.go('floorEcho', [transfer(port2, [port2]), RT]);
  return rate(RT, async () => {
    await new Promise<void>((resolve) => {
      let n = 0;
      port1.onmessage = () => {
        if (++n === RT) return resolve();
        port1.postMessage(n);
      };
      port1.postMessage(0);
    });
    await task;
    port1.close();
  });
}

async function buffered(capacity: number, faces: 'ranging' | 'promise'): Promise<number> {
  const ch = new Channel<number>(capacity);
  const task = pool.go<number>(faces === 'ranging' ? 'countRange' : 'countRecv', [ch]);
  return rate(N, async () => {
    if (faces === 'ranging') {
      for (let i = 0; i < N; i++) if (!ch.trySend(i)) await ch.send(i);
    } else for (let i = 0; i < N; i++) await ch.send(i);
    ch.close();
    const n = await task;
    if (n !== N) throw new Error(`received ${n} of ${N}`);
  });
}

async function unbuffered(): Promise<number> {
  const a = new Channel<number>();
  const b = new Channel<number>();
  const task = pool.go('pong', [a, b]);
  return rate(RT, async () => {
    for (let i = 0; i < RT; i++) {
      await a.send(i);
      await b.recv();
    }
    a.close();
    await task;
  });
}

const rows: [string, () => Promise<number>][] = [
  ['floor: MessagePort one-way, 256 values per message (values/s)', floorOneWay],
  ['Channel(256) main → worker, ranging faces (values/s)', () => buffered(256, 'ranging')],
  ['Channel(4096) main → worker, ranging faces (values/s)', () => buffered(4096, 'ranging')],
  ['Channel(256) main → worker, Promise faces (values/s)', () => buffered(256, 'promise')],
  ['Channel(4096) main → worker, Promise faces (values/s)', () => buffered(4096, 'promise')],
  ['floor: MessagePort round trip (round trips/s)', floorRoundTrip],
  ['Channel(0) round trip main ⇄ worker (round trips/s)', unbuffered],
];

const results = rows.map(() => [] as number[]);
for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < rows.length; i++) results[i]!.push(await rows[i]![1]());

const best = (xs: number[]) => Math.max(...xs);
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(1)}k`);
const floorOf = (i: number) => (i <= 4 ? results[0]! : results[5]!);
for (let i = 0; i < rows.length; i++) {
  const xs = results[i]!;
  const ratio =
    i === 0 || i === 5
      ? ''
      : `  ratio to floor: best ${(best(xs) / best(floorOf(i))).toFixed(2)}, median ${(median(xs) / median(floorOf(i))).toFixed(2)}`;
  console.log(`${rows[i]![0]}: best ${fmt(best(xs))}, median ${fmt(median(xs))}${ratio}`);
}
await pool.close();
remove();
