/**
 * The two errors of `gorx/testing`. Like the errors of `gorx`, each is a real `Error` subclass
 * whose `instanceof` check holds across the ESM and CJS builds.
 */
import { GorxError } from '../errors.js';
import { userFrame } from './frames.js';

/** A live task as the reports list it. */
export interface LiveTask {
  readonly id: number;
  readonly name: string;
  /** The creation stack, when stacks were captured. */
  readonly created: string | undefined;
}

function describe(t: LiveTask): string {
  const at = userFrame(t.created);
  return `task ${t.id} "${t.name}"${at === undefined ? '' : `, created at ${at}`}`;
}

/**
 * Every task of a `synctest` bubble is blocked and no timer is pending: nothing can ever wake
 * them. The message starts with Go's text and goes on with a dump of who waits on what: every
 * live task and every parked operation (kind, channel label, where it was parked when stacks are
 * captured).
 *
 * @example
 * ```ts
 * import { Channel } from 'gorx';
 * import { DeadlockError, synctest } from 'gorx/testing';
 *
 * await synctest(async () => { await new Channel<number>().recv(); })
 *   .catch((e) => console.log(e instanceof DeadlockError)); // true
 * ```
 * Go: `fatal error: all goroutines are asleep - deadlock!`. Rules: DL1, DL5.
 */
export class DeadlockError extends GorxError {
  /** @internal */
  static override readonly id = 'DeadlockError';
  constructor(
    /** The tasks alive when the deadlock was found. */
    readonly tasks: readonly LiveTask[],
    /** One line per parked operation, e.g. `chan receive on Channel(0)`. */
    readonly waits: readonly string[],
    /** How many operations were parked. */
    readonly parked: number,
  ) {
    super(
      [
        'all goroutines are asleep - deadlock!',
        '',
        `${waits.length} blocked operation(s):`,
        ...waits.map((w) => `  ${w}`),
        tasks.length === 0
          ? 'no task is alive besides the test body'
          : `${tasks.length} live task(s) besides the test body:`,
        ...tasks.map((t) => `  ${describe(t)}`),
      ].join('\n'),
    );
  }
}

/**
 * Tasks or operations are still alive at the end of a test. `tasks` lists the live tasks (name,
 * creation stack when captured) and `parked` counts the pending operations.
 *
 * @example
 * ```ts
 * import { Channel, go } from 'gorx';
 * import { LeakError, verifyNoLeaks } from 'gorx/testing';
 *
 * const ch = new Channel<number>();
 * go(() => ch.recv(), { name: 'stuck' });
 * await verifyNoLeaks().catch((e) => console.log(e instanceof LeakError)); // true
 * ```
 * Go: goleak's `found unexpected goroutines`. Rules: LK1, LK2.
 */
export class LeakError extends GorxError {
  /** @internal */
  static override readonly id = 'LeakError';
  constructor(
    /** The tasks still alive. */
    readonly tasks: readonly LiveTask[],
    /** How many operations are still parked. */
    readonly parked: number,
    /** One line per parked operation, when they are known. */
    readonly waits: readonly string[] = [],
  ) {
    super(
      [
        `found unexpected goroutines: ${tasks.length} live task(s), ${parked} pending operation(s)`,
        ...tasks.map((t) => `  ${describe(t)}`),
        ...waits.map((w) => `  ${w}`),
      ].join('\n'),
    );
  }
}
