import { Channel as AsyncChannel } from 'async-channel';
import { Effect, Queue } from 'effect';
import { Chan } from 'ts-chan';
import { FloorChannel } from './floors.js';
import { Channel } from './gorx.js';
import type { Case, Workload } from './harness.js';
import { csp, cspRun } from './peers.js';

const CAP = 128;
const N = 50_000;

// Each library gets its own loops (no shared generic helper), so that one library's call
// sites never become polymorphic because of another's.

function check(n: number): void {
  if (n !== N) throw new Error(`received ${n} of ${N}`);
}

function gorxPromise(): Promise<unknown> {
  const ch = new Channel<number>(CAP);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.send(i);
  };
  const consumer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.recv();
  };
  return Promise.all([producer(), consumer()]);
}

function gorxForAwait(): Promise<unknown> {
  const ch = new Channel<number>(CAP);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.send(i);
    ch.close();
  };
  const consumer = async (): Promise<void> => {
    let n = 0;
    for await (const _ of ch) n++;
    check(n);
  };
  return Promise.all([producer(), consumer()]);
}

function gorxSubscribe(): Promise<unknown> {
  const ch = new Channel<number>(CAP);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.send(i);
    ch.close();
  };
  const consumed = new Promise<void>((resolve, reject) => {
    let n = 0;
    ch.subscribe({
      next: () => {
        n++;
      },
      error: reject,
      complete: () => {
        check(n);
        resolve();
      },
    });
  });
  return Promise.all([producer(), consumed]);
}

function asyncChannelGet(): Promise<unknown> {
  const ch = new AsyncChannel<number>(CAP);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.push(i);
  };
  const consumer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.get();
  };
  return Promise.all([producer(), consumer()]);
}

function asyncChannelForAwait(): Promise<unknown> {
  const ch = new AsyncChannel<number>(CAP);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.push(i);
    ch.close();
  };
  const consumer = async (): Promise<void> => {
    let n = 0;
    for await (const _ of ch) n++;
    check(n);
  };
  return Promise.all([producer(), consumer()]);
}

function tsChanRecv(): Promise<unknown> {
  const ch = new Chan<number>(CAP);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.send(i);
  };
  const consumer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.recv();
  };
  return Promise.all([producer(), consumer()]);
}

function tsChanForAwait(): Promise<unknown> {
  const ch = new Chan<number>(CAP);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.send(i);
    ch.close();
  };
  const consumer = async (): Promise<void> => {
    let n = 0;
    for await (const _ of ch) n++;
    check(n);
  };
  return Promise.all([producer(), consumer()]);
}

function cspBuffered(): Promise<unknown> {
  const ch = csp.chan<number>(CAP);
  return Promise.all([
    cspRun(function* () {
      for (let i = 0; i < N; i++) yield csp.put(ch, i);
    }),
    cspRun(function* () {
      for (let i = 0; i < N; i++) yield csp.take(ch);
    }),
  ]);
}

const effectBuffered = Effect.gen(function* () {
  const q = yield* Queue.bounded<number>(CAP);
  const producer = Effect.gen(function* () {
    for (let i = 0; i < N; i++) yield* Queue.offer(q, i);
  });
  const consumer = Effect.gen(function* () {
    for (let i = 0; i < N; i++) yield* Queue.take(q);
  });
  yield* Effect.all([producer, consumer], { concurrency: 2, discard: true });
});

function floorBuffered(): Promise<unknown> {
  const ch = new FloorChannel<number>(CAP);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.send(i);
  };
  const consumer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.recv();
  };
  return Promise.all([producer(), consumer()]);
}

const cases: Case[] = [
  { kind: 'gorx', lib: 'gorx', variant: 'Promise', ops: N, run: gorxPromise },
  { kind: 'gorx', lib: 'gorx', variant: 'for await', ops: N, run: gorxForAwait },
  { kind: 'gorx', lib: 'gorx', variant: 'subscribe', ops: N, run: gorxSubscribe },
  { kind: 'peer', lib: 'async-channel', variant: 'get', ops: N, run: asyncChannelGet },
  { kind: 'peer', lib: 'async-channel', variant: 'for await', ops: N, run: asyncChannelForAwait },
  { kind: 'peer', lib: 'ts-chan', variant: 'recv', ops: N, run: tsChanRecv },
  { kind: 'peer', lib: 'ts-chan', variant: 'for await', ops: N, run: tsChanForAwait },
  { kind: 'peer', lib: 'js-csp', ops: N, run: cspBuffered },
  {
    kind: 'peer',
    lib: 'effect',
    variant: 'Queue.bounded',
    ops: N,
    run: () => Effect.runPromise(effectBuffered),
  },
  { kind: 'floor', lib: 'floor', variant: 'promise ring', ops: N, run: floorBuffered },
];

export const buffered: Workload = {
  id: 'buffered',
  title: `Buffered producer → consumer (capacity ${CAP})`,
  unit: 'values',
  description: `One producer sends ${N.toLocaleString('en-US')} values per sample into a channel of capacity ${CAP}; one consumer receives them.`,
  cases,
};
