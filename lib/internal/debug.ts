// Bookkeeping read by gorx/testing: live tasks and parked operations. Kept to a counter and a
// Set so the hot paths pay almost nothing.

/** What a live task looks like to the leak and deadlock reports. */
export interface TaskRecord {
  readonly id: number;
  readonly name: string;
  readonly created: string | undefined;
}

export const live = {
  /** Waiters currently parked in a WaitQueue. */
  parked: 0,
  /** Tasks started by `go` that have not settled. */
  tasks: new Set<TaskRecord>(),
  /** Whether tasks record their creation stack (costly; on while testing). */
  captureStacks: false,
};
