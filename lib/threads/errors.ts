import { GorxError } from '../errors.js';

/**
 * A thread of a pool died (an uncaught error, `process.exit`, `terminate()`, or a task that ignored
 * its cancellation for `terminateAfter` ms): every task that was running on it settles with this
 * error. `message` is Go-style text (`worker exited with code 1`); `code` is the exit code when the
 * platform reports one (Node does, Web Workers do not); `cause` is the uncaught error or the reason
 * the pool terminated the thread, when known; `uncertain` counts values whose fate cannot be known
 * (values in flight on the dead thread's channels; 0 for a task). Where memory is shared with the
 * thread and the host reports its exit (Node), a buffered channel knows exactly what the thread
 * did with it: the values it took were counted as it took them, so none of those is received again
 * elsewhere; the numbers it sent were written to shared memory as each send completed, so none of
 * those is lost; other values it sent that had not left count in `uncertain`, exactly.
 *
 * @example
 * ```ts
 * import { threadPool, WorkerExitError } from 'gorx';
 *
 * const pool = threadPool(() => new Worker(new URL('./math.worker', import.meta.url), { type: 'module' }));
 * try {
 *   await pool.go('crash', []);
 * } catch (e) {
 *   if (e instanceof WorkerExitError) console.log(e.message, e.code, e.cause);
 * }
 * ```
 * Rules: R2 (no Promise hangs when a thread dies).
 */
export class WorkerExitError extends GorxError {
  /** @internal */
  static override readonly id = 'WorkerExitError';
  /** Values whose fate cannot be known (sent on channels of the dead thread, not acknowledged). */
  readonly uncertain: number;
  constructor(
    readonly code?: number,
    options?: ErrorOptions & { uncertain?: number },
  ) {
    super(code === undefined ? 'worker exited' : `worker exited with code ${code}`, options);
    this.uncertain = options?.uncertain ?? 0;
  }
}
