import { Chan, Select, recv as tsRecv } from 'ts-chan';
import { FloorChannel, floorSelect } from './floors.js';
import { Channel, recv, select, select$ } from './gorx.js';
import type { Case, Workload } from './harness.js';
import { csp, cspRun } from './peers.js';

const WAYS = 4;
const N = 10_000;

// A producer sends to the four unbuffered channels in turn; the consumer selects over all four.
// Each library gets its own loops, so that one library's call sites never become polymorphic
// because of another's.

function gorxSelect(): Promise<unknown> {
  const chans = Array.from({ length: WAYS }, () => new Channel<number>(0));
  const [a, b, c, d] = chans as [Channel<number>, Channel<number>, Channel<number>, Channel<number>];
  const producer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await chans[i % WAYS]!.send(i);
  };
  const consumer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await select({ a: recv(a), b: recv(b), c: recv(c), d: recv(d) });
  };
  return Promise.all([producer(), consumer()]);
}

/** select$ parked by a synchronous subscription, completed by a synchronous trySend. */
function gorxSelectSync(): void {
  const chans = Array.from({ length: WAYS }, () => new Channel<number>(0));
  const [a, b, c, d] = chans as [Channel<number>, Channel<number>, Channel<number>, Channel<number>];
  let selected = 0;
  for (let i = 0; i < N; i++) {
    select$({ a: recv(a), b: recv(b), c: recv(c), d: recv(d) }).subscribe(() => {
      selected++;
    });
    if (!chans[i % WAYS]!.trySend(i)) throw new Error('select not waiting');
  }
  if (selected !== N) throw new Error(`selected ${selected} of ${N}`);
}

function tsChanSelect(): Promise<unknown> {
  const chans = Array.from({ length: WAYS }, () => new Chan<number>(0));
  const producer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await chans[i % WAYS]!.send(i);
  };
  const consumer = async (): Promise<void> => {
    const sel = new Select(chans.map((ch) => tsRecv(ch)));
    for (let i = 0; i < N; i++) {
      const k = await sel.wait();
      sel.recv(sel.cases[k]!);
    }
  };
  return Promise.all([producer(), consumer()]);
}

function cspSelect(): Promise<unknown> {
  const chans = Array.from({ length: WAYS }, () => csp.chan<number>());
  return Promise.all([
    cspRun(function* () {
      for (let i = 0; i < N; i++) yield csp.put(chans[i % WAYS]!, i);
    }),
    cspRun(function* () {
      for (let i = 0; i < N; i++) yield csp.alts(chans);
    }),
  ]);
}

function floorSelectRun(): Promise<unknown> {
  const chans = Array.from({ length: WAYS }, () => new FloorChannel<number>(0));
  const producer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await chans[i % WAYS]!.send(i);
  };
  const consumer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await floorSelect(chans);
  };
  return Promise.all([producer(), consumer()]);
}

const cases: Case[] = [
  { kind: 'gorx', lib: 'gorx', variant: 'select', ops: N, run: gorxSelect },
  { kind: 'gorx', lib: 'gorx', variant: 'select$ + trySend', ops: N, run: gorxSelectSync },
  { kind: 'peer', lib: 'ts-chan', variant: 'Select.wait', ops: N, run: tsChanSelect },
  { kind: 'peer', lib: 'js-csp', variant: 'alts', ops: N, run: cspSelect },
  { kind: 'floor', lib: 'floor', variant: 'promise ring', ops: N, run: floorSelectRun },
];

export const selectWorkload: Workload = {
  id: 'select',
  title: `select over ${WAYS} channels, one ready at a time`,
  unit: 'selects',
  description: [
    `A producer sends to ${WAYS} unbuffered channels in turn; the consumer receives with a select over`,
    `all ${WAYS}, ${N.toLocaleString('en-US')} selects per sample. With Promises the producer is usually parked on its send`,
    'when the consumer selects, so the select mostly finds a case ready; `select$ + trySend` always',
    `parks first (a registration on each of the ${WAYS} channels, ${WAYS - 1} withdrawn when one case wins), then a`,
    'synchronous `trySend` completes it.',
  ].join('\n'),
  cases,
};
