import { Channel, recv, select, send, trySelect } from 'gorx';
import { afterEach, describe, expect, it } from 'vitest';
import { setRandom } from '../../lib/select/select.js';
import { rng } from '../channel/helpers.js';

let restore: (() => number) | null = null;
afterEach(() => {
  if (restore !== null) setRandom(restore);
  restore = null;
});

function seeded(seed: number): () => number {
  const next = rng(seed);
  return () => next(2 ** 30) / 2 ** 30;
}

function picks(seed: number): string[] {
  restore = setRandom(seeded(seed));
  const a = new Channel<number>(1);
  const b = new Channel<number>(1);
  const c = new Channel<number>(1);
  const out: string[] = [];
  for (let i = 0; i < 200; i++) {
    for (const ch of [a, b, c]) if (ch.length === 0) ch.trySend(i);
    out.push(trySelect({ a: recv(a), b: recv(b), c: recv(c) })!.case);
  }
  setRandom(restore);
  restore = null;
  return out;
}

describe('select with an injected RNG', () => {
  it('SE3 the same seed gives the same sequence of choices', () => {
    const first = picks(42);
    expect(picks(42)).toEqual(first);
    expect(picks(43)).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set(['a', 'b', 'c']));
  });

  it('SE3 the choice is the k-th ready case for a random draw in [k/n, (k+1)/n)', () => {
    const a = new Channel<number>(1);
    const idle = new Channel<number>();
    const b = new Channel<number>(1);
    for (const [draw, expected] of [
      [0, 'a'],
      [0.49, 'a'],
      [0.5, 'b'],
      [0.99, 'b'],
    ] as const) {
      restore = setRandom(() => draw);
      a.trySend(1);
      b.trySend(2);
      expect(trySelect({ a: recv(a), idle: recv(idle), b: recv(b) })?.case).toBe(expected);
      a.tryRecv();
      b.tryRecv();
      setRandom(restore);
      restore = null;
    }
  });

  it('SE3 a blocked select parks its cases in a random order (Go pollorder)', async () => {
    const c = new Channel<number>();
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const p = select({ x: send(c, 1), y: send(c, 2), z: send(c, 3) });
      c.tryRecv();
      seen.add((await p).case);
    }
    expect(seen).toEqual(new Set(['x', 'y', 'z']));
  });
});
