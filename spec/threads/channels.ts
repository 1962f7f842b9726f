// Cross-thread channel throughput next to the bare MessagePort floors of the same run. Not a test:
// run `npx tsx spec/threads/channels.ts` (ROUNDS=n for more rounds, ONLY=0,1,3 for some rows; best and
// median are printed, and ratios are taken per round, to the floor of the same round).
//
// - one-way floor: arrays of 256 numbers posted on a MessagePort to a worker that counts them;
// - bare credit protocol at capacity 256 and 4096: the same, with the sender bounded by credits
//   the worker grants back (what a buffered cross-thread channel is, without gorx);
// - round-trip floor: one message echoed by the worker, k times;
// - buffered channel main → worker at capacity 256 and 4096: ranging faces (the sender uses
//   `trySend` first, the worker ranges by subscription) and Promise faces (`await send` per value,
//   `await recv` per value in the worker);
// - unbuffered round trips: main sends on one unbuffered channel and receives the answer on another.
import { Worker } from 'node:worker_threads';
import { threadPool } from '../../lib/threads/threadPool.js';
import { buffered, floorCredit, floorOneWay, floorRoundTrip, unbuffered } from './channel-cases.js';
import { bundleWorker } from './workers/bundle.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);

const { url, remove } = await bundleWorker('pool.worker.ts');
const pool = threadPool(() => new Worker(url), { size: 1 });

interface Row {
  readonly name: string;
  readonly run: () => Promise<number>;
  /** The row this one is compared with. */
  readonly floor?: number;
}

const CAPACITIES = [256, 4096] as const;
const rows: Row[] = [
  { name: 'floor: MessagePort one-way, 256 values per message (values/s)', run: () => floorOneWay(pool) },
  ...CAPACITIES.map((c) => ({
    name: `floor: bare credit protocol, capacity ${c} (values/s)`,
    run: () => floorCredit(pool, c),
    floor: 0,
  })),
  ...(['ranging', 'promise'] as const).flatMap((faces) =>
    CAPACITIES.map((c, i) => ({
      name: `Channel(${c}) main → worker, ${faces === 'ranging' ? 'ranging' : 'Promise'} faces (values/s)`,
      run: () => buffered(pool, c, faces),
      floor: 1 + i,
    })),
  ),
  { name: 'floor: MessagePort round trip (round trips/s)', run: () => floorRoundTrip(pool) },
  { name: 'Channel(0) round trip main ⇄ worker (round trips/s)', run: () => unbuffered(pool), floor: 7 },
];
/** Ratios to the raw 256-per-message floor as well. */
const RAW = 0;

const only = process.env.ONLY?.split(',').map(Number);
const picked = rows.map((_, i) => only === undefined || only.includes(i));
const results = rows.map(() => [] as number[]);
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < rows.length; i++) if (picked[i]) results[i]!.push(await rows[i]!.run());
}

const best = (xs: number[]) => Math.max(...xs);
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(1)}k`);
/** Best and median of the per-round ratios of row `i` to row `j` (same round, same load). */
const ratio = (i: number, j: number) => {
  const xs = results[i]!.map((x, r) => x / results[j]![r]!);
  return `best ${best(xs).toFixed(2)}, median ${median(xs).toFixed(2)}`;
};
for (let i = 0; i < rows.length; i++) {
  if (!picked[i]) continue;
  const xs = results[i]!;
  const { floor } = rows[i]!;
  let line = `${rows[i]!.name}: best ${fmt(best(xs))}, median ${fmt(median(xs))}`;
  if (floor !== undefined && picked[floor]) line += `  ÷ row ${floor}: ${ratio(i, floor)}`;
  if (floor !== undefined && floor !== RAW && i < 7 && picked[RAW])
    line += `  ÷ row ${RAW}: ${ratio(i, RAW)}`;
  console.log(`${i}. ${line}`);
}
await pool.close();
remove();
