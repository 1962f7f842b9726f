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

  it('SE3 one pass of reservoir sampling: the k-th ready case takes the choice when its draw is under 1/k', () => {
    const a = new Channel<number>(1);
    const idle = new Channel<number>();
    const b = new Channel<number>(1);
    const c = new Channel<number>(1);
    // The same draw for every ready case after the first: b takes it under 1/2, c under 1/3.
    for (const [draw, expected] of [
      [0, 'c'],
      [0.33, 'c'],
      [0.34, 'b'],
      [0.49, 'b'],
      [0.5, 'a'],
      [0.99, 'a'],
    ] as const) {
      restore = setRandom(() => draw);
      a.trySend(1);
      b.trySend(2);
      c.trySend(3);
      expect(trySelect({ a: recv(a), idle: recv(idle), b: recv(b), c: recv(c) })?.case).toBe(expected);
      for (const ch of [a, b, c]) ch.tryRecv();
      setRandom(restore);
      restore = null;
    }
  });

  it('SE3 a single ready case is chosen without a draw', () => {
    const a = new Channel<number>(1);
    const idle = new Channel<number>();
    let draws = 0;
    restore = setRandom(() => {
      draws++;
      return 0;
    });
    a.trySend(1);
    expect(trySelect({ idle: recv(idle), a: recv(a) })?.case).toBe('a');
    expect(draws).toBe(0);
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
