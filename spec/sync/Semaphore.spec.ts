import {
  background,
  CanceledError,
  Channel,
  DeadlineExceededError,
  go,
  Semaphore,
  UnlockError,
  withCancel,
} from 'gorx';
import { map, takeUntil } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { flush, jitter, parkedSince, rng, STRESS, testScheduler, track } from './helpers.js';

describe('Semaphore', () => {
  it('SM1 waits for every earlier waiter even when enough permits are free', async () => {
    const sem = new Semaphore(10);
    const log: string[] = [];
    expect(sem.tryAcquire(9)).toBe(true);
    const b = sem.acquire(5).then(() => log.push('B'));
    const c = sem.acquire(1).then(() => log.push('C'));
    await flush();
    expect(log).toEqual([]); // 1 permit is free, but C is behind B
    sem.release(9);
    await Promise.all([b, c]);
    expect(log).toEqual(['B', 'C']);
    expect(sem.tryAcquire(4)).toBe(true);
    expect(sem.tryAcquire(1)).toBe(false);
  });

  it('SM1 serves waiters in FIFO order whatever their weights', async () => {
    const sem = new Semaphore(3);
    sem.tryAcquire(3);
    const log: number[] = [];
    const all = [2, 1, 3, 1].map((n, i) => sem.acquire(n).then(() => log.push(i)));
    sem.release(3); // 0 (2) and 1 (1) fit; 2 (3) does not
    await flush();
    expect(log).toEqual([0, 1]);
    sem.release(3);
    await flush();
    expect(log).toEqual([0, 1, 2]);
    sem.release(3);
    await Promise.all(all);
    expect(log).toEqual([0, 1, 2, 3]);
  });

  it('SM2 a large acquire is not starved by tasks churning small ones (LargeAcquireDoesntStarve)', async () => {
    const n = 8;
    const sem = new Semaphore(n);
    const random = rng(2);
    let running = true;
    const tasks = [];
    for (let i = 0; i < n; i++) {
      tasks.push(
        go(async () => {
          while (running) {
            await sem.acquire(1);
            await jitter(random);
            sem.release(1);
            await jitter(random);
          }
        }),
      );
    }
    await flush();
    await sem.acquire(n);
    running = false;
    sem.release(n);
    await Promise.all(tasks);
    expect(sem.tryAcquire(n)).toBe(true);
  });

  it('SM3 tryAcquire succeeds only with the permits free and nobody waiting (TestWeightedTryAcquire)', async () => {
    const sem = new Semaphore(2);
    const tries: boolean[] = [];
    await sem.acquire(1);
    tries.push(sem.tryAcquire(1));
    tries.push(sem.tryAcquire(1));
    sem.release(2);
    tries.push(sem.tryAcquire(1));
    await sem.acquire(1);
    tries.push(sem.tryAcquire(1));
    expect(tries).toEqual([true, false, true, false]);
  });

  it('SM3 tryAcquire fails while anyone waits, even if its request would fit', async () => {
    const sem = new Semaphore(2);
    sem.tryAcquire(1);
    const big = track(sem.acquire(2));
    expect(sem.tryAcquire(1)).toBe(false);
    expect(sem.tryAcquire(0)).toBe(false);
    sem.release(1);
    await flush();
    expect(big.current.status).toBe('fulfilled');
  });

  it('SM4 a request larger than the size does not block others and waits only for its cancel', async () => {
    const sem = new Semaphore(2);
    const [ctx, cancel] = withCancel(background());
    const tooBig = track(sem.acquire(3, ctx));
    expect(sem.tryAcquire(1)).toBe(true);
    sem.release(1);
    let cycles = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        go(async () => {
          for (let i = 0; i < 10; i++) {
            await sem.acquire(1);
            cycles++;
            await Promise.resolve();
            sem.release(1);
          }
        }),
      ),
    );
    expect(cycles).toBe(60);
    await flush();
    expect(tooBig.current.status).toBe('pending');
    cancel();
    await flush();
    expect(tooBig.current).toEqual({ status: 'rejected', reason: expect.any(CanceledError) });
    expect(sem.tryAcquire(2)).toBe(true);
  });

  it('SM5 an acquire with a context already done fails although permits are free, and changes nothing', async () => {
    const sem = new Semaphore(2);
    const [ctx, cancel] = withCancel(background());
    cancel();
    await expect(sem.acquire(1, ctx)).rejects.toBeInstanceOf(CanceledError);
    expect(sem.tryAcquire(2)).toBe(true);
  });

  it('SM5 an aborted AbortSignal maps to CanceledError with the reason as cause, a TimeoutError to DeadlineExceededError', async () => {
    const sem = new Semaphore(1);
    sem.tryAcquire(1);
    const ac = new AbortController();
    const p = sem.acquire(1, ac.signal);
    const reason = new Error('stop');
    ac.abort(reason);
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CanceledError);
    expect((e as Error).cause).toBe(reason);
    const timeout = AbortSignal.abort(new DOMException('late', 'TimeoutError'));
    await expect(sem.acquire(1, timeout)).rejects.toBeInstanceOf(DeadlineExceededError);
    sem.release(1);
    expect(sem.tryAcquire(1)).toBe(true);
  });

  it('SM6 cancelling the waiter at the front wakes the waiters behind it that now fit (AllocCancelDoesntStarve)', async () => {
    const parked = parkedSince();
    const sem = new Semaphore(10);
    await sem.acquire(1);
    const [ctx, cancel] = withCancel(background());
    const big = track(sem.acquire(10, ctx));
    const small = track(sem.acquire(1));
    await flush();
    expect(small.current.status).toBe('pending');
    cancel();
    await flush();
    expect(big.current).toEqual({ status: 'rejected', reason: expect.any(CanceledError) });
    expect(small.current.status).toBe('fulfilled');
    expect(parked()).toBe(0);
  });

  it('SM6 a cancelled acquire in the middle of the queue leaves the semaphore and the others unchanged', async () => {
    const sem = new Semaphore(2);
    sem.tryAcquire(2);
    const [ctx, cancel] = withCancel(background());
    const log: string[] = [];
    const a = sem.acquire(1).then(() => log.push('a'));
    const b = sem.acquire(2, ctx).catch(() => log.push('b cancelled'));
    const c = sem.acquire(1).then(() => log.push('c'));
    cancel();
    await b;
    sem.release(2);
    await Promise.all([a, c]);
    expect(log).toEqual(['b cancelled', 'a', 'c']);
    expect(sem.tryAcquire(1)).toBe(false);
    sem.release(2);
    expect(sem.tryAcquire(2)).toBe(true);
  });

  it('SM7 releasing more than held throws UnlockError and leaves the semaphore unchanged (TestWeightedPanic)', () => {
    const sem = new Semaphore(1);
    expect(() => sem.release(1)).toThrow(UnlockError);
    expect(() => sem.release(1)).toThrow('semaphore: released more than held');
    sem.tryAcquire(1);
    expect(() => sem.release(2)).toThrow(UnlockError);
    expect(sem.tryAcquire(1)).toBe(false);
    sem.release(1);
    expect(sem.tryAcquire(1)).toBe(true);
  });

  it('SM8 acquire(0) succeeds at once when nobody waits, and queues FIFO otherwise', async () => {
    const sem = new Semaphore(1);
    sem.tryAcquire(1);
    await sem.acquire(0); // all permits held, nobody waiting
    expect(sem.tryAcquire(0)).toBe(true);
    const log: string[] = [];
    const one = sem.acquire(1).then(() => log.push('one'));
    const zero = sem.acquire(0).then(() => log.push('zero'));
    await flush();
    expect(log).toEqual([]);
    sem.release(1);
    await Promise.all([one, zero]);
    expect(log).toEqual(['one', 'zero']);
  });

  it('SM9 a buffered channel is a semaphore: at most cap holders', async () => {
    const tokens = new Channel<void>(3);
    const random = rng(9);
    let active = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        go(async () => {
          await tokens.send(undefined); // acquire
          most = Math.max(most, ++active);
          await jitter(random);
          active--;
          await tokens.recv(); // release
        }),
      ),
    );
    expect(most).toBe(3);
  });

  it('SM1 hammer: task i acquires i+1 permits in a loop; the permits in use never exceed the size (TestWeighted)', async () => {
    const parked = parkedSince();
    const n = 8;
    const loops = 200 * STRESS;
    const sem = new Semaphore(n);
    const random = rng(42);
    let inUse = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        go(async () => {
          for (let k = 0; k < loops; k++) {
            await sem.acquire(i + 1);
            inUse += i + 1;
            most = Math.max(most, inUse);
            expect(inUse).toBeLessThanOrEqual(n);
            await jitter(random);
            inUse -= i + 1;
            sem.release(i + 1);
          }
        }),
      ),
    );
    expect(most).toBeLessThanOrEqual(n);
    expect(sem.tryAcquire(n)).toBe(true);
    expect(parked()).toBe(0);
  });

  it('SM6 hammer: random cancels never leak or lose permits', async () => {
    const parked = parkedSince();
    const size = 5;
    const sem = new Semaphore(size);
    const random = rng(7);
    let inUse = 0;
    let granted = 0;
    let cancelled = 0;
    await Promise.all(
      Array.from({ length: 6 }, (_, t) =>
        go(async () => {
          for (let k = 0; k < 100 * STRESS; k++) {
            const n = 1 + random(size);
            const [ctx, cancel] = withCancel(background());
            if (random(3) === 0) void flush(1).then(cancel);
            try {
              await sem.acquire(n, ctx);
            } catch (e) {
              expect(e).toBeInstanceOf(CanceledError);
              cancelled++;
              continue;
            } finally {
              cancel();
            }
            granted++;
            inUse += n;
            expect(inUse).toBeLessThanOrEqual(size);
            await jitter(random);
            inUse -= n;
            sem.release(n);
            if (t === 0) await jitter(random);
          }
        }),
      ),
    );
    expect(granted + cancelled).toBe(600 * STRESS);
    expect(sem.tryAcquire(size)).toBe(true);
    expect(parked()).toBe(0);
  });

  it('SM1 withPermits holds the permits while fn runs and gives them back when it throws', async () => {
    const sem = new Semaphore(2);
    const result = await sem.withPermits(2, async () => {
      expect(sem.tryAcquire(1)).toBe(false);
      return 'done';
    });
    expect(result).toBe('done');
    const boom = new Error('boom');
    await expect(
      sem.withPermits(1, () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(sem.tryAcquire(2)).toBe(true);
  });

  it('SM5 withPermits with a cancel that fires while waiting does not run fn', async () => {
    const sem = new Semaphore(1);
    sem.tryAcquire(1);
    const [ctx, cancel] = withCancel(background());
    let ran = false;
    const p = sem.withPermits(
      1,
      () => {
        ran = true;
      },
      ctx,
    );
    cancel();
    await expect(p).rejects.toBeInstanceOf(CanceledError);
    expect(ran).toBe(false);
    sem.release(1);
    expect(sem.tryAcquire(1)).toBe(true);
  });

  it('T1 bad arguments throw at the call', () => {
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
    const sem = new Semaphore(2);
    expect(() => sem.acquire(-1)).toThrow(RangeError);
    expect(() => sem.acquire(0.5)).toThrow(RangeError);
    expect(() => sem.acquire$(-1)).toThrow(RangeError);
    expect(() => sem.tryAcquire(Number.NaN)).toThrow(RangeError);
    expect(() => sem.release(-2)).toThrow(RangeError);
    expect(() => sem.withPermits(1, null as never)).toThrow(TypeError);
    expect(() => sem.withPermits(-1, () => {})).toThrow(RangeError);
  });
});

describe('Semaphore.acquire$', () => {
  it('SM1 emits when the permits are free and holds them until unsubscribed (marbles)', () => {
    testScheduler().run(({ expectObservable }) => {
      const sem = new Semaphore(2);
      const a = { a: undefined };
      expectObservable(sem.acquire$(2), '^---!').toBe('a---', a);
      expectObservable(sem.acquire$(1)).toBe('----a', a);
      expectObservable(sem.acquire$(1)).toBe('----a', a);
    });
  });

  it('RX2 is cold: nothing is acquired before subscription', () => {
    const sem = new Semaphore(1);
    const hold = sem.acquire$(1);
    expect(sem.tryAcquire(1)).toBe(true);
    sem.release(1);
    const sub = hold.subscribe();
    expect(sem.tryAcquire(1)).toBe(false);
    sub.unsubscribe();
    expect(sem.tryAcquire(1)).toBe(true);
  });

  it('SM5 unsubscribing a pending acquire$ withdraws it and leaves the semaphore unchanged (marbles)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const sem = new Semaphore(2);
      const x = { x: 'x' };
      expectObservable(sem.acquire$(1).pipe(map(() => 'x')), '^-----!').toBe('x-----', x);
      // 2 permits are not free: it waits, and is withdrawn at frame 2
      expectObservable(sem.acquire$(2).pipe(map(() => 'x')), '^-!').toBe('---', x);
      // queued behind it although 1 permit is free; woken when the head is withdrawn (SM6)
      expectObservable(sem.acquire$(1).pipe(map(() => 'x'))).toBe('--x', x);
      // takeUntil is the cancel of a `$` form
      expectObservable(
        sem.acquire$(1).pipe(
          takeUntil(cold('---c')),
          map(() => 'x'),
        ),
      ).toBe('---|', x);
    });
  });

  it('SM4 an acquire$ larger than the size never emits and does not block others', () => {
    const parked = parkedSince();
    const sem = new Semaphore(1);
    const values: unknown[] = [];
    const big = sem.acquire$(2).subscribe((v) => values.push(v));
    expect(sem.tryAcquire(1)).toBe(true);
    sem.release(1);
    big.unsubscribe();
    expect(values).toEqual([]);
    expect(parked()).toBe(0);
  });
});
