// Shared helpers for the channel, select and stress specs.
import type { Channel } from 'gorx';

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

/** The channel's internal waiter counts and invariant check, read through a cast. */
export interface Inspectable {
  readonly waiting: { senders: number; receivers: number };
  checkInvariants(): void;
}

export function inspect(ch: Channel<any>): Inspectable {
  return ch as unknown as Inspectable;
}

/** Receives everything left in a channel without blocking (stops at empty or closed). */
export function drain<T>(ch: Channel<T>): T[] {
  const out: T[] = [];
  for (let r = ch.tryRecv(); r?.ok; r = ch.tryRecv()) out.push(r.value);
  return out;
}
