import { after, Channel, go, newTicker, recv, select, sleep, tick } from 'gorx';
import { VirtualClock } from 'gorx/testing';
import { concat, map, switchMap, take, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { testScheduler } from '../helpers/marbles.js';

/** A virtual clock whose alarms run `lag` ms after their due time, like a busy event loop. */
class LateClock extends VirtualClock {
  lag = 0;
  override now(): number {
    return super.now() + this.lag;
  }
}

describe('tick and newTicker (marbles)', () => {
  it('TK3 tick(10) delivers the clock time every 10 ms', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(tick(10).pipe(take(3))).toBe('10ms a 9ms b 9ms (c|)', { a: 10, b: 20, c: 30 });
    });
  });

  it('TK2 a slow receiver gets at most one pending tick: no backlog', () => {
    testScheduler().run(({ expectObservable }) => {
      const t = newTicker(10);
      const late = timer(100).pipe(switchMap(() => concat(t.c.recv$(), t.c.recv$())));
      // The pending tick is the one due at 10; the next comes at 110, not at 20, 30, …
      expectObservable(late).toBe('100ms a 9ms (b|)', { a: 10, b: 110 });
    });
  });

  it('TK2 the channel never buffers: length and capacity are 0', async () => {
    const t = newTicker(200);
    await sleep(450);
    expect([t.c.length, t.c.capacity]).toEqual([0, 0]);
    expect(t.c.tryRecv()?.ok).toBe(true);
    expect(t.c.tryRecv()).toBeUndefined();
    t.stop();
  });

  it('TK2 a receiver sleeping 100 ms does not find 10 queued ticks (real time)', async () => {
    const t = newTicker(10);
    await sleep(100);
    const a = await t.c.recv();
    const b = await t.c.recv();
    expect(b.value! - a.value!).toBeGreaterThanOrEqual(10);
    t.stop();
  });

  it('TK3 reset changes the period: the next tick comes d after the reset', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const t = newTicker(10);
      ts.schedule(() => t.reset(4), 25);
      expectObservable(t.c.pipe(take(5))).toBe('10ms a 9ms b 8ms c 3ms d 3ms (e|)', {
        a: 10,
        b: 20,
        c: 29,
        d: 33,
        e: 37,
      });
    });
  });

  it('TK3 stop does not close the channel and no tick arrives afterwards', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const t = newTicker(10);
      ts.schedule(() => t.stop(), 15);
      expectObservable(t.c, '^ 60ms !').toBe('10ms a', { a: 10 });
    });
  });

  it('TK3 stop leaves no stale tick behind, and reset restarts a stopped ticker', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const t = newTicker(10);
      // Nobody receives: the tick due at 10 is pending when stop is called at 15.
      ts.schedule(() => t.stop(), 15);
      ts.schedule(() => t.reset(5), 30);
      const r = timer(20).pipe(switchMap(() => t.c.pipe(take(2))));
      expectObservable(r).toBe('35ms a 4ms (b|)', { a: 35, b: 40 });
    });
  });

  it('TK3 Go TestTicker: count/2 ticks at d, reset to 2d, the rest at 2d (virtual time)', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const d = 20;
      const count = 10;
      const t = newTicker(d);
      const times: number[] = [];
      const r = t.c.pipe(take(count));
      r.subscribe((v) => {
        times.push(v);
        if (times.length === count / 2) t.reset(2 * d);
      });
      const total = d * (count / 2) + 2 * d * (count / 2);
      const probe = timer(total + 1).pipe(map(() => [times.length, times.at(-1)]));
      expectObservable(probe).toBe(`${total + 1}ms (a|)`, { a: [count, total] });
    });
  });

  it('TK4 two receivers sharing one ticker get distinct ticks, none duplicated', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const t = newTicker(10);
      ts.schedule(() => t.stop(), 106); // the ranging receivers never end: stop ends virtual time
      const got: number[][] = [[], []];
      t.c.subscribe((v) => got[0]!.push(v));
      t.c.subscribe((v) => got[1]!.push(v));
      const check = timer(105).pipe(
        map(() => ({
          all: [...got[0]!, ...got[1]!].sort((x, y) => x - y),
          each: got.map((g) => g.length),
        })),
      );
      expectObservable(check).toBe('105ms (a|)', {
        a: { all: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], each: [5, 5] },
      });
    });
  });

  it('TK4 two tasks select on one ticker with a stop channel: every tick is counted once (real time)', async () => {
    const t = newTicker(2);
    const stop = new Channel<void>();
    const seen: number[] = [];
    const worker = async () => {
      for (;;) {
        const r = await select({ tick: recv(t.c), stop: recv(stop) });
        if (r.case === 'stop') return;
        if (r.ok) seen.push(r.value);
      }
    };
    const tasks = [go(worker), go(worker)];
    await sleep(30);
    stop.close();
    await Promise.all(tasks);
    t.stop();
    expect(seen.length).toBeGreaterThan(3);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('TM1 a receiver parked before a tick gets its due time, however late the alarm runs', async () => {
    const clock = new LateClock(0);
    const restore = clock.install();
    try {
      const t = newTicker(10);
      const p = t.c.recv();
      clock.lag = 25;
      clock.advance(10); // the alarm runs at 35
      expect(await p).toEqual({ value: 10, ok: true });
      t.stop();
    } finally {
      restore();
    }
  });

  it("TK1 a non-positive period throws with Go's message from newTicker and reset", () => {
    expect(() => newTicker(0)).toThrow(new RangeError('non-positive interval for NewTicker'));
    expect(() => newTicker(-1)).toThrow(RangeError);
    const t = newTicker(10);
    expect(() => t.reset(0)).toThrow(new RangeError('non-positive interval for Ticker.Reset'));
    expect(() => t.reset(-1)).toThrow(RangeError);
    t.stop();
  });

  it('TK1 tick(d <= 0) returns the nil channel: never ready, a select case on it is never chosen', async () => {
    for (const d of [0, -0, -5, Number.NEGATIVE_INFINITY]) {
      const c = tick(d);
      expect([c.length, c.capacity]).toEqual([0, 0]);
      expect(c.tryRecv()).toBeUndefined();
      const r = await select({ nil: recv(c), wait: recv(after(5)) });
      expect(r.case).toBe('wait');
    }
    expect(tick(0)).toBe(tick(-1));
  });

  it('TK1 a non-finite period throws a RangeError, a non-number one a TypeError', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => newTicker(bad)).toThrow(RangeError);
      expect(() => tick(bad)).toThrow(RangeError);
    }
    expect(() => newTicker('10' as unknown as number)).toThrow(TypeError);
    expect(() => tick('10' as unknown as number)).toThrow(TypeError);
  });
});
