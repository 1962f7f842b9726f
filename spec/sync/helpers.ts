// Shared helpers for the sync specs.
import { snapshotLive } from 'gorx/testing';
import { testScheduler } from '../helpers/marbles.js';

export { testScheduler };

/** Lets every queued microtask and continuation hop run (a few macrotask turns). */
export async function flush(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export type State<T> =
  | { readonly status: 'pending' }
  | { readonly status: 'fulfilled'; readonly value: T }
  | { readonly status: 'rejected'; readonly reason: unknown };

/** Tracks a Promise's settlement without awaiting it; read `.current` after `flush()`. */
export function track<T>(p: PromiseLike<T>): { readonly current: State<T> } {
  const box: { current: State<T> } = { current: { status: 'pending' } };
  p.then(
    (value) => {
      box.current = { status: 'fulfilled', value };
    },
    (reason: unknown) => {
      box.current = { status: 'rejected', reason };
    },
  );
  return box;
}

/** A small seeded RNG (mulberry32): `rng(seed)(n)` is an integer in [0, n). */
export function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

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
