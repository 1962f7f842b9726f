import { Channel as AsyncChannel } from 'async-channel';
import { Mutex as AsyncMutex, Semaphore as AsyncSemaphore } from 'async-mutex';
import { Effect, Semaphore } from 'effect';
import { FloorMutex, FloorSemaphore } from './floors.js';
import { needs } from './gorx.js';
import type { Case, Workload } from './harness.js';

const TASKS = 8;
const CYCLES = 10_000;
const OPS = TASKS * CYCLES;
const PERMITS = 4;

/** The critical section: one await of an already-resolved promise. */
const tick: Promise<void> = Promise.resolve();

/**
 * Runs `TASKS` copies of `worker`. Each library writes its own worker loop, so that one
 * library's call sites never become polymorphic because of another's.
 */
function contend(worker: () => Promise<void>): Promise<unknown> {
  return Promise.all(Array.from({ length: TASKS }, worker));
}

/** The same with Effect fibers holding `permits` of a `Semaphore` around the critical section. */
function effectContend(permits: number): Effect.Effect<void> {
  return Effect.gen(function* () {
    const sem = yield* Semaphore.make(permits);
    const critical = sem.withPermit(Effect.promise(() => tick));
    const worker = Effect.gen(function* () {
      for (let i = 0; i < CYCLES; i++) yield* critical;
    });
    yield* Effect.all(
      Array.from({ length: TASKS }, () => worker),
      { concurrency: 'unbounded', discard: true },
    );
  });
}

/** async-channel pre-filled with `tokens`: receive a token to enter, send it back to leave. */
function tokenChannel(tokens: number): Promise<unknown> {
  const ch = new AsyncChannel<true>(tokens);
  for (let i = 0; i < tokens; i++) void ch.push(true);
  return contend(async () => {
    for (let i = 0; i < CYCLES; i++) {
      await ch.get();
      await tick;
      void ch.push(true);
    }
  });
}

const mutexCases: Case[] = [
  needs('Mutex', 'lock() → Unlock', (Mutex) => ({
    ops: OPS,
    run: () => {
      const mu = new Mutex();
      return contend(async () => {
        for (let i = 0; i < CYCLES; i++) {
          const unlock = await mu.lock();
          await tick;
          unlock();
        }
      });
    },
  })),
  {
    kind: 'peer',
    lib: 'async-mutex',
    variant: 'Mutex',
    ops: OPS,
    run: () => {
      const mu = new AsyncMutex();
      return contend(async () => {
        for (let i = 0; i < CYCLES; i++) {
          const release = await mu.acquire();
          await tick;
          release();
        }
      });
    },
  },
  { kind: 'peer', lib: 'async-channel', variant: 'as a lock', ops: OPS, run: () => tokenChannel(1) },
  {
    kind: 'peer',
    lib: 'effect',
    variant: 'Semaphore(1)',
    ops: OPS,
    run: () => Effect.runPromise(effectContend(1)),
  },
  {
    kind: 'floor',
    lib: 'floor',
    variant: 'FIFO promise mutex',
    ops: OPS,
    run: () => {
      const mu = new FloorMutex();
      return contend(async () => {
        for (let i = 0; i < CYCLES; i++) {
          await mu.lock();
          await tick;
          mu.unlock();
        }
      });
    },
  },
];

const semaphoreCases: Case[] = [
  needs('Semaphore', `Semaphore(${PERMITS})`, (GorxSemaphore) => ({
    ops: OPS,
    run: () => {
      const sem = new GorxSemaphore(PERMITS);
      return contend(async () => {
        for (let i = 0; i < CYCLES; i++) {
          await sem.acquire(1);
          await tick;
          sem.release(1);
        }
      });
    },
  })),
  {
    kind: 'peer',
    lib: 'async-mutex',
    variant: `Semaphore(${PERMITS})`,
    ops: OPS,
    run: () => {
      const sem = new AsyncSemaphore(PERMITS);
      return contend(async () => {
        for (let i = 0; i < CYCLES; i++) {
          const [, release] = await sem.acquire();
          await tick;
          release();
        }
      });
    },
  },
  {
    kind: 'peer',
    lib: 'async-channel',
    variant: `${PERMITS} tokens`,
    ops: OPS,
    run: () => tokenChannel(PERMITS),
  },
  {
    kind: 'peer',
    lib: 'effect',
    variant: `Semaphore(${PERMITS})`,
    ops: OPS,
    run: () => Effect.runPromise(effectContend(PERMITS)),
  },
  {
    kind: 'floor',
    lib: 'floor',
    variant: 'FIFO promise semaphore',
    ops: OPS,
    run: () => {
      const sem = new FloorSemaphore(PERMITS);
      return contend(async () => {
        for (let i = 0; i < CYCLES; i++) {
          await sem.acquire();
          await tick;
          sem.release();
        }
      });
    },
  },
];

const shape = `${TASKS} tasks × ${CYCLES.toLocaleString('en-US')} cycles per sample; a cycle is acquire, \`await\` of a resolved promise, release.`;

export const mutex: Workload = {
  id: 'mutex',
  title: 'Mutex under contention',
  unit: 'lock cycles',
  description: shape,
  cases: mutexCases,
};

export const semaphore: Workload = {
  id: 'semaphore',
  title: `Semaphore(${PERMITS}) under contention`,
  unit: 'acquire cycles',
  description: shape,
  cases: semaphoreCases,
};
