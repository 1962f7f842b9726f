// Helpers for specs that drive Promise faces and real time: settling, observing settlement
// without awaiting, a seeded RNG, and capturing what reaches the host's error events.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

/** A small seeded RNG (mulberry32): `rng(seed)(n)` is an integer in [0, n), so a failing run reproduces. */
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

/** Replaces the host's listeners for `event` while a test needs to see what reaches it. */
export function capture(event: 'unhandledRejection' | 'uncaughtException') {
  const host = process as unknown as NodeJS.EventEmitter;
  const saved = host.listeners(event) as ((...args: unknown[]) => void)[];
  const seen: unknown[] = [];
  const listener = (e: unknown) => seen.push(e);
  host.removeAllListeners(event);
  host.on(event, listener);
  return {
    seen,
    restore() {
      host.off(event, listener);
      for (const l of saved) host.on(event, l);
    },
  };
}

/** A full garbage collection on demand, without starting node with --expose-gc. */
export function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
