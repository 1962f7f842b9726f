import { sleep, after as timeAfter } from 'gorx';
import { VirtualClock } from 'gorx/testing';
import { describe, expect, test } from 'vitest';
import { flush } from '../helpers/async.js';

const EPOCH = Date.UTC(2000, 0, 1);

describe('VirtualClock', () => {
  test('T10 fake time starts at 2000-01-01T00:00:00Z', () => {
    const clock = new VirtualClock();
    expect(clock.now()).toBe(EPOCH);
    expect(new Date(clock.now()).toISOString()).toBe('2000-01-01T00:00:00.000Z');
    expect(new VirtualClock(5).now()).toBe(5);
  });

  test('T10 advance runs due timers in order of time, then of creation', () => {
    const clock = new VirtualClock(0);
    const log: string[] = [];
    clock.schedule(() => log.push(`c@${clock.now()}`), 30);
    clock.schedule(() => log.push(`a@${clock.now()}`), 10);
    clock.schedule(() => log.push(`b@${clock.now()}`), 10);
    clock.schedule(() => log.push(`z@${clock.now()}`), 0);
    clock.schedule(() => log.push(`late@${clock.now()}`), 31);
    expect(clock.pending).toBe(5);
    expect(clock.advance(30)).toBe(4);
    expect(log).toEqual(['z@0', 'a@10', 'b@10', 'c@30']);
    expect(clock.now()).toBe(30);
    expect(clock.pending).toBe(1);
    expect(clock.nextAt).toBe(31);
  });

  test('T10 timers set while advancing run in the same advance when due in its window', () => {
    const clock = new VirtualClock(0);
    const log: number[] = [];
    clock.schedule(() => {
      log.push(clock.now());
      clock.schedule(() => log.push(clock.now()), 5);
      clock.schedule(() => log.push(clock.now()), 50);
    }, 10);
    clock.advance(20);
    expect(log).toEqual([10, 15]);
    expect(clock.now()).toBe(20);
    expect(clock.pending).toBe(1);
  });

  test('T10 cancel removes a pending timer and ignores a fired one', () => {
    const clock = new VirtualClock(0);
    const log: number[] = [];
    const a = clock.schedule(() => log.push(1), 10);
    const b = clock.schedule(() => log.push(2), 20);
    clock.cancel(a);
    clock.cancel(a);
    expect(clock.pending).toBe(1);
    clock.advance(20);
    clock.cancel(b);
    expect(log).toEqual([2]);
    expect(clock.pending).toBe(0);
  });

  test('T10 next jumps to the next timer and runs everything due then', () => {
    const clock = new VirtualClock(0);
    const log: string[] = [];
    clock.schedule(() => log.push('a'), 100);
    clock.schedule(() => log.push('b'), 100);
    clock.schedule(() => log.push('c'), 200);
    expect(clock.next()).toBe(true);
    expect(log).toEqual(['a', 'b']);
    expect(clock.now()).toBe(100);
    expect(clock.next()).toBe(true);
    expect(clock.now()).toBe(200);
    expect(clock.next()).toBe(false);
    expect(clock.now()).toBe(200);
  });

  test('T10 advance rejects a negative or non-finite duration', () => {
    const clock = new VirtualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  test('T10 the heap keeps due order under random schedules and cancels', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const clock = new VirtualClock(0);
    const fired: [number, number][] = [];
    const handles: { h: unknown; at: number; seq: number }[] = [];
    for (let seq = 0; seq < 2000; seq++) {
      const at = Math.floor(rand() * 500);
      handles.push({ h: clock.schedule(() => fired.push([clock.now(), seq]), at), at, seq });
    }
    const cancelled = new Set<number>();
    for (const x of handles) {
      if (rand() < 0.3) {
        clock.cancel(x.h);
        cancelled.add(x.seq);
      }
    }
    expect(clock.pending).toBe(2000 - cancelled.size);
    clock.advance(1000);
    const expected = handles
      .filter((x) => !cancelled.has(x.seq))
      .sort((p, q) => p.at - q.at || p.seq - q.seq)
      .map((x) => [x.at, x.seq]);
    expect(fired).toEqual(expected);
  });

  test('T7 schedule with a non-finite delay throws at the call and leaves later timers on time', () => {
    const clock = new VirtualClock();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => clock.schedule(() => {}, bad)).toThrow(RangeError);
    }
    expect(() => clock.schedule(() => {}, '10' as unknown as number)).toThrow(TypeError);
    expect(clock.pending).toBe(0);
    let ran = 0;
    clock.schedule(() => ran++, 10);
    expect(clock.nextAt).toBe(EPOCH + 10);
    expect(clock.advance(100)).toBe(1);
    expect(ran).toBe(1);
  });

  test('T10 install drives gorx timers and restores the previous clock', async () => {
    const clock = new VirtualClock();
    const restore = clock.install();
    let woke = false;
    let fired: number | undefined;
    try {
      sleep(1000).then(() => {
        woke = true;
      });
      timeAfter(500)
        .recv()
        .then((r) => {
          fired = r.value;
        });
      clock.advance(999);
      await Promise.resolve();
      expect(woke).toBe(false);
      expect(fired).toBe(EPOCH + 500);
      clock.advance(1);
      await flush(1);
      expect(woke).toBe(true);
    } finally {
      restore();
    }
    const v = (await timeAfter(0).recv()).value!;
    expect(Math.abs(v - Date.now())).toBeLessThan(1000);
  });

  test('TM7 a delay past the host limit is one timer on a virtual clock, due at its own time', async () => {
    const clock = new VirtualClock();
    const restore = clock.install();
    const century = 100 * 365 * 86_400_000;
    let woke = false;
    try {
      sleep(century).then(() => {
        woke = true;
      });
      // Host timers cap at 2^31-1 ms, so the library clock splits longer delays; a virtual clock
      // has no such cap, and one jump reaches the due time.
      expect(clock.pending).toBe(1);
      expect(clock.nextAt).toBe(EPOCH + century);
      expect(clock.next()).toBe(true);
      expect(clock.now()).toBe(EPOCH + century);
      await flush(1);
      expect(woke).toBe(true);
      expect(clock.pending).toBe(0);
    } finally {
      restore();
    }
  });
});
