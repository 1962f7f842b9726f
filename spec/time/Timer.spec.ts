import {
  background,
  Channel,
  DeadlineExceededError,
  go,
  newTimer,
  recv,
  select,
  select$,
  sleep,
  type Timer,
  after as timeAfter,
  withTimeout,
} from 'gorx';
import { VirtualClock } from 'gorx/testing';
import { concat, map, merge, switchMap, take, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { rng } from '../helpers/async.js';
import { pending, pendingFrom, testScheduler } from '../helpers/marbles.js';

describe('after (marbles)', () => {
  it('TM1 after(5).recv$() emits the fire time at frame 5', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(timeAfter(5).recv$()).toBe('-----(a|)', { a: 5 });
    });
  });

  it('TM1 ranging over after(ms) yields one value and then waits', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(timeAfter(3), '^ 20ms !').toBe('---a', { a: 3 });
    });
  });

  it('TM1 a late receiver gets the time the timer fired, not the time it received', () => {
    testScheduler().run(({ expectObservable }) => {
      const c = timeAfter(10);
      expectObservable(timer(50).pipe(switchMap(() => c.recv$()))).toBe('50ms (a|)', { a: 10 });
    });
  });

  it('TM1 after is the timeout case of a select', () => {
    testScheduler().run(({ expectObservable }) => {
      const ch = new Channel<number>();
      const r = select$({ v: recv(ch), timeout: recv(timeAfter(7)) }).pipe(map((s) => s.case));
      expectObservable(r).toBe('-------(a|)', { a: 'timeout' });
    });
  });

  it('TM6 timers fire in deadline order, at their exact virtual times (Go TestAfterQueuing)', () => {
    testScheduler().run(({ expectObservable }) => {
      const slots = [5, 3, 6, 6, 6, 1, 1, 2, 7, 9, 4, 0, 8];
      const delta = 10;
      const fired = merge(
        ...slots.map((slot, i) =>
          timeAfter(slot * delta)
            .recv$()
            .pipe(map((t) => [t, i])),
        ),
      );
      const sorted = slots.map((slot, i) => [slot, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      const got: number[][] = [];
      fired.subscribe((v) => got.push(v));
      expectObservable(timer(200).pipe(map(() => got))).toBe('200ms (a|)', {
        a: sorted.map(([slot, i]) => [slot * delta, i]),
      });
    });
  });
});

/** A virtual clock whose alarms run `lag` ms after their due time, like a busy event loop. */
class LateClock extends VirtualClock {
  lag = 0;
  override now(): number {
    return super.now() + this.lag;
  }
}

describe('newTimer: Go 1.23 stop and reset', () => {
  it('TM1 a receiver parked before the timer fires gets the due time, as a late one does', async () => {
    const clock = new LateClock(0);
    const restore = clock.install();
    try {
      const parked = newTimer(10);
      const late = newTimer(10);
      const p = parked.c.recv();
      clock.lag = 40;
      clock.advance(10); // the alarm runs at 50
      expect(await p).toEqual({ value: 10, ok: true });
      expect(late.c.tryRecv()).toEqual({ value: 10, ok: true });
    } finally {
      restore();
    }
  });

  it('TM2 the channel is synchronous: length and capacity stay 0, even after expiry', async () => {
    const t = newTimer(1);
    expect([t.c.length, t.c.capacity]).toEqual([0, 0]);
    await sleep(5);
    expect([t.c.length, t.c.capacity]).toEqual([0, 0]);
    expect(t.c.tryRecv()?.ok).toBe(true);
    expect(t.c.tryRecv()).toBeUndefined();
  });

  it('TM3 stop counts an expired but unreceived timer as stopped, and no value ever arrives', async () => {
    const t = newTimer(1000);
    expect(t.reset(1)).toBe(true);
    await sleep(10);
    expect(t.stop()).toBe(true);
    expect(t.c.tryRecv()).toBeUndefined();
    expect(t.stop()).toBe(false);
    const r = await select({ c: recv(t.c), wait: recv(timeAfter(10)) });
    expect(r.case).toBe('wait');
  });

  it('TM3 stop after the value was received returns false', async () => {
    const t = newTimer(1);
    const { value, ok } = await t.c.recv();
    expect(ok).toBe(true);
    expect(typeof value).toBe('number');
    expect(t.stop()).toBe(false);
  });

  it('TM3 stop before expiry returns true and nothing is delivered (virtual time)', () => {
    testScheduler().run(({ expectObservable }) => {
      const t = newTimer(10);
      expectObservable(t.c, '^ 30ms !').toBe('');
      expectObservable(timer(5).pipe(map(() => t.stop()))).toBe('-----(a|)', { a: true });
    });
  });

  it('TM4 reset of an unfired timer returns true and moves the fire time (virtual time)', () => {
    testScheduler().run(({ expectObservable }) => {
      const t = newTimer(10);
      expectObservable(t.c, '^ 40ms !').toBe('25ms a', { a: 25 });
      expectObservable(timer(5).pipe(map(() => t.reset(20)))).toBe('-----(a|)', { a: true });
    });
  });

  it('TM4 reset of an expired, received timer returns false and the timer fires again', () => {
    testScheduler().run(({ expectObservable }) => {
      const t = newTimer(10);
      expectObservable(t.c, '^ 40ms !').toBe('10ms a 14ms b', { a: 10, b: 25 });
      expectObservable(timer(15).pipe(map(() => t.reset(10)))).toBe('15ms (a|)', { a: false });
    });
  });

  it('TM4 after reset no value of the old setting is received', async () => {
    const t = newTimer(1);
    await sleep(10); // expired, unreceived
    expect(t.reset(30)).toBe(true);
    expect(t.c.tryRecv()).toBeUndefined();
    const t0 = Date.now();
    await t.c.recv();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('TM4 reset of a stopped timer returns false', () => {
    const t = newTimer(1000);
    t.stop();
    expect(t.reset(1000)).toBe(false);
    expect(t.stop()).toBe(true);
  });

  it('TM5 stop and reset results agree with the channel: the loser never hangs (Go TestStopResult)', async () => {
    const [ctx, cancel] = withTimeout(background(), 5000);
    const worker = async (seed: number) => {
      const rand = rng(seed);
      for (let i = 0; i < 15; i++) {
        const a = newTimer(1);
        const b = newTimer(1);
        const r = await select({ a: recv(a.c), b: recv(b.c) }, ctx);
        const loser: Timer = r.case === 'a' ? b : a;
        if (rand(2) === 0) {
          if (!loser.stop()) await loser.c.recv(ctx);
          expect(loser.c.tryRecv()).toBeUndefined();
        } else {
          const active = loser.reset(1);
          expect(active).toBe(true);
          const got = await loser.c.recv(ctx);
          expect(got.ok).toBe(true);
          expect(loser.c.tryRecv()).toBeUndefined();
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => go(() => worker(i + 1))));
    expect(ctx.err).toBeUndefined();
    cancel();
  });

  it('TM8 10^5 zero-duration timers are never lost (Go TestZeroTimer)', async () => {
    for (let i = 0; i < 100_000; i++) {
      const r = await newTimer(0).c.recv();
      if (!r.ok) throw new Error(`zero timer ${i} lost`);
    }
  });

  it('TM8 timers moved earlier and later at random are never dropped (Go TestAdjustTimers, seeded)', () => {
    for (const seed of [1, 2, 3]) {
      const ts = testScheduler();
      const rand = rng(seed);
      const N = 100;
      const timers: Timer[] = [];
      const got: number[][] = Array.from({ length: N }, () => []);
      const model = Array.from({ length: N }, () => ({ active: true, when: 0, fired: [] as number[] }));
      const results: boolean[] = [];
      const expectedResults: boolean[] = [];
      ts.run(({ flush }) => {
        for (let i = 0; i < N; i++) {
          // Initial delays ≡ 2 (mod 3), operations at frames ≡ 1 (mod 3): no ties to order.
          const d = 3 * (1 + rand(30)) + 2;
          timers.push(newTimer(d));
          model[i]!.when = d;
          timers[i]!.c.subscribe((t) => got[i]!.push(t));
        }
        const ops: { at: number; i: number; d: number | null }[] = [];
        for (let k = 0; k < 500; k++) {
          ops.push({ at: 3 * (1 + rand(60)) + 1, i: rand(N), d: rand(4) === 0 ? null : 3 * rand(40) + 1 });
        }
        ops.sort((x, y) => x.at - y.at);
        for (const op of ops) {
          ts.schedule(() => {
            const t = timers[op.i]!;
            results.push(op.d === null ? t.stop() : t.reset(op.d));
          }, op.at);
        }
        // The model: before each operation, every active timer due earlier has delivered.
        const settleModel = (upTo: number) => {
          for (const m of model) {
            if (m.active && m.when < upTo) {
              m.fired.push(m.when);
              m.active = false;
            }
          }
        };
        for (const op of ops) {
          settleModel(op.at);
          const m = model[op.i]!;
          expectedResults.push(m.active);
          if (op.d === null) m.active = false;
          else {
            m.active = true;
            m.when = op.at + op.d;
          }
        }
        settleModel(Number.POSITIVE_INFINITY);
        flush();
      });
      expect(results).toEqual(expectedResults);
      expect(got).toEqual(model.map((m) => m.fired));
    }
  });
});

describe('long and non-positive delays', () => {
  it('TM7 d <= 0 fires at once: the value is ready to a receive', async () => {
    expect(timeAfter(0).tryRecv()?.ok).toBe(true);
    expect(timeAfter(-1).tryRecv()?.ok).toBe(true);
    await expect(timeAfter(-1000).recv()).resolves.toMatchObject({ ok: true });
  });

  it('TM7 d <= 0 under virtual time emits in the same frame', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(timeAfter(-1).recv$()).toBe('(a|)', { a: 0 });
    });
  });

  it('TM7 after(2^31) does not fire within 25 ms', async () => {
    const r = await select({ huge: recv(timeAfter(2 ** 31)), small: recv(timeAfter(25)) });
    expect(r.case).toBe('small');
  });

  it('TM7 a huge delay waits in virtual time too, in chunks below 2^31 ms', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const day = 24 * 3_600_000;
      const c = timeAfter(30 * day);
      expectObservable(c.recv$()).toBe(`${30 * day}ms (a|)`, { a: 30 * day });
      expectObservable(timer(29 * day).pipe(map(() => pending(ts) > 0))).toBe(`${29 * day}ms (a|)`, {
        a: true,
      });
    });
  });

  it('TM11 an after(1h) that loses a select leaves no scheduled alarm', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable, flush }) => {
      const ch = new Channel<number>(1);
      const r = select$({ v: recv(ch), timeout: recv(timeAfter(3_600_000)) }).pipe(map((s) => s.case));
      expectObservable(r).toBe('(a|)', { a: 'v' });
      ch.trySend(1);
      flush();
      expect(pending(ts)).toBe(0);
    });
  });

  it('TM11 a select parked on after(1h) and woken by a value disarms the timer', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      const ch = new Channel<number>();
      const r = select$({ v: recv(ch), timeout: recv(timeAfter(3_600_000)) }).pipe(map((s) => s.case));
      expectObservable(r).toBe('-----(a|)', { a: 'v' });
      expectObservable(cold('--x').pipe(map(() => pendingFrom(ts, 3_600_000)))).toBe('--a', { a: 1 });
      expectObservable(
        concat(timer(5).pipe(map(() => ch.trySend(1))), timer(1).pipe(map(() => pendingFrom(ts, 3_600_000)))),
      ).toBe('-----a(b|)', { a: true, b: 0 });
    });
  });

  it('TM11 an after(1h) nobody waits on holds no timer at all', () => {
    const ts = testScheduler();
    ts.run(() => {
      const abandoned = [timeAfter(3_600_000), timeAfter(3_600_000), newTimer(3_600_000).c];
      expect(abandoned).toHaveLength(3);
      expect(pending(ts)).toBe(0);
    });
  });

  it('TM10 a timer is always initialised: stop and reset work on a new one', () => {
    const t = newTimer(1000);
    expect(t.stop()).toBe(true);
    expect(t.reset(1000)).toBe(false);
    expect(t.stop()).toBe(true);
  });

  it('TM9 gorx has no time.AfterFunc: go + a timer is the equivalent, and stop returns false once fn started', async () => {
    const t = newTimer(1);
    let ran = 0;
    const task = go(async () => {
      const r = await t.c.recv();
      if (r.ok) ran++;
    });
    await task;
    expect(ran).toBe(1);
    expect(t.stop()).toBe(false);
  });

  it('TM1 bad durations throw at the call: a RangeError when non-finite, a TypeError when not a number', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => timeAfter(bad)).toThrow(RangeError);
      expect(() => newTimer(bad)).toThrow(RangeError);
      expect(() => newTimer(10).reset(bad)).toThrow(RangeError);
    }
    for (const bad of ['5' as unknown as number, undefined as unknown as number]) {
      expect(() => timeAfter(bad)).toThrow(TypeError);
      expect(() => newTimer(bad)).toThrow(TypeError);
      expect(() => newTimer(10).reset(bad)).toThrow(TypeError);
    }
  });

  it('TM1 a cancellable receive on a timer rejects with the token error and the timer stays usable', async () => {
    const t = newTimer(50);
    const [ctx] = withTimeout(background(), 1);
    await expect(t.c.recv(ctx)).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(t.stop()).toBe(true);
  });
});

describe('take from a timer', () => {
  it('TM2 a timer channel never completes on its own', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(newTimer(2).c.pipe(take(2)), '^ 10ms !').toBe('--a', { a: 2 });
    });
  });
});
