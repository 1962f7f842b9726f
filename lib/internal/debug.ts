// Bookkeeping read by gorx/testing: parked operations and live tasks. Kept to counters and a
// Set so the hot paths pay almost nothing.

/**
 * What a live task looks like to the leak and deadlock reports; awaiting it gives its outcome
 * (a bubble that ends with tasks blocked takes their failure as its own to report).
 */
export interface TaskRecord extends PromiseLike<unknown> {
  readonly id: number;
  readonly name: string;
  readonly created: string | undefined;
}

/**
 * Anything shaped like Angular's `PendingTasks`: `add()` marks one piece of work pending and returns
 * the function that ends it.
 */
export interface PendingTasksLike {
  add(): () => void;
}

/** Sees every park and unpark while a test harness listens (wait reasons, activity). */
export interface ParkObserver {
  park(w: object): void;
  unpark(w: object): void;
  /** Work on another thread that tasks here may wait for (a pool's job, a thread's exit). */
  external?(work: PromiseLike<unknown>): void;
}

/**
 * What the engine itself counts, on every park (WaitQueue.ts) and every continuation slice
 * (resume.ts). Apart from the task registry below: a program that starts no task carries only this.
 */
export const activity = {
  /** Waiters currently parked in a WaitQueue. */
  parked: 0,
  /** Listener for parks and unparks; null unless gorx/testing installs one (hot paths test one field). */
  observer: null as ParkObserver | null,
  /** Macrotask slices of continuation work run so far (resume.ts): a harness reads it to see activity. */
  slices: 0,
};

/** The registry of tasks, kept by `go`. */
export const live = {
  /** Tasks started by `go` that have not settled. */
  tasks: new Set<TaskRecord>(),
  /** Whether tasks record their creation stack (costly; on while testing). */
  captureStacks: false,
  /**
   * Called as each task starts while trackers of pending work are registered (`trackTasks`, which
   * installs it): returns what ends the task's entry there. Null when none is.
   */
  begin: null as (() => () => void) | null,
};
