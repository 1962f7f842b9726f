// The bubble driver. JavaScript cannot ask the runtime whether every task is blocked, so the
// driver watches for quiescence instead: it hops macrotask by macrotask (after each hop the
// microtask queue is empty) until several hops in a row see no change in the work gorx can see
// (parks and unparks, continuation slices, live tasks, timers, pending `wait` calls). Quiescent
// means every task in the bubble is blocked; only then does it resolve `wait()` calls, else move
// the virtual clock to the next timer, else report the deadlock (body still running) or the
// leak (body returned, tasks or blocked operations left). A bubble that fails releases what it
// leaves blocked: nothing will move its clock again.
//
// Invariants: at most one bubble at a time; the virtual clock, the wait tracker and stack
// capture are installed only between the start of `synctest` and its settlement; a bubble that
// resolves leaves no task, blocked operation or timer behind, one that rejects no blocked
// operation and no timer (on its clock).
import { activity, live } from '../internal/debug.js';
import { fn as checkFn, count, options, show } from '../internal/validate.js';
import { withdraw } from '../internal/WaitQueue.js';
import { WaitTracker } from './deadlock.js';
import { DeadlockError, LeakError } from './errors.js';
import { VirtualClock } from './VirtualClock.js';

/** Consecutive quiet macrotask hops that count as "every task is blocked". */
const QUIET_HOPS = 3;

/**
 * The handle a `synctest` body receives: Go's `*testing.T` inside a bubble, reduced to what the
 * bubble adds.
 */
export interface Bubble {
  /**
   * Resolves once every other task of the bubble is blocked (Go's `synctest.Wait`): the way to
   * observe "nothing more happens until time moves".
   */
  wait(): Promise<void>;
  /** The bubble's virtual time in ms (it starts at 2000-01-01T00:00:00Z). */
  now(): number;
  /** The bubble's clock, for reading `pending` timers. */
  readonly clock: VirtualClock;
  /**
   * Registers work gorx cannot see (a real timer, I/O, a foreign Promise): while it is pending the
   * bubble neither moves time nor reports a deadlock, and waits for it in real time. Returns a
   * Promise of its outcome.
   */
  external<T>(work: PromiseLike<T>): Promise<T>;
}

/** Options of `synctest`. */
export interface SynctestOptions {
  /** Record where each operation was parked and each task created (default `true`). */
  stacks?: boolean;
  /**
   * After the body returns, how many timer steps the remaining tasks get to exit before they are
   * reported as a leak (default 1000): a task on a ticker that nobody stops never exits. A step
   * is one jump of the clock to its next timer, however far away: a sleep of decades is one.
   */
  drainSteps?: number;
}

class BubbleImpl implements Bubble {
  readonly waiters: (() => void)[] = [];
  externals = 0;
  wake: (() => void) | null = null;
  constructor(readonly clock: VirtualClock) {}

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  now(): number {
    return this.clock.now();
  }

  external<T>(work: PromiseLike<T>): Promise<T> {
    this.externals++;
    return Promise.resolve(work).finally(() => {
      this.externals--;
      this.wake?.();
    });
  }
}

let active = false;

const hop: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Runs `body` in a bubble with a virtual clock: Go's `synctest.Test`. Time starts at
 * 2000-01-01T00:00:00Z and moves only when every task of the bubble is blocked, straight to the
 * next timer, so a one-hour timeout takes milliseconds and measures exactly one hour.
 *
 * A task counts as blocked when it waits on anything gorx can see (channels, select, timers,
 * contexts, the sync kit) or on a Promise that only such a wait can settle. Work gorx cannot see
 * must be wrapped in `t.external(…)`; a thread pool's jobs and a closing pool's threads are
 * external work of their own accord (time stands still while a thread computes). The bubble swaps
 * the gorx library clock, not RxJS's schedulers (nor the clocks of other threads).
 *
 * - When every task is blocked and no timer is pending while `body` runs, it rejects with
 *   `DeadlockError`, listing each blocked operation.
 * - After `body` returns, time keeps moving until nothing started in the bubble is left: every
 *   task has exited, no operation is blocked (a `sleep` or `recv` nobody awaits waits like a
 *   task) and no timer is pending (an uncancelled `withTimeout` reaches its deadline). A sleep
 *   of any length is one step of `drainSteps`. What can never end makes it reject with
 *   `LeakError`, as Go's `synctest.Test` fails when blocked goroutines remain.
 * - If `body` throws, it rejects with that error at once.
 * - A bubble that rejects leaves nothing waiting on its clock, which will never move again:
 *   every operation still blocked in it fails with the `DeadlockError` or `LeakError` (when
 *   `body` threw, a `LeakError` listing what it left), pending `t.wait()` calls return, and its
 *   remaining timers come due (its contexts reach their deadlines). The rejection of `synctest`
 *   is the report for the bubble's tasks: how they end from then on is no unhandled rejection.
 *
 * @example
 * ```ts
 * import { after, background, recv, select, withTimeout } from 'gorx';
 * import { synctest } from 'gorx/testing';
 *
 * await synctest(async (t) => {
 *   const start = t.now();
 *   const [ctx, cancel] = withTimeout(background(), 3_600_000);
 *   await select({ done: recv(ctx.done), late: recv(after(7_200_000)) });
 *   console.log(t.now() - start); // 3600000, in a few real milliseconds
 *   cancel();
 * });
 * ```
 * @throws TypeError at the call when `body` is not a function or an option has the wrong type;
 * RangeError when `drainSteps` is not a non-negative integer. Rejects with an Error when another
 * bubble is running: bubbles do not nest.
 * Go: `testing/synctest.Test` and `synctest.Wait`. Rules: DL1, DL2, DL3, DL5, GO5, T10.
 */
export function synctest(body: (t: Bubble) => Promise<void>, opts?: SynctestOptions): Promise<void> {
  checkFn('synctest', 'body', body);
  options('synctest', opts);
  const stacks = opts?.stacks ?? true;
  if (typeof stacks !== 'boolean')
    throw new TypeError(`synctest: stacks must be a boolean, got ${show(stacks)}`);
  const drainSteps = count('synctest', 'drainSteps', opts?.drainSteps ?? 1000);
  return bubble(body, stacks, drainSteps);
}

async function bubble(
  body: (t: Bubble) => Promise<void>,
  stacks: boolean,
  drainSteps: number,
): Promise<void> {
  if (active) throw new Error('synctest: a bubble is already running; bubbles do not nest');
  active = true;
  const clock = new VirtualClock();
  const restore = clock.install();
  const tracker = new WaitTracker(stacks);
  const previousObserver = activity.observer;
  const previousStacks = live.captureStacks;
  const impl = new BubbleImpl(clock);
  tracker.external = (work) => {
    // Its outcome is the pool's to report; the bubble only waits for it.
    impl.external(work).catch(() => {});
  };
  activity.observer = tracker;
  live.captureStacks ||= stacks;
  const outside = new Set<object>(live.tasks);
  let failure: Failure | undefined;
  try {
    failure = await drive(impl, body, tracker, drainSteps, outside);
  } finally {
    activity.observer = previousObserver;
    live.captureStacks = previousStacks;
    restore();
    active = false;
  }
  if (failure !== undefined) {
    release(impl, tracker, outside, failure.release);
    throw failure.error;
  }
}

/** How a bubble failed: the error it rejects with, and the one what it leaves blocked fails with. */
interface Failure {
  readonly error: unknown;
  readonly release: Error;
}

function ignore(): void {}

/**
 * Ends what a failed bubble leaves behind, now that nothing will move its clock again (Go's test
 * would have crashed with it): every blocked operation fails with `error`, pending `t.wait()`
 * calls return, and the timers still on the clock come due in order (a context reaches its
 * deadline), so nothing started in the bubble waits for ever. The bubble's rejection is the
 * report for its tasks: how they end from then on is not reported as an unhandled rejection.
 */
function release(bubble: BubbleImpl, tracker: WaitTracker, outside: ReadonlySet<object>, error: Error): void {
  for (const task of live.tasks) if (!outside.has(task)) task.then(undefined, ignore);
  for (const w of tracker.blocked()) {
    // The other cases of a select leave with the first one that fails.
    if (w.queue === null) continue;
    withdraw(w);
    w.fail(error);
  }
  for (const resolve of bubble.waiters.splice(0)) resolve();
  // The timers pending now come due in order; as many jumps as there are of them, since a
  // callback that sets a timer on this clock by hand would otherwise chain for ever.
  for (let left = bubble.clock.pending; left > 0; left--) {
    if (!bubble.clock.next()) break;
  }
}

const RUNNING = 0;
const RETURNED = 1;
const FAILED = 2;

async function drive(
  bubble: BubbleImpl,
  body: (t: Bubble) => Promise<void>,
  tracker: WaitTracker,
  drainSteps: number,
  outside: ReadonlySet<object>,
): Promise<Failure | undefined> {
  let state = RUNNING;
  let failure: unknown;
  let run: Promise<void>;
  try {
    run = Promise.resolve(body(bubble));
  } catch (error) {
    run = Promise.reject(error);
  }
  run.then(
    () => {
      state = RETURNED;
    },
    (error) => {
      state = FAILED;
      failure = error;
    },
  );

  const inBubble = () => {
    const tasks = [];
    for (const t of live.tasks)
      if (!outside.has(t)) tasks.push({ id: t.id, name: t.name, created: t.created });
    return tasks;
  };
  const fingerprint = () => [
    tracker.events,
    activity.slices,
    live.tasks.size,
    bubble.clock.pending,
    bubble.waiters.length,
    bubble.externals,
    state,
  ];

  let drained = 0;
  for (;;) {
    // Quiescence: QUIET_HOPS macrotask hops in a row with nothing visible happening.
    let last = fingerprint();
    for (let quiet = 0; quiet < QUIET_HOPS && state !== FAILED; ) {
      await hop();
      const now = fingerprint();
      if (now.every((v, i) => v === last[i])) quiet++;
      else {
        quiet = 0;
        last = now;
      }
    }
    if (state === FAILED) {
      // The body's error is the report; what it leaves blocked ends with a list of it, as Go's
      // test reports the goroutines a failed body leaves blocked.
      const left = new LeakError(inBubble(), tracker.waits.size, tracker.describe());
      return { error: failure, release: left };
    }
    const tasks = inBubble();
    // Over once nothing started in the bubble is left: no task, no blocked operation (a Promise
    // chain waits like a task), no timer still to fire (an uncancelled context's deadline).
    if (
      state === RETURNED &&
      tasks.length === 0 &&
      bubble.clock.pending === 0 &&
      tracker.blocked().length === 0
    ) {
      return undefined;
    }
    if (bubble.waiters.length > 0) {
      for (const resolve of bubble.waiters.splice(0)) resolve();
      continue;
    }
    if (bubble.externals > 0) {
      await new Promise<void>((resolve) => {
        bubble.wake = resolve;
      });
      bubble.wake = null;
      continue;
    }
    if (state === RETURNED && drained++ >= drainSteps) {
      return failed(new LeakError(tasks, tracker.waits.size, tracker.describe()));
    }
    if (bubble.clock.next()) continue;
    if (state === RUNNING) return failed(new DeadlockError(tasks, tracker.describe(), tracker.waits.size));
    return failed(new LeakError(tasks, tracker.waits.size, tracker.describe()));
  }
}

/** A deadlock or leak: the report the bubble rejects with, and what its blocked operations fail with. */
function failed(report: Error): Failure {
  return { error: report, release: report };
}
