import { background, CanceledError, go, Mutex, sleep, type Unlock, UnlockError, withCancel } from 'gorx';
import { DeadlockError, synctest } from 'gorx/testing';
import { map, switchMap, takeUntil, tap, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { flush, jitter, parkedSince, rng, STRESS, testScheduler, track } from './helpers.js';

/** The seed article's SafeCounter: `c.mu.Lock(); defer c.mu.Unlock()`. */
class SafeCounter {
  readonly #mu = new Mutex();
  readonly #count = new Map<string, number>();

  async increment(key: string): Promise<void> {
    using _ = await this.#mu.lock();
    const n = this.#count.get(key) ?? 0;
    await Promise.resolve(); // other tasks run here
    this.#count.set(key, n + 1);
  }

  async get(key: string): Promise<number> {
    using _ = await this.#mu.lock();
    return this.#count.get(key) ?? 0;
  }
}

describe('Mutex', () => {
  it('MU1 a new Mutex is unlocked; lock waits while another holds it', async () => {
    const mu = new Mutex();
    const first = await mu.lock();
    const second = track(mu.lock());
    await flush();
    expect(second.current.status).toBe('pending');
    first();
    await flush();
    expect(second.current.status).toBe('fulfilled');
  });

  it('MU1 is not reentrant: locking twice from one task is a deadlock', async () => {
    const e = await synctest(async () => {
      const mu = new Mutex();
      await mu.lock();
      await mu.lock();
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DeadlockError);
    expect((e as DeadlockError).waits.join('\n')).toContain('sync.Mutex.Lock on Mutex#1');
  });

  it('MU2 is not tied to a task: A locks, B unlocks, C then acquires', async () => {
    const mu = new Mutex();
    await go(() => mu.lock());
    await go(() => mu.unlock());
    const c = await go(() => mu.tryLock());
    expect(c).toBe(true);
  });

  it('MU3 unlock of an unlocked mutex throws UnlockError, a double unlock too', async () => {
    const mu = new Mutex();
    expect(() => mu.unlock()).toThrow(UnlockError);
    expect(() => mu.unlock()).toThrow('sync: unlock of unlocked mutex');
    await mu.lock();
    mu.unlock();
    expect(() => mu.unlock()).toThrow(UnlockError);
    expect(mu.tryLock()).toBe(true);
  });

  it('MU4 unlock hands the lock to the oldest waiter (FIFO)', async () => {
    const mu = new Mutex();
    await mu.lock();
    const order: number[] = [];
    const waiters = [0, 1, 2, 3, 4].map((i) =>
      mu.lock().then((unlock) => {
        order.push(i);
        unlock();
      }),
    );
    mu.unlock();
    await Promise.all(waiters);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('MU4 a task re-locking in a loop cannot starve another (TestMutexFairness)', async () => {
    const mu = new Mutex();
    let stop = false;
    const greedy = go(async () => {
      while (!stop) {
        const unlock = await mu.lock();
        await Promise.resolve();
        unlock();
      }
    });
    const polite = go(async () => {
      for (let i = 0; i < 10; i++) {
        await flush(1);
        const unlock = await mu.lock();
        unlock();
      }
    });
    await polite;
    stop = true;
    await greedy;
    expect(mu.tryLock()).toBe(true);
  });

  it('MU5 tryLock never blocks: false while locked, and false right after an unlock that handed off', async () => {
    const mu = new Mutex();
    expect(mu.tryLock()).toBe(true);
    expect(mu.tryLock()).toBe(false);
    const waiter = track(mu.lock());
    mu.unlock();
    expect(mu.tryLock()).toBe(false); // the lock went to the waiter, not to a barging tryLock
    await flush();
    expect(waiter.current.status).toBe('fulfilled');
  });

  it('MU6 hammer: a counter guarded by the lock is exact (TestMutex, HammerMutex)', async () => {
    const parked = parkedSince();
    const mu = new Mutex();
    const random = rng(6);
    const tasks = 10;
    const loops = 1000 * STRESS;
    let counter = 0;
    let inside = 0;
    await Promise.all(
      Array.from({ length: tasks }, () =>
        go(async () => {
          for (let i = 0; i < loops; i++) {
            if (i % 3 === 0) {
              if (mu.tryLock()) {
                counter++;
                mu.unlock();
              } else {
                const unlock = await mu.lock();
                counter++;
                unlock();
              }
              continue;
            }
            const unlock = await mu.lock();
            expect(++inside).toBe(1);
            const read = counter;
            await jitter(random);
            counter = read + 1;
            inside--;
            unlock();
          }
        }),
      ),
    );
    expect(counter).toBe(tasks * loops);
    expect(parked()).toBe(0);
  });

  it("MU6 the seed article's SafeCounter counts every increment", async () => {
    const c = new SafeCounter();
    await Promise.all(Array.from({ length: 100 }, () => go(() => c.increment('hits'))));
    expect(await c.get('hits')).toBe(100);
  });

  it('MU6 unlock n happens before lock n+1 returns', async () => {
    const mu = new Mutex();
    const log: string[] = [];
    const a = await mu.lock();
    const b = mu.lock().then((unlock) => {
      log.push('B locked');
      unlock();
    });
    log.push('A unlocking');
    a();
    await b;
    expect(log).toEqual(['A unlocking', 'B locked']);
  });
});

describe('Mutex Unlock', () => {
  it('MU1 lock resolves to an Unlock that is a function and Disposable: `using` is `defer mu.Unlock()`', async () => {
    const mu = new Mutex();
    {
      using _ = await mu.lock();
      expect(mu.tryLock()).toBe(false);
    }
    expect(mu.tryLock()).toBe(true);
    mu.unlock();
    const unlock = await mu.lock();
    expect(typeof unlock).toBe('function');
    expect(typeof unlock[Symbol.dispose]).toBe('function');
    unlock[Symbol.dispose]();
    expect(mu.tryLock()).toBe(true);
  });

  it('MU3 calling an Unlock twice does not unlock twice', async () => {
    const mu = new Mutex();
    const first = await mu.lock();
    first();
    const second = await mu.lock(); // another holder now
    first(); // stale: does nothing
    expect(mu.tryLock()).toBe(false);
    second();
    expect(mu.tryLock()).toBe(true);
  });

  it('MU3 an Unlock released early and then disposed unlocks once', async () => {
    const mu = new Mutex();
    {
      using unlock = await mu.lock();
      unlock();
      expect(mu.tryLock()).toBe(true); // someone else holds it when the block exits
    }
    expect(() => mu.tryLock()).not.toThrow();
    expect(mu.tryLock()).toBe(false);
    mu.unlock();
  });
});

describe('Mutex cancellation and withLock', () => {
  it('T9 a cancelled lock did not happen and leaves the queue as it was', async () => {
    const parked = parkedSince();
    const mu = new Mutex();
    const unlock = await mu.lock();
    const [ctx, cancel] = withCancel(background());
    const log: string[] = [];
    const a = mu.lock(ctx).catch((e: unknown) => {
      log.push(e instanceof CanceledError ? 'a cancelled' : 'a ?');
    });
    const b = mu.lock().then((u) => {
      log.push('b');
      u();
    });
    cancel();
    await a;
    unlock();
    await b;
    expect(log).toEqual(['a cancelled', 'b']);
    expect(mu.tryLock()).toBe(true);
    expect(parked()).toBe(0);
  });

  it('T9 a lock with a context already done fails even when the mutex is free', async () => {
    const mu = new Mutex();
    await expect(mu.lock(AbortSignal.abort())).rejects.toBeInstanceOf(CanceledError);
    expect(mu.tryLock()).toBe(true);
  });

  it('MU6 withLock runs fn holding the lock and unlocks when it settles, also when it throws', async () => {
    const mu = new Mutex();
    const value = await mu.withLock(async () => {
      expect(mu.tryLock()).toBe(false);
      await sleep(1);
      return 42;
    });
    expect(value).toBe(42);
    const boom = new Error('boom');
    await expect(
      mu.withLock(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(mu.tryLock()).toBe(true);
    mu.unlock();
    expect(() => mu.withLock(42 as never)).toThrow(TypeError);
  });

  it('T9 withLock with a cancel that fires while waiting does not run fn', async () => {
    const mu = new Mutex();
    mu.tryLock();
    const [ctx, cancel] = withCancel(background());
    let ran = false;
    const p = mu.withLock(() => {
      ran = true;
    }, ctx);
    cancel();
    await expect(p).rejects.toBeInstanceOf(CanceledError);
    expect(ran).toBe(false);
  });
});

describe('Mutex.lock$', () => {
  const v = { a: 'a', b: 'b', c: 'c' };

  it('MU4 holds the lock while subscribed; the next lock$ is granted at the unsubscribe (marbles)', () => {
    testScheduler().run(({ expectObservable }) => {
      const mu = new Mutex();
      expectObservable(mu.lock$().pipe(map(() => 'a')), '^--!').toBe('a--', v);
      expectObservable(mu.lock$().pipe(map(() => 'b')), '^----!').toBe('---b-', v);
      expectObservable(mu.lock$().pipe(map(() => 'c'))).toBe('-----c', v);
    });
  });

  it('RX2 a pending lock$ unsubscribed before acquisition leaves the queue untouched (marbles)', () => {
    testScheduler().run(({ expectObservable }) => {
      const mu = new Mutex();
      expectObservable(mu.lock$().pipe(map(() => 'a')), '^---!').toBe('a---', v);
      expectObservable(mu.lock$().pipe(map(() => 'b')), '^-!').toBe('---', v);
      expectObservable(mu.lock$().pipe(map(() => 'c'))).toBe('----c', v);
    });
  });

  it('MU1 calling the emitted Unlock releases the lock and completes (marbles)', () => {
    testScheduler().run(({ expectObservable }) => {
      const mu = new Mutex();
      const held = mu.lock$().pipe(switchMap((unlock) => timer(2).pipe(tap(() => unlock()))));
      expectObservable(held.pipe(map(() => 'a'))).toBe('--(a|)', v);
      expectObservable(mu.lock$().pipe(map(() => 'b'))).toBe('--b', v);
    });
  });

  it('T9 takeUntil cancels a pending lock$ (marbles)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const mu = new Mutex();
      expectObservable(mu.lock$().pipe(map(() => 'a'))).toBe('a', v);
      expectObservable(
        mu.lock$().pipe(
          takeUntil(cold('--x')),
          map(() => 'b'),
        ),
      ).toBe('--|', v);
    });
  });

  it('RX2 is cold, and a synchronous unlock inside next hands the lock on in the same step', () => {
    const mu = new Mutex();
    const lock$ = mu.lock$();
    expect(mu.tryLock()).toBe(true);
    const log: string[] = [];
    let done = false;
    lock$.subscribe({
      next: (unlock: Unlock) => {
        log.push('locked');
        unlock();
      },
      complete: () => {
        done = true;
      },
    });
    expect(log).toEqual([]);
    mu.unlock();
    expect(log).toEqual(['locked']);
    expect(done).toBe(true);
    expect(mu.tryLock()).toBe(true);
  });
});
