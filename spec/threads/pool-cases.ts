// Cases of the pool specs that run alike in Node (pool.node.spec.ts) and in Chromium
// (browser.browser.spec.ts). Kept apart from channel-helpers.ts, which worker files import.
import { background, DeadlineExceededError, withTimeout } from 'gorx';
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
