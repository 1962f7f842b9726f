import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activity } from '../../lib/internal/debug.js';
import { type Port, Waiter, WaitQueue, withdraw } from '../../lib/internal/WaitQueue.js';

class TestWaiter extends Waiter {
  constructor(readonly id: number) {
    super();
  }
  commit(): void {}
  fail(): void {}
}

/** A port that unlinks from one queue and counts its calls. */
class TestPort implements Port {
  calls = 0;
  withdraw(w: Waiter): void {
    this.calls++;
    w.queue?.unlink(w);
  }
}

function ids(q: WaitQueue): number[] {
  const out: number[] = [];
  for (let w = q.head; w !== null; w = w.next) out.push((w as TestWaiter).id);
  return out;
}

function checkLinks(q: WaitQueue): void {
  let prev: Waiter | null = null;
  let n = 0;
  for (let w = q.head; w !== null; w = w.next) {
    expect(w.prev).toBe(prev);
    expect(w.queue).toBe(q);
    prev = w;
    n++;
  }
  expect(q.tail).toBe(prev);
  expect(q.size).toBe(n);
}

describe('WaitQueue', () => {
  it('CH5 push and shift are FIFO', () => {
    const q = new WaitQueue();
    const port = new TestPort();
    for (let i = 0; i < 5; i++) q.push(new TestWaiter(i), port);
    expect(ids(q)).toEqual([0, 1, 2, 3, 4]);
    const out: number[] = [];
    for (let w = q.shift(); w !== null; w = q.shift()) {
      expect(w.queue).toBeNull();
      expect(w.next).toBeNull();
      out.push((w as TestWaiter).id);
    }
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect([q.head, q.tail, q.size]).toEqual([null, null, 0]);
  });

  it('G7 unlink removes a waiter from the head, the middle or the tail in O(1)', () => {
    const q = new WaitQueue();
    const port = new TestPort();
    const ws = [0, 1, 2, 3, 4].map((i) => new TestWaiter(i));
    for (const w of ws) q.push(w, port);
    q.unlink(ws[2]!);
    checkLinks(q);
    q.unlink(ws[0]!);
    checkLinks(q);
    q.unlink(ws[4]!);
    checkLinks(q);
    expect(ids(q)).toEqual([1, 3]);
    q.unlink(ws[1]!);
    q.unlink(ws[3]!);
    expect([q.head, q.tail, q.size]).toEqual([null, null, 0]);
  });

  it('G7 unlinking a waiter that is not in this queue is a no-op', () => {
    const a = new WaitQueue();
    const b = new WaitQueue();
    const port = new TestPort();
    const w = new TestWaiter(1);
    const x = new TestWaiter(2);
    a.push(w, port);
    b.push(x, port);
    b.unlink(w);
    a.unlink(new TestWaiter(3));
    expect(ids(a)).toEqual([1]);
    expect(ids(b)).toEqual([2]);
    a.unlink(w);
    a.unlink(w);
    expect(a.size).toBe(0);
    expect(b.size).toBe(1);
  });

  it('G7 withdraw goes through the port only while the waiter is parked', () => {
    const q = new WaitQueue();
    const port = new TestPort();
    const w = new TestWaiter(1);
    withdraw(w);
    expect(port.calls).toBe(0);
    q.push(w, port);
    expect(w.port).toBe(port);
    withdraw(w);
    expect(port.calls).toBe(1);
    expect(q.size).toBe(0);
    withdraw(w);
    expect(port.calls).toBe(1);
  });

  it('G7 activity.parked counts every parked waiter', () => {
    const base = activity.parked;
    const q = new WaitQueue();
    const port = new TestPort();
    const ws = [1, 2, 3].map((i) => new TestWaiter(i));
    for (const w of ws) q.push(w, port);
    expect(activity.parked).toBe(base + 3);
    q.unlink(ws[1]!);
    q.shift();
    expect(activity.parked).toBe(base + 1);
    withdraw(ws[2]!);
    expect(activity.parked).toBe(base);
  });

  it('CH5 random push, shift and unlink sequences match an array', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(-1), fc.constant(-2), fc.nat(30)), { maxLength: 200 }),
        (ops) => {
          const q = new WaitQueue();
          const port = new TestPort();
          const model: TestWaiter[] = [];
          let next = 0;
          for (const op of ops) {
            if (op === -1) {
              const w = new TestWaiter(next++);
              q.push(w, port);
              model.push(w);
            } else if (op === -2) {
              expect(q.shift()).toBe(model.shift() ?? null);
            } else if (model.length > 0) {
              const [w] = model.splice(op % model.length, 1);
              q.unlink(w!);
            }
            checkLinks(q);
            expect(ids(q)).toEqual(model.map((w) => w.id));
          }
        },
      ),
    );
  });
});
