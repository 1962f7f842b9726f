// The cancel-word suite of the thread pool, for both hosts (order.node.spec.ts,
// order.browser.spec.ts): where memory is shared, a task's context in the worker sees its
// cancellation inside a loop that never yields; elsewhere it sees it by message, at its next turn.
import {
  background,
  CanceledError,
  DeadlineExceededError,
  withCancel,
  withCancelCause,
  withTimeout,
} from 'gorx';
import { afterEach, expect, it } from 'vitest';
import { host } from '../../lib/threads/link.js';
import type { ThreadPool } from '../../lib/threads/threadPool.js';
import { QuotaError } from './workers/classes.js';

/** Long enough that only a cancel word can end the spin before it. */
const LONG = 20_000;

/** What `task` rejects with. */
function failure(task: PromiseLike<unknown>): PromiseLike<unknown> {
  return task.then(
    () => expect.unreachable('the task resolved'),
    (e: unknown) => e,
  );
}

/** The cancel-word cases, on a pool of order.worker.ts that `pool()` gives. */
export function wordSuite(pool: () => ThreadPool): void {
  const detected = host.shared;
  afterEach(() => {
    host.shared = detected;
  });

  it("C1 with shared memory, ctx.err in a loop that never yields sees the cancellation; the task ends with the caller's error", async () => {
    host.shared = true;
    const [ctx, cancel] = withCancel(background());
    const task = pool().go('spin', [LONG], ctx);
    setTimeout(cancel, 20);
    const err = await failure(task);
    expect(err).toBeInstanceOf(CanceledError);
    expect(err).toBe(task.ctx.err);
  });

  it('C2 with shared memory, a deadline reaches a loop that never yields as DeadlineExceededError', async () => {
    host.shared = true;
    const [ctx] = withTimeout(background(), 20);
    const task = pool().go('spin', [LONG], ctx);
    const err = await failure(task);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(err).toBe(task.ctx.err);
  });

  it("C2 with shared memory, the cause follows by message: the error seen early becomes the context's, with its cause", async () => {
    host.shared = true;
    const [ctx, cancel] = withCancelCause(background());
    const task = pool().go('spinThenWait', [LONG], ctx);
    setTimeout(() => cancel(new QuotaError(7)), 20);
    expect(await task).toEqual({ seen: 'CanceledError', same: true, cause: 7, errCause: 7 });
  });

  it('C1 without shared memory, a loop that never yields does not see the cancellation; it sees it once it yields', async () => {
    host.shared = false;
    const [ctx, cancel] = withCancelCause(background());
    const task = pool().go('spinThenWait', [300], ctx);
    setTimeout(() => cancel(new QuotaError(8)), 20);
    expect(await task).toEqual({ seen: undefined, same: false, cause: 8, errCause: 8 });
  });
}
