// Shared helpers for the sync specs.
import { snapshotLive } from 'gorx/testing';
import { testScheduler } from '../helpers/marbles.js';

export { testScheduler };

import { capture, flush } from '../helpers/async.js';
import { GORX_STRESS } from '../helpers/env.js';

export { collector, flush, rng, type State, track } from '../helpers/async.js';

/** A random yield point: nothing, a microtask, or a macrotask hop (the port of Go's random sleeps). */
export async function jitter(random: (n: number) => number): Promise<void> {
  const k = random(4);
  if (k === 0) return;
  if (k < 3) await Promise.resolve();
  else await flush(1);
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
export const STRESS = GORX_STRESS ? Number(GORX_STRESS) || 10 : 1;

/** Runs `body` with the host's unhandled-rejection listeners replaced by a recorder. */
export async function unhandledRejections(body: () => Promise<void>): Promise<unknown[]> {
  const unhandled = capture('unhandledRejection');
  try {
    await body();
    await flush(5);
  } finally {
    unhandled.restore();
  }
  return unhandled.seen;
}
