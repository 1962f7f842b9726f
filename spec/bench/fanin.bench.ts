import { Channel as AsyncChannel } from 'async-channel';
import { Effect, Queue } from 'effect';
import { Chan } from 'ts-chan';
import { FloorChannel } from './floors.js';
import { Channel } from './gorx.js';
import type { Case, Workload } from './harness.js';
import { csp, cspRun } from './peers.js';

const PRODUCERS = 4;
const PER_PRODUCER = 10_000;
const N = PRODUCERS * PER_PRODUCER;

// Four producers send into one unbuffered channel; one consumer receives everything. Each
// library gets its own loops, so that one library's call sites never become polymorphic
// because of another's.

function gorxFanIn(): Promise<unknown> {
  const ch = new Channel<number>(0);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < PER_PRODUCER; i++) await ch.send(i);
  };
  const consumer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.recv();
  };
  return Promise.all([consumer(), ...Array.from({ length: PRODUCERS }, producer)]);
}

function asyncChannelFanIn(): Promise<unknown> {
  const ch = new AsyncChannel<number>(0);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < PER_PRODUCER; i++) await ch.push(i);
  };
  const consumer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.get();
  };
  return Promise.all([consumer(), ...Array.from({ length: PRODUCERS }, producer)]);
}

function tsChanFanIn(): Promise<unknown> {
  const ch = new Chan<number>(0);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < PER_PRODUCER; i++) await ch.send(i);
  };
  const consumer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.recv();
  };
  return Promise.all([consumer(), ...Array.from({ length: PRODUCERS }, producer)]);
}

function floorFanIn(): Promise<unknown> {
  const ch = new FloorChannel<number>(0);
  const producer = async (): Promise<void> => {
    for (let i = 0; i < PER_PRODUCER; i++) await ch.send(i);
  };
  const consumer = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await ch.recv();
  };
  return Promise.all([consumer(), ...Array.from({ length: PRODUCERS }, producer)]);
}

function cspFanIn(): Promise<unknown> {
  const ch = csp.chan<number>();
  const tasks = [
    cspRun(function* () {
      for (let i = 0; i < N; i++) yield csp.take(ch);
    }),
  ];
  for (let p = 0; p < PRODUCERS; p++) {
    tasks.push(
      cspRun(function* () {
        for (let i = 0; i < PER_PRODUCER; i++) yield csp.put(ch, i);
      }),
    );
  }
  return Promise.all(tasks);
}

/** Effect has no rendezvous queue: the closest shape is a queue of capacity 1. */
const effectFanIn = Effect.gen(function* () {
  const q = yield* Queue.bounded<number>(1);
  const producer = Effect.gen(function* () {
    for (let i = 0; i < PER_PRODUCER; i++) yield* Queue.offer(q, i);
  });
  const consumer = Effect.gen(function* () {
    for (let i = 0; i < N; i++) yield* Queue.take(q);
  });
  yield* Effect.all([consumer, ...Array.from({ length: PRODUCERS }, () => producer)], {
    concurrency: 'unbounded',
    discard: true,
  });
});

const cases: Case[] = [
  { kind: 'gorx', lib: 'gorx', variant: 'Promise', ops: N, run: gorxFanIn },
  { kind: 'peer', lib: 'async-channel', ops: N, run: asyncChannelFanIn },
  { kind: 'peer', lib: 'ts-chan', ops: N, run: tsChanFanIn },
  { kind: 'peer', lib: 'js-csp', ops: N, run: cspFanIn },
  {
    kind: 'peer',
    lib: 'effect',
    variant: 'Queue.bounded(1)',
    ops: N,
    run: () => Effect.runPromise(effectFanIn),
  },
  { kind: 'floor', lib: 'floor', variant: 'promise ring', ops: N, run: floorFanIn },
];

export const fanin: Workload = {
  id: 'fanin',
  title: `Fan-in: ${PRODUCERS} producers → 1 unbuffered channel → 1 consumer`,
  unit: 'values',
  description: `${PRODUCERS} producers send ${PER_PRODUCER.toLocaleString('en-US')} values each per sample into one unbuffered channel; one consumer receives all of them.`,
  cases,
};
