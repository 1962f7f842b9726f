import { Channel as AsyncChannel } from 'async-channel';
import { Chan } from 'ts-chan';
import { FloorChannel, SyncHandoff } from './floors.js';
import { Channel } from './gorx.js';
import type { Case, Workload } from './harness.js';
import { csp, cspRun } from './peers.js';

const N = 10_000;

// Each library gets its own loops (no shared generic helper), so that one library's call
// sites never become polymorphic because of another's.

function gorxPromise(): Promise<unknown> {
  const ping = new Channel<number>(0);
  const pong = new Channel<number>(0);
  const server = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await pong.send((await ping.recv()).value!);
  };
  const client = async (): Promise<void> => {
    for (let i = 0; i < N; i++) {
      await ping.send(i);
      await pong.recv();
    }
  };
  return Promise.all([server(), client()]);
}

function asyncChannelPingPong(): Promise<unknown> {
  const ping = new AsyncChannel<number>(0);
  const pong = new AsyncChannel<number>(0);
  const server = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await pong.push(await ping.get());
  };
  const client = async (): Promise<void> => {
    for (let i = 0; i < N; i++) {
      await ping.push(i);
      await pong.get();
    }
  };
  return Promise.all([server(), client()]);
}

function tsChanPingPong(unsafe: boolean): Promise<unknown> {
  const ping = new Chan<number>(0).setUnsafe(unsafe);
  const pong = new Chan<number>(0).setUnsafe(unsafe);
  const server = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await pong.send((await ping.recv()).value!);
  };
  const client = async (): Promise<void> => {
    for (let i = 0; i < N; i++) {
      await ping.send(i);
      await pong.recv();
    }
  };
  return Promise.all([server(), client()]);
}

function floorPingPong(): Promise<unknown> {
  const ping = new FloorChannel<number>(0);
  const pong = new FloorChannel<number>(0);
  const server = async (): Promise<void> => {
    for (let i = 0; i < N; i++) await pong.send(await ping.recv());
  };
  const client = async (): Promise<void> => {
    for (let i = 0; i < N; i++) {
      await ping.send(i);
      await pong.recv();
    }
  };
  return Promise.all([server(), client()]);
}

/**
 * Ping-pong without promises: each side parks a callback receive on its channel before the other
 * side sends synchronously, so every round trip is two parked receives and two sync sends.
 */
function gorxCallbackPingPong(): void {
  const ping = new Channel<number>(0);
  const pong = new Channel<number>(0);
  let served = 0;
  const serve = (): void => {
    ping.recv$().subscribe((v) => {
      served++;
      serve();
      if (!pong.trySend(v)) throw new Error('client not waiting');
    });
  };
  serve();
  let received = 0;
  for (let i = 0; i < N; i++) {
    pong.recv$().subscribe(() => {
      received++;
    });
    if (!ping.trySend(i)) throw new Error('server not waiting');
  }
  if (served !== N || received !== N) throw new Error(`lost round trips: ${served}/${received}`);
}

/**
 * Ping-pong on ranging subscriptions: each side subscribes once and answers with a synchronous
 * `trySend`, so a round trip is two synchronous hand-offs to re-parked subscribers.
 */
function gorxRangingPingPong(): void {
  const ping = new Channel<number>(0);
  const pong = new Channel<number>(0);
  const server = ping.subscribe((v) => {
    if (!pong.trySend(v)) throw new Error('client not waiting');
  });
  let received = 0;
  const client = pong.subscribe(() => {
    received++;
  });
  for (let i = 0; i < N; i++) if (!ping.trySend(i)) throw new Error('server not waiting');
  server.unsubscribe();
  client.unsubscribe();
  if (received !== N) throw new Error(`lost round trips: ${received}`);
}

function floorSyncPingPong(): void {
  const ping = new SyncHandoff<number>();
  const pong = new SyncHandoff<number>();
  let received = 0;
  const serve = (): void => {
    ping.recv((v) => {
      serve();
      if (!pong.trySend(v)) throw new Error('client not waiting');
    });
  };
  serve();
  for (let i = 0; i < N; i++) {
    pong.recv(() => {
      received++;
    });
    if (!ping.trySend(i)) throw new Error('server not waiting');
  }
  if (received !== N) throw new Error('lost round trips');
}

function cspPingPong(): Promise<unknown> {
  const ping = csp.chan<number>();
  const pong = csp.chan<number>();
  return Promise.all([
    cspRun(function* () {
      for (let i = 0; i < N; i++) {
        const v: number = yield csp.take(ping);
        yield csp.put(pong, v);
      }
    }),
    cspRun(function* () {
      for (let i = 0; i < N; i++) {
        yield csp.put(ping, i);
        yield csp.take(pong);
      }
    }),
  ]);
}

const cases: Case[] = [
  { kind: 'gorx', lib: 'gorx', variant: 'Promise', ops: N, run: gorxPromise },
  {
    kind: 'gorx',
    lib: 'gorx',
    variant: 'recv$ + trySend',
    ops: N,
    run: gorxCallbackPingPong,
    floor: 'sync handoff',
  },
  {
    kind: 'gorx',
    lib: 'gorx',
    variant: 'subscribe + trySend',
    ops: N,
    run: gorxRangingPingPong,
    floor: 'sync handoff',
  },
  { kind: 'peer', lib: 'async-channel', ops: N, run: asyncChannelPingPong },
  { kind: 'peer', lib: 'ts-chan', ops: N, run: () => tsChanPingPong(false) },
  { kind: 'peer', lib: 'ts-chan', variant: 'setUnsafe(true)', ops: N, run: () => tsChanPingPong(true) },
  { kind: 'peer', lib: 'js-csp', ops: N, run: cspPingPong },
  { kind: 'floor', lib: 'floor', variant: 'promise ring', ops: N, run: floorPingPong },
  { kind: 'floor', lib: 'floor', variant: 'sync handoff', ops: N, run: floorSyncPingPong },
];

export const pingpong: Workload = {
  id: 'pingpong',
  title: 'Unbuffered ping-pong',
  unit: 'round trips',
  description: [
    `Two tasks bounce a value over two unbuffered channels, ${N.toLocaleString('en-US')} round trips per sample.`,
    '`recv$ + trySend` subscribes a one-shot `recv$()` for every receive; `subscribe + trySend`',
    'subscribes once to each channel (ranging) and answers with a synchronous `trySend`. Both are',
    'compared with the synchronous floor.',
  ].join('\n'),
  cases,
};
