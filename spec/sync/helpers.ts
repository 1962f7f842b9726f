// Shared helpers for the sync specs.
import { snapshotLive } from 'gorx/testing';
import { testScheduler } from '../helpers/marbles.js';

export { testScheduler };

import { flush } from '../helpers/async.js';

export { collector, flush, rng, type State, track } from '../helpers/async.js';

/** A random yield point: nothing, a microtask, or a macrotask hop (the port of Go's random sleeps). */
export async function jitter(random: (n: number) => number): Promise<void> {
  const k = random(4);
  if (k === 0) return;
  if (k < 3) await Promise.resolve();
  else await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Operations parked in any wait queue now, minus those parked when the spec file loaded (a
 * deadlock test leaves its waiters parked for good, so tests compare with `parkedSince`).
 */
export function parked(): number {
  return snapshotLive().parked;
}

/** A counter of operations parked since this call. */
export function parkedSince(): () => number {
  const base = parked();
  return () => parked() - base;
}

/** Stress multiplier: 1 by default, larger with GORX_STRESS set. */
export const STRESS = process.env.GORX_STRESS ? Number(process.env.GORX_STRESS) || 10 : 1;

/** Runs `body` with the process's unhandled-rejection listeners replaced by a recorder. */
export async function unhandledRejections(body: () => Promise<void>): Promise<unknown[]> {
  const saved = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  const seen: unknown[] = [];
  const record = (reason: unknown) => {
    seen.push(reason);
  };
  process.on('unhandledRejection', record);
  try {
    await body();
    await flush(5);
  } finally {
    process.off('unhandledRejection', record);
    for (const l of saved) process.on('unhandledRejection', l as (...args: unknown[]) => void);
  }
  return seen;
}
