import { background, CanceledError, go, RWMutex, UnlockError, withCancel } from 'gorx';
import { DeadlockError, synctest } from 'gorx/testing';
import { map, takeUntil } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { flush, jitter, parkedSince, rng, STRESS, testScheduler, track } from './helpers.js';

/** The seed article's SafeCache: readers share `RLock`, a writer's `Lock` is exclusive. */
class SafeCache {
  readonly #mu = new RWMutex();
  readonly #data = new Map<string, string>();
  readers = 0;
  mostReaders = 0;
  writerOverlapped = false;

  async get(key: string): Promise<[string | undefined, boolean]> {
    using _ = await this.#mu.rLock();
    this.mostReaders = Math.max(this.mostReaders, ++this.readers);
    await flush(1);
    this.readers--;
    return [this.#data.get(key), this.#data.has(key)];
  }

  async set(key: string, value: string): Promise<void> {
    using _ = await this.#mu.lock();
    if (this.readers > 0) this.writerOverlapped = true;
    await Promise.resolve();
    this.#data.set(key, value);
  }
}

describe('RWMutex', () => {
  it('RW1 many readers hold the lock at once, all acquired before any release (TestParallelReaders)', async () => {
    const mu = new RWMutex();
    const unlocks = await Promise.all(Array.from({ length: 10 }, () => go(() => mu.rLock())));
    expect(mu.tryLock()).toBe(false);
    expect(mu.tryRLock()).toBe(true);
    mu.rUnlock();
    for (const u of unlocks) u();
    expect(mu.tryLock()).toBe(true);
  });

  it('RW1 a writer excludes readers and other writers', async () => {
    const mu = new RWMutex();
    const w = await mu.lock();
    expect(mu.tryRLock()).toBe(false);
    expect(mu.tryLock()).toBe(false);
    const r = track(mu.rLock());
    await flush();
    expect(r.current.status).toBe('pending');
    w();
    await flush();
    expect(r.current.status).toBe('fulfilled');
  });

  it('RW2 a waiting writer blocks new readers until it has acquired and released (writer preference)', async () => {
    const mu = new RWMutex();
    const log: string[] = [];
    const r1 = await mu.rLock();
    const w = mu.lock().then((unlock) => {
      log.push('W');
      unlock();
    });
    const r2 = mu.rLock().then((unlock) => {
      log.push('R2');
      unlock();
    });
    await flush();
    expect(log).toEqual([]);
    expect(mu.tryRLock()).toBe(false);
    r1();
    await Promise.all([w, r2]);
    expect(log).toEqual(['W', 'R2']);
  });

  it('RW2 recursive read locking deadlocks once a writer waits', async () => {
    const e = await synctest(async (t) => {
      const mu = new RWMutex();
      await mu.rLock();
      go(() => mu.lock(), { name: 'writer' });
      await t.wait(); // the writer is now waiting
      await mu.rLock();
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DeadlockError);
    const waits = (e as DeadlockError).waits;
    expect(waits).toHaveLength(2);
    expect(waits.filter((w) => w.includes('sync.RWMutex.Lock on RWMutex#1'))).toHaveLength(1);
    expect(waits.filter((w) => w.includes('sync.RWMutex.RLock on RWMutex#1'))).toHaveLength(1);
  });

  it('RW3 a writer unlock admits every queued reader before the next writer, which waits for them', async () => {
    const mu = new RWMutex();
    const log: string[] = [];
    const w1 = await mu.lock();
    const readers: (() => void)[] = [];
    const r1 = mu.rLock().then((u) => {
      log.push('R1');
      readers.push(u);
    });
    const w2 = mu.lock().then((u) => {
      log.push('W2');
      u();
    });
    const r2 = mu.rLock().then((u) => {
      log.push('R2');
      readers.push(u);
    });
    w1();
    await Promise.all([r1, r2]);
    await flush();
    expect(log).toEqual(['R1', 'R2']); // R2 queued after W2, but was admitted with R1
    readers[0]!();
    await flush();
    expect(log).toEqual(['R1', 'R2']);
    readers[1]!();
    await w2;
    expect(log).toEqual(['R1', 'R2', 'W2']);
  });

  it('RW3 readers that arrive while admitted readers hold the lock wait behind the next writer', async () => {
    const mu = new RWMutex();
    const log: string[] = [];
    const w1 = await mu.lock();
    const r1 = mu.rLock();
    const w2 = mu.lock().then((u) => {
      log.push('W2');
      u();
    });
    w1();
    const unlockR1 = await r1;
    const r3 = mu.rLock().then((u) => {
      log.push('R3');
      u();
    });
    await flush();
    expect(log).toEqual([]);
    unlockR1();
    await Promise.all([w2, r3]);
    expect(log).toEqual(['W2', 'R3']);
  });

  it('RW4 every misuse throws UnlockError', async () => {
    const cases: [string, (mu: RWMutex) => void, string][] = [
      ['Unlock without Lock', (mu) => mu.unlock(), 'sync: Unlock of unlocked RWMutex'],
      [
        'Unlock after RLock',
        (mu) => {
          mu.tryRLock();
          mu.unlock();
        },
        'sync: Unlock of unlocked RWMutex',
      ],
      [
        'double Unlock',
        (mu) => {
          mu.tryLock();
          mu.unlock();
          mu.unlock();
        },
        'sync: Unlock of unlocked RWMutex',
      ],
      ['RUnlock without RLock', (mu) => mu.rUnlock(), 'sync: RUnlock of unlocked RWMutex'],
      [
        'RUnlock after Lock',
        (mu) => {
          mu.tryLock();
          mu.rUnlock();
        },
        'sync: RUnlock of unlocked RWMutex',
      ],
      [
        'double RUnlock',
        (mu) => {
          mu.tryRLock();
          mu.rUnlock();
          mu.rUnlock();
        },
        'sync: RUnlock of unlocked RWMutex',
      ],
    ];
    for (const [name, misuse, message] of cases) {
      const mu = new RWMutex();
      let error: unknown;
      try {
        misuse(mu);
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(UnlockError);
      expect((error as Error).message, name).toBe(message);
    }
  });

  it('RW5 two read locks, then a write lock waits until both are released (TestRLocker)', async () => {
    const mu = new RWMutex();
    const a = await mu.rLock();
    const b = await mu.rLock();
    const w = track(mu.lock());
    await flush();
    expect(w.current.status).toBe('pending');
    a();
    await flush();
    expect(w.current.status).toBe('pending');
    b();
    await flush();
    expect(w.current.status).toBe('fulfilled');
  });

  it('RW5 tryRLock fails while a writer holds or waits for the lock', async () => {
    const mu = new RWMutex();
    expect(mu.tryLock()).toBe(true);
    expect(mu.tryRLock()).toBe(false);
    mu.unlock();
    expect(mu.tryRLock()).toBe(true);
    const w = track(mu.lock());
    expect(mu.tryRLock()).toBe(false);
    mu.rUnlock();
    await flush();
    expect(w.current.status).toBe('fulfilled');
  });

  it('RW6 hammer: readers see activity below 10000, a writer sees exactly 10000 (TestRWMutex)', async () => {
    const parked = parkedSince();
    const random = rng(1);
    const iterations = 200 * STRESS;
    for (const numReaders of [1, 3, 10, 5]) {
      const mu = new RWMutex();
      let activity = 0;
      const reader = () =>
        go(async () => {
          for (let i = 0; i < iterations; i++) {
            const unlock = await mu.rLock();
            const n = ++activity;
            expect(n >= 1 && n < 10000).toBe(true);
            await jitter(random);
            activity--;
            unlock();
          }
        });
      const writer = () =>
        go(async () => {
          for (let i = 0; i < iterations; i++) {
            const unlock = await mu.lock();
            activity += 10000;
            expect(activity).toBe(10000);
            await jitter(random);
            activity -= 10000;
            unlock();
          }
        });
      const tasks = [writer()];
      let i = 0;
      for (; i < numReaders / 2; i++) tasks.push(reader());
      tasks.push(writer());
      for (; i < numReaders; i++) tasks.push(reader());
      await Promise.all(tasks);
      expect(activity).toBe(0);
      expect(mu.tryLock()).toBe(true);
    }
    expect(parked()).toBe(0);
  });

  it("RW1 the seed article's SafeCache: readers overlap, a writer never overlaps a reader", async () => {
    const cache = new SafeCache();
    await cache.set('lang', 'Go');
    const reads = Array.from({ length: 5 }, () => go(() => cache.get('lang')));
    const write = go(() => cache.set('lang', 'TypeScript'));
    const late = go(() => cache.get('lang'));
    const first = await Promise.all(reads);
    await write;
    expect(first.every(([v, ok]) => v === 'Go' && ok)).toBe(true);
    expect(await late).toEqual(['TypeScript', true]);
    expect(cache.mostReaders).toBe(5);
    expect(cache.writerOverlapped).toBe(false);
  });
});

describe('RWMutex cancellation, Unlock and with…', () => {
  it('T9 a cancelled waiting writer lets the readers queued behind it in', async () => {
    const parked = parkedSince();
    const mu = new RWMutex();
    const r1 = await mu.rLock();
    const [ctx, cancel] = withCancel(background());
    const w = track(mu.lock(ctx));
    const r2 = track(mu.rLock());
    await flush();
    expect(r2.current.status).toBe('pending');
    cancel();
    await flush();
    expect(w.current).toEqual({ status: 'rejected', reason: expect.any(CanceledError) });
    expect(r2.current.status).toBe('fulfilled');
    r1();
    (r2.current as { value: () => void }).value();
    expect(mu.tryLock()).toBe(true);
    expect(parked()).toBe(0);
  });

  it('T9 a cancelled waiting writer in second place leaves the readers behind the first writer', async () => {
    const mu = new RWMutex();
    const r1 = await mu.rLock();
    const [ctx, cancel] = withCancel(background());
    const w1 = track(mu.lock());
    const w2 = track(mu.lock(ctx));
    const r2 = track(mu.rLock());
    cancel();
    await flush();
    expect(w2.current.status).toBe('rejected');
    expect(r2.current.status).toBe('pending');
    r1();
    await flush();
    expect(w1.current.status).toBe('fulfilled');
    (w1.current as { value: () => void }).value();
    await flush();
    expect(r2.current.status).toBe('fulfilled');
  });

  it('RW1 rLock resolves to an Unlock usable with `using`; calling it twice releases once', async () => {
    const mu = new RWMutex();
    {
      using _ = await mu.rLock();
      expect(mu.tryLock()).toBe(false);
    }
    expect(mu.tryLock()).toBe(true);
    mu.unlock();
    const a = await mu.rLock();
    const b = await mu.rLock();
    a();
    a();
    expect(mu.tryLock()).toBe(false); // b still reads
    b();
    expect(mu.tryLock()).toBe(true);
    mu.unlock();
    {
      using _ = await mu.lock();
      expect(mu.tryRLock()).toBe(false);
    }
    expect(mu.tryRLock()).toBe(true);
  });

  it('RW1 withRLock and withLock hold the lock while fn runs and release it when fn throws', async () => {
    const mu = new RWMutex();
    const both = await Promise.all([mu.withRLock(async () => 1), mu.withRLock(() => 2)]);
    expect(both).toEqual([1, 2]);
    const boom = new Error('boom');
    await expect(
      mu.withLock(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(
      mu.withRLock(async () => {
        expect(mu.tryLock()).toBe(false);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(mu.tryLock()).toBe(true);
    expect(() => mu.withRLock(undefined as never)).toThrow(TypeError);
    expect(() => mu.withLock('x' as never)).toThrow(TypeError);
  });
});

describe('RWMutex.lock$ and rLock$', () => {
  const v = { a: 'a', b: 'b', c: 'c', w: 'w' };

  it('RW3 readers waiting on a writer are admitted together when it unsubscribes (marbles)', () => {
    testScheduler().run(({ expectObservable }) => {
      const mu = new RWMutex();
      expectObservable(mu.lock$().pipe(map(() => 'w')), '^--!').toBe('w--', v);
      expectObservable(mu.rLock$().pipe(map(() => 'a')), '^----!').toBe('---a-', v);
      expectObservable(mu.rLock$().pipe(map(() => 'b')), '^------!').toBe('---b---', v);
    });
  });

  it('RW2 a writer waits for the readers; readers subscribing after it wait for the writer (marbles)', () => {
    testScheduler().run(({ expectObservable }) => {
      const mu = new RWMutex();
      expectObservable(mu.rLock$().pipe(map(() => 'a')), '^--!').toBe('a--', v);
      expectObservable(mu.lock$().pipe(map(() => 'w')), '^----!').toBe('---w-', v);
      expectObservable(mu.rLock$().pipe(map(() => 'b'))).toBe('-----b', v);
    });
  });

  it('T9 a pending lock$ withdrawn by takeUntil lets the readers behind it in (marbles)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const mu = new RWMutex();
      expectObservable(mu.rLock$().pipe(map(() => 'a'))).toBe('a', v);
      expectObservable(
        mu.lock$().pipe(
          takeUntil(cold('--x')),
          map(() => 'w'),
        ),
      ).toBe('--|', v);
      expectObservable(mu.rLock$().pipe(map(() => 'b'))).toBe('--b', v);
    });
  });
});
