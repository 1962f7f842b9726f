import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ringValues } from '../../lib/internal/inspect.js';
import { Ring } from '../../lib/internal/Ring.js';

describe('Ring', () => {
  it('CH4 push and shift are FIFO across wrap-around', () => {
    const r = new Ring<number>(4);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 3; i++) r.push(next++);
      for (let i = 0; i < 2; i++) expect(r.shift()).toBe(expected++);
    }
    expect(r.length).toBe(10);
    expect(ringValues(r)).toEqual(Array.from({ length: 10 }, (_, i) => expected + i));
  });

  it('CH4 growing keeps the order when the contents wrap around', () => {
    const r = new Ring<number>(4);
    for (let i = 0; i < 4; i++) r.push(i);
    r.shift();
    r.shift();
    r.push(4);
    r.push(5);
    for (let i = 6; i < 40; i++) r.push(i);
    expect(ringValues(r)).toEqual(Array.from({ length: 38 }, (_, i) => i + 2));
    const out: number[] = [];
    while (r.length > 0) out.push(r.shift());
    expect(out).toEqual(Array.from({ length: 38 }, (_, i) => i + 2));
  });

  it('CH17 undefined and null are stored as values', () => {
    const r = new Ring<unknown>(1);
    r.push(undefined);
    r.push(null);
    r.push(Number.NaN);
    expect(r.length).toBe(3);
    expect(r.shift()).toBeUndefined();
    expect(r.shift()).toBeNull();
    expect(r.shift()).toBeNaN();
    expect(r.length).toBe(0);
  });

  it('G7 shifted slots are cleared, so values are not retained', () => {
    const r = new Ring<object>(2);
    r.push({});
    r.push({});
    r.shift();
    r.shift();
    const slots = (r as unknown as { slots: unknown[] }).slots;
    expect(slots.every((s) => s === undefined)).toBe(true);
  });

  it('CH4 random push and shift sequences match an array', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(fc.boolean(), { maxLength: 300 }), (log2, ops) => {
        const r = new Ring<number>(2 ** log2);
        const model: number[] = [];
        let next = 0;
        for (const push of ops) {
          if (push || model.length === 0) {
            r.push(next);
            model.push(next++);
          } else expect(r.shift()).toBe(model.shift());
          expect(r.length).toBe(model.length);
        }
        expect(ringValues(r)).toEqual(model);
      }),
    );
  });
});
