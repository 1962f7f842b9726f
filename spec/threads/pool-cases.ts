// Cases of the pool specs that run alike in Node (pool.node.spec.ts) and in Chromium
// (browser.browser.spec.ts). Kept apart from channel-helpers.ts, which worker files import.
import { background, CanceledError, DeadlineExceededError, withCancel, withTimeout } from 'gorx';
import { expect } from 'vitest';
import type { ThreadPool } from '../../lib/threads/threadPool.js';

/**
 * Tasks whose deadline passes on their way to `pool`'s thread (the main thread is held past it
 * before they leave, at the end of the turn), alternately `counted` and `waits`, a handler that
 * listens for its signal's abort event, which never comes to a signal already aborted: run, it
 * would hang until its thread is terminated. Each must end with DeadlineExceededError, and
 * `counted` never run.
 */
export async function expireOnTheWay(pool: ThreadPool, waits: string): Promise<void> {
  expect(await pool.go('runs', [])).toBe(0); // the thread is up
  for (const name of ['counted', waits, 'counted', waits]) {
    const [ctx, cancel] = withTimeout(background(), 1);
    const task = pool.go(name, [], ctx);
    for (const until = Date.now() + 5; Date.now() < until; );
    await expect(task).rejects.toBeInstanceOf(DeadlineExceededError);
    cancel();
  }
  expect(await pool.go('runs', [])).toBe(0);
}

/**
 * More tasks at once on `pool`'s one thread than it has cancel words (64): tiny tasks first, so
 * that the thread takes 64 at a time, then 64 that wait for their context (`waits`) and, past them,
 * one that the pool starts only when its patience runs out (tasks may wait on each other):
 * `spinUntilCancelSaying`, a synchronous loop, waited for (up to 10 s on a loaded machine).
 * Cancelled, every one ends with CanceledError (the loop by its cancel word where memory is
 * shared), and the loop did run.
 */
export async function pastTheWords(pool: ThreadPool, waits: string, shared: boolean): Promise<void> {
  await Promise.all(Array.from({ length: 200 }, () => pool.go('noop', [])));
  expect(await pool.go('runs', [])).toBe(0);
  const [ctx, cancel] = withCancel(background());
  const waiting = Array.from({ length: 64 }, () => pool.go(waits, [], ctx));
  const started = shared ? new Int32Array(new SharedArrayBuffer(4)) : new Int32Array(1);
  const past = shared ? [pool.go('spinUntilCancelSaying', [started], ctx)] : [pool.go(waits, [], ctx)];
  await new Promise((resolve) => setTimeout(resolve, 600));
  // The pool's patience starts the loop, later on a loaded machine.
  for (const until = Date.now() + 10_000; shared && started[0] === 0 && Date.now() < until; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  cancel();
  const settled = await Promise.allSettled([...waiting, ...past]);
  const ended = settled.map((s) => (s.status === 'rejected' ? s.reason : s.value));
  expect(
    ended.filter((e) => !(e instanceof CanceledError || (e as { canceled?: boolean })?.canceled)),
  ).toEqual([]);
  expect(await pool.go('runs', [])).toBe(shared ? 1 : 0);
}

/**
 * A first task that cannot leave (an argument that cannot be cloned) does not take the thread's
 * cancel words with it: a synchronous loop after it still ends by its word when cancelled.
 */
export async function wordsPastARefusedTask(pool: ThreadPool, shared: boolean): Promise<void> {
  const refused = (await pool.go('noop', [() => 1]).then(undefined, (e: unknown) => e)) as Error;
  expect(refused.name).toBe('DataCloneError');
  if (!shared) return;
  const [ctx, cancel] = withCancel(background());
  const loop = pool.go('spinUntilCancel', [], ctx);
  await new Promise((resolve) => setTimeout(resolve, 50));
  cancel();
  await expect(loop).rejects.toBeInstanceOf(CanceledError);
}
