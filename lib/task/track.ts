import { live, type PendingTasksLike } from '../internal/debug.js';
import { reportPanic } from '../internal/report.js';

export type { PendingTasksLike } from '../internal/debug.js';

/**
 * Reports every task started from now on by `go` (and by what starts tasks through it:
 * `WaitGroup.go`, `produce`, `workerPool`, errgroups) to `tracker` until the returned function is
 * called: `tracker.add()` when a task starts, the function it returned when the task ends. Any
 * object shaped like Angular's `PendingTasks` fits, so a zoneless app's `whenStable()` (and
 * server-side rendering) waits for gorx work without gorx depending on Angular. A task that never
 * ends keeps the tracker busy for good, as any Angular pending task does: give long-lived loops a
 * context that ends with their owner (`fromDestroyRef`). Errors thrown by the tracker are reported,
 * never thrown into the task.
 *
 * @example
 * ```ts
 * import { go, trackTasks } from 'gorx';
 *
 * let pending = 0;
 * const stop = trackTasks({ add: () => (pending++, () => pending--) });
 * const task = go(async () => 42);
 * console.log(pending); // 1
 * await task;
 * console.log(pending); // 0
 * stop();
 * ```
 * Angular: `trackTasks(inject(PendingTasks))`, e.g. in `provideAppInitializer` or a test's setup.
 */
export function trackTasks(tracker: PendingTasksLike): () => void {
  if (typeof tracker !== 'object' || tracker === null || typeof tracker.add !== 'function') {
    throw new TypeError('trackTasks: tracker must be an object with an add() method');
  }
  trackers = [...trackers, tracker];
  live.begin = begin;
  let tracking = true;
  return () => {
    if (!tracking) return;
    tracking = false;
    // Still registered while tracking, so the list holds it.
    const rest = trackers.slice();
    rest.splice(rest.indexOf(tracker), 1);
    trackers = rest;
    if (rest.length === 0) live.begin = null;
  };
}

/** The trackers every new task reports to. Replaced, never changed, so a running `begin` reads one list. */
let trackers: readonly PendingTasksLike[] = [];

/** Reports a new task to every tracker; returns what ends it there. A tracker's throw is reported. */
function begin(): () => void {
  const ends: (() => void)[] = [];
  for (const t of trackers) {
    try {
      const end = t.add();
      if (typeof end === 'function') ends.push(end);
    } catch (error) {
      reportPanic(error);
    }
  }
  return () => {
    for (const end of ends) {
      try {
        end();
      } catch (error) {
        reportPanic(error);
      }
    }
  };
}
