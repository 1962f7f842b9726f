import { Effect } from 'effect';
import pLimit from 'p-limit';
import pMap from 'p-map';
import { mergeMap, type Observable, range as rxRange } from 'rxjs';
import { floorPool } from './floors.js';
import { Channel, needs } from './gorx.js';
import { type Case, range, trivialTask, type Workload } from './harness.js';

const TASKS = 100_000;
const CONCURRENCY = 8;

function drain(results: Observable<unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    let n = 0;
    results.subscribe({
      next: () => {
        n++;
      },
      error: reject,
      complete: () => (n === TASKS ? resolve() : reject(new Error(`got ${n} of ${TASKS} results`))),
    });
  });
}

const cases: Case[] = [
  needs('workerPool', 'over rxjs range', (workerPool) => ({
    ops: TASKS,
    run: () => drain(rxRange(0, TASKS).pipe(workerPool(CONCURRENCY, (v: number) => trivialTask(v)))),
  })),
  needs('workerPool', 'over a Channel(128)', (workerPool) => ({
    ops: TASKS,
    run: () => {
      const jobs = new Channel<number>(128);
      const producer = async (): Promise<void> => {
        for (let i = 0; i < TASKS; i++) await jobs.send(i);
        jobs.close();
      };
      return Promise.all([
        producer(),
        drain(jobs.pipe(workerPool(CONCURRENCY, (v: number) => trivialTask(v)))),
      ]);
    },
  })),
  {
    kind: 'peer',
    lib: 'rxjs',
    variant: `mergeMap(fn, ${CONCURRENCY})`,
    ops: TASKS,
    run: () => drain(rxRange(0, TASKS).pipe(mergeMap((v) => trivialTask(v), CONCURRENCY))),
  },
  {
    kind: 'peer',
    lib: 'p-limit',
    ops: TASKS,
    run: () => {
      const limit = pLimit(CONCURRENCY);
      return Promise.all(range(TASKS).map((i) => limit(() => trivialTask(i))));
    },
  },
  {
    kind: 'peer',
    lib: 'p-map',
    ops: TASKS,
    run: () => pMap(range(TASKS), trivialTask, { concurrency: CONCURRENCY }),
  },
  {
    kind: 'peer',
    lib: 'effect',
    variant: 'Effect.forEach',
    ops: TASKS,
    run: () =>
      Effect.runPromise(
        Effect.forEach(range(TASKS), (i) => Effect.promise(() => trivialTask(i)), {
          concurrency: CONCURRENCY,
        }),
      ),
  },
  {
    kind: 'floor',
    lib: 'floor',
    variant: `${CONCURRENCY} async workers`,
    ops: TASKS,
    run: () => floorPool(TASKS, CONCURRENCY, trivialTask),
  },
];

export const pool: Workload = {
  id: 'pool',
  title: `Worker pool: ${TASKS.toLocaleString('en-US')} trivial async tasks, concurrency ${CONCURRENCY}`,
  unit: 'tasks',
  description: `Each task returns an already-resolved promise; one sample runs all ${TASKS.toLocaleString('en-US')} tasks with at most ${CONCURRENCY} in flight.`,
  cases,
  minSamples: 3,
};
