// goleak for gorx: the registry of live tasks (`live.tasks`) and the count of parked operations
// (`activity.parked`) are compared with a baseline, retrying with growing real-time sleeps so tasks
// that are on their way out can finish (LK2).
import { activity, live } from '../internal/debug.js';
import { count, duration, flag, fn, options } from '../internal/validate.js';
import { liveTasks } from './deadlock.js';
import { LeakError, type LiveTask } from './errors.js';

/**
 * The host's `setTimeout`, taken when this module loads: fake timers (Vitest's, Jest's) installed
 * later replace the global one but not this, so the retries keep waiting in real time.
 */
const realSetTimeout: typeof setTimeout = globalThis.setTimeout.bind(globalThis);

/** What was alive when `snapshotLive()` was called: tasks and the parked-operation count. */
export interface LiveSnapshot {
  readonly tasks: ReadonlySet<object>;
  readonly parked: number;
}

/** Options of `verifyNoLeaks`. */
export interface VerifyNoLeaksOptions {
  /** Ignore what was alive at this snapshot (goleak's `IgnoreCurrent`). */
  ignore?: LiveSnapshot;
  /**
   * Ignore tasks this returns `true` for (by `name`, or by `created`, the creation stack).
   * Parked operations cannot be traced to a task, so with a filter only tasks are checked.
   */
  ignoreTask?: (task: LiveTask) => boolean;
  /** Checks before giving up (default 20). */
  attempts?: number;
  /** The longest sleep between checks in ms (default 100); sleeps start at 1 ms and double. */
  maxSleep?: number;
}

/**
 * Records the live tasks and the number of parked operations, for
 * `verifyNoLeaks({ ignore: snapshot })`: Go's `goleak.IgnoreCurrent()`.
 *
 * @example
 * ```ts
 * import { snapshotLive, verifyNoLeaks } from 'gorx/testing';
 *
 * const before = snapshotLive();
 * // … the test …
 * await verifyNoLeaks({ ignore: before });
 * ```
 * Go: `goleak.IgnoreCurrent()`. Rules: LK3.
 */
export function snapshotLive(): LiveSnapshot {
  return { tasks: new Set<object>(live.tasks), parked: activity.parked };
}

/**
 * Resolves when no task is left alive and no operation is left parked (beyond what `ignore`
 * recorded); otherwise checks again after real-time sleeps growing from 1 ms to `maxSleep`, and
 * after `attempts` checks rejects with `LeakError` listing every live task (name, and creation
 * stack when stacks are captured) and the number of pending operations. It waits in real time,
 * whatever clock gorx is using, and under fake timers too, provided `gorx/testing` is imported
 * before they are installed (it keeps the host's `setTimeout` from when it loads).
 *
 * @example
 * ```ts
 * import { afterEach } from 'vitest';
 * import { verifyNoLeaks } from 'gorx/testing';
 *
 * afterEach(() => verifyNoLeaks());
 * ```
 * @throws TypeError at the call for an option of the wrong type; RangeError when `attempts` is
 * not a positive integer or `maxSleep` not a finite non-negative number.
 * Go: `goleak.VerifyNone(t)`. Rules: LK1, LK2, LK3.
 */
export function verifyNoLeaks(opts?: VerifyNoLeaksOptions): Promise<void> {
  options('verifyNoLeaks', opts);
  const attempts = count('verifyNoLeaks', 'attempts', opts?.attempts ?? 20);
  if (attempts < 1) throw new RangeError(`verifyNoLeaks: attempts must be at least 1, got ${attempts}`);
  const maxSleep = duration('verifyNoLeaks', opts?.maxSleep ?? 100);
  if (maxSleep < 0) throw new RangeError(`verifyNoLeaks: maxSleep must not be negative, got ${maxSleep}`);
  const ignore = options('verifyNoLeaks', opts?.ignore);
  const baseline = count('verifyNoLeaks', 'ignore.parked', ignore?.parked ?? 0);
  const ignoreTask = opts?.ignoreTask;
  if (ignoreTask !== undefined) fn('verifyNoLeaks', 'ignoreTask', ignoreTask);
  return verify(attempts, maxSleep, baseline, ignore?.tasks, ignoreTask);
}

async function verify(
  attempts: number,
  maxSleep: number,
  baseline: number,
  ignored: ReadonlySet<object> | undefined,
  ignoreTask: ((task: LiveTask) => boolean) | undefined,
): Promise<void> {
  const checkParked = ignoreTask === undefined;
  for (let attempt = 1, sleep = 1; ; attempt++, sleep = Math.min(sleep * 2, maxSleep)) {
    const tasks = liveTasks(ignored, ignoreTask);
    const parked = checkParked ? Math.max(0, activity.parked - baseline) : 0;
    if (tasks.length === 0 && parked === 0) return;
    if (attempt >= attempts) throw new LeakError(tasks, parked);
    await new Promise((resolve) => realSetTimeout(resolve, sleep));
  }
}

/**
 * Turns on (or off) the recording of each task's creation stack, which `LeakError` and
 * `DeadlockError` then show; returns the previous setting. Costly: use it in tests only.
 *
 * @example
 * ```ts
 * import { beforeAll } from 'vitest';
 * import { captureStacks } from 'gorx/testing';
 *
 * beforeAll(() => { captureStacks(true); });
 * ```
 * Go: goroutine creation sites in leak reports (`created by …`). Rules: LK1.
 */
export function captureStacks(on = true): boolean {
  flag('captureStacks', 'on', on);
  const previous = live.captureStacks;
  live.captureStacks = on;
  return previous;
}
