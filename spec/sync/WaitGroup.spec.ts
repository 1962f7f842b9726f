import { background, CanceledError, Channel, go, NegativeCounterError, WaitGroup, withCancel } from 'gorx';
import { DeadlockError, synctest } from 'gorx/testing';
import { takeUntil } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  flush,
  jitter,
  parkedSince,
  rng,
  STRESS,
  testScheduler,
  track,
  unhandledRejections,
} from './helpers.js';

/** Go's testWaitGroup: a barrier of n tasks, released only by the last done. */
async function barrier(wg1: WaitGroup, wg2: WaitGroup): Promise<void> {
  const n = 16;
  wg1.add(n);
  wg2.add(n);
  const exited = new Channel<boolean>(n);
  for (let i = 0; i < n; i++) {
    go(async () => {
      wg1.done();
      await wg2.wait();
      await exited.send(true);
    });
  }
  await wg1.wait();
  for (let i = 0; i < n; i++) {
    await flush(1);
    expect(exited.tryRecv(), 'WaitGroup released group too soon').toBeUndefined();
    wg2.done();
  }
  for (let i = 0; i < n; i++) await exited.recv();
}

describe('WaitGroup', () => {
  it('WG1 a counter below zero throws NegativeCounterError and leaves the counter unchanged', async () => {
    const wg = new WaitGroup();
    wg.add(1);
    wg.done();
    expect(() => wg.done()).toThrow(NegativeCounterError);
    expect(() => wg.done()).toThrow('sync: negative WaitGroup counter');
    wg.add(2);
    expect(() => wg.add(-3)).toThrow(NegativeCounterError);
    const w = track(wg.wait());
    wg.add(-2); // still 2 after the failed add
    await flush();
    expect(w.current.status).toBe('fulfilled');
  });

  it('WG1 add takes any integer delta, 1 by default', async () => {
    const wg = new WaitGroup();
    wg.add();
    wg.add(4);
    wg.add(-3);
    const w = track(wg.wait());
    wg.done();
    await flush();
    expect(w.current.status).toBe('pending');
    wg.done();
    await flush();
    expect(w.current.status).toBe('fulfilled');
    expect(() => wg.add(1.5)).toThrow(RangeError);
    expect(() => wg.add(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => wg.add('1' as never)).toThrow(TypeError);
  });

  it('WG2 wait on a zero counter resolves at once', async () => {
    const wg = new WaitGroup();
    const w = track(wg.wait());
    await Promise.resolve();
    await Promise.resolve();
    expect(w.current.status).toBe('fulfilled');
  });

  it('WG2 16 waiters: none released before the last done, all after', async () => {
    const wg = new WaitGroup();
    wg.add(16);
    const waits = Array.from({ length: 16 }, () => track(wg.wait()));
    for (let i = 0; i < 15; i++) {
      wg.done();
      await flush(1);
      expect(waits.every((w) => w.current.status === 'pending')).toBe(true);
    }
    wg.done();
    await flush();
    expect(waits.every((w) => w.current.status === 'fulfilled')).toBe(true);
  });

  it('WG3 the barrier runs 8 times on the same WaitGroups (TestWaitGroup)', async () => {
    const wg1 = new WaitGroup();
    const wg2 = new WaitGroup();
    for (let i = 0; i < 8; i++) await barrier(wg1, wg2);
  });

  it('WG3 waiters released at zero stay released when add runs before they resume', async () => {
    const wg = new WaitGroup();
    wg.add(1);
    const p = track(wg.wait());
    let emitted = 0;
    wg.wait$().subscribe(() => emitted++);
    wg.done();
    wg.add(1); // reuse before the waiters' continuations ran
    await flush();
    expect(p.current.status).toBe('fulfilled');
    expect(emitted).toBe(1);
    const next = track(wg.wait());
    await flush();
    expect(next.current.status).toBe('pending');
    wg.done();
    await flush();
    expect(next.current.status).toBe('fulfilled');
  });

  it('WG4 wait returns only when the counter is really zero (TestWaitGroupRace)', async () => {
    const random = rng(4);
    for (let i = 0; i < 300 * STRESS; i++) {
      const wg = new WaitGroup();
      let n = 0;
      wg.add(2);
      go(async () => {
        await jitter(random);
        n++;
        wg.done();
      });
      go(async () => {
        await jitter(random);
        n++;
        wg.done();
      });
      await wg.wait();
      expect(n).toBe(2);
    }
  });

  it('WG5 go adds 1 and calls done when fn returns or its Promise settles', async () => {
    const wg = new WaitGroup();
    const log: string[] = [];
    wg.go(() => {
      log.push('sync');
    });
    wg.go(async () => {
      await flush(1);
      log.push('async');
    });
    const w = track(wg.wait());
    await Promise.resolve();
    expect(w.current.status).toBe('pending');
    await wg.wait();
    expect(log.sort()).toEqual(['async', 'sync']);
    expect(wg.go(() => {})).toBeUndefined();
    await wg.wait();
  });

  it('WG5 go may be called from within a task while the counter is above zero', async () => {
    const wg = new WaitGroup();
    let leaves = 0;
    wg.go(async () => {
      await flush(1);
      wg.go(async () => {
        await flush(1);
        leaves++;
      });
      leaves++;
    });
    await wg.wait();
    expect(leaves).toBe(2);
  });

  it('WG5 when fn throws, done still runs (Go 1.25) and the error surfaces as an unhandled rejection', async () => {
    const boom = new Error('boom');
    const rejectedToo = new Error('rejected');
    const wg = new WaitGroup();
    const seen = await unhandledRejections(async () => {
      wg.go(() => {
        throw boom;
      });
      wg.go(async () => {
        throw rejectedToo;
      });
      await wg.wait();
    });
    expect(seen).toContain(boom);
    expect(seen).toContain(rejectedToo);
    expect(() => wg.done()).toThrow(NegativeCounterError); // both dones ran, once each
  });

  it('WG5 a result whose then getter throws counts as a throw of fn: done runs once and the error surfaces', async () => {
    const boom = new Error('then getter');
    const wg = new WaitGroup();
    const seen = await unhandledRejections(async () => {
      wg.go(() => ({
        get then(): never {
          throw boom;
        },
      }));
      await wg.wait();
    });
    expect(seen).toContain(boom);
    expect(() => wg.done()).toThrow(NegativeCounterError); // done ran exactly once
  });

  it('WG5 go with a non-function throws TypeError and leaves the counter unchanged', async () => {
    const wg = new WaitGroup();
    expect(() => wg.go(null as never)).toThrow(TypeError);
    await wg.wait();
  });

  it('WG6 wait with counter 0 followed by add(1): the wait has already returned', async () => {
    const wg = new WaitGroup();
    const w = track(wg.wait());
    wg.add(1);
    await flush();
    expect(w.current.status).toBe('fulfilled');
    wg.done();
  });

  it('T9 a cancelled wait rejects with the context error and is withdrawn', async () => {
    const parked = parkedSince();
    const wg = new WaitGroup();
    wg.add(1);
    const [ctx, cancel] = withCancel(background());
    const w = wg.wait(ctx);
    const other = track(wg.wait());
    expect(parked()).toBe(3); // two waits and the guard of the cancellable one
    cancel();
    await expect(w).rejects.toBeInstanceOf(CanceledError);
    expect(parked()).toBe(1);
    await expect(wg.wait(AbortSignal.abort())).rejects.toBeInstanceOf(CanceledError);
    wg.done();
    await flush();
    expect(other.current.status).toBe('fulfilled');
    expect(parked()).toBe(0);
  });

  it('WG2 a wait that can never end is a deadlock', async () => {
    const e = await synctest(async () => {
      const wg = new WaitGroup();
      wg.add(1);
      await wg.wait();
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DeadlockError);
    expect((e as DeadlockError).waits[0]).toContain('sync.WaitGroup.Wait on WaitGroup#1');
  });
});

describe('WaitGroup.wait$', () => {
  it('WG2 emits once and completes when the counter reaches zero (marbles)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const wg = new WaitGroup();
      wg.add(2);
      cold('-x--x').subscribe(() => wg.done());
      expectObservable(wg.wait$()).toBe('----(u|)', { u: undefined });
    });
  });

  it('WG2 emits and completes in the subscribing step when the counter is zero (marbles)', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(new WaitGroup().wait$()).toBe('(u|)', { u: undefined });
    });
  });

  it('RX2 is cold, and an unsubscribed wait$ is withdrawn (marbles)', () => {
    const parked = parkedSince();
    testScheduler().run(({ cold, expectObservable }) => {
      const wg = new WaitGroup();
      const wait$ = wg.wait$();
      wg.add(1);
      cold('---x').subscribe(() => wg.done());
      expectObservable(wait$, '^-!').toBe('---', { u: undefined });
      expectObservable(wait$.pipe(takeUntil(cold('--s')))).toBe('--|');
      expectObservable(wait$).toBe('---(u|)', { u: undefined });
    });
    expect(parked()).toBe(0);
  });
});
