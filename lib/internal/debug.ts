// Bookkeeping read by gorx/testing: live tasks and parked operations. Kept to a counter and a
// Set so the hot paths pay almost nothing.

/** What a live task looks like to the leak and deadlock reports. */
export interface TaskRecord {
  readonly id: number;
  readonly name: string;
  readonly created: string | undefined;
}

/** Sees every park and unpark while a test harness listens (wait reasons, activity). */
export interface ParkObserver {
  park(w: object): void;
  unpark(w: object): void;
}

export const live = {
  /** Waiters currently parked in a WaitQueue. */
  parked: 0,
  /** Tasks started by `go` that have not settled. */
  tasks: new Set<TaskRecord>(),
  /** Whether tasks record their creation stack (costly; on while testing). */
  captureStacks: false,
  /** Listener for parks and unparks; null unless gorx/testing installs one (hot paths test one field). */
  observer: null as ParkObserver | null,
  /** Macrotask slices of continuation work run so far (resume.ts): a harness reads it to see activity. */
  slices: 0,
};
