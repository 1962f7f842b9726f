import { background, CanceledError, Channel, go, Once, onceFunc, onceValue, withCancel } from 'gorx';
import { DeadlockError, synctest } from 'gorx/testing';
import { describe, expect, it } from 'vitest';
import { collector, flush, parkedSince, track } from './helpers.js';

describe('Once', () => {
  it('ON1 runs fn once, synchronously inside the first call, whatever later calls pass (TestOnce)', async () => {
    const once = new Once();
    let count = 0;
    let other = 0;
    const p = once.do(() => {
      count++;
    });
    expect(count).toBe(1); // ran inside the call
    await p;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        go(async () => {
          await once.do(() => {
            other++;
          });
          expect(count).toBe(1);
        }),
      ),
    );
    expect(count).toBe(1);
    expect(other).toBe(0);
  });

  it('ON1 concurrent callers resume only after the first fn has finished', async () => {
    const once = new Once();
    const gate = new Channel<void>();
    let finished = false;
    const first = track(
      once.do(async () => {
        await gate.recv();
        finished = true;
      }),
    );
    const seen: boolean[] = [];
    const later = Array.from({ length: 10 }, () => once.do(() => {}).then(() => seen.push(finished)));
    await flush();
    expect(seen).toEqual([]);
    expect(first.current.status).toBe('pending');
    gate.close();
    await Promise.all(later);
    expect(first.current.status).toBe('fulfilled');
    expect(seen).toEqual(Array(10).fill(true));
  });

  it('ON2 a throwing fn counts as done: the first call rejects, later calls resolve without running fn (TestOncePanic)', async () => {
    const once = new Once();
    const boom = new Error('boom');
    await expect(
      once.do(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    let ran = false;
    await expect(
      once.do(() => {
        ran = true;
      }),
    ).resolves.toBeUndefined();
    expect(ran).toBe(false);
  });

  it('ON2 a rejecting fn: the first call rejects, callers that waited for it resolve', async () => {
    const once = new Once();
    const boom = new Error('boom');
    const gate = new Channel<void>();
    const first = once.do(async () => {
      await gate.recv();
      throw boom;
    });
    const waiting = once.do(() => {});
    gate.close();
    await expect(first).rejects.toBe(boom);
    await expect(waiting).resolves.toBeUndefined();
  });

  it('ON3 calling do on the same Once from inside fn and awaiting it is a deadlock', async () => {
    const e = await synctest(async () => {
      const once = new Once();
      await once.do(async () => {
        await once.do(() => {});
      });
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DeadlockError);
    expect((e as DeadlockError).waits[0]).toContain('sync.Once.Do on Once#1');
  });

  it('T9 a cancelled wait for another call’s fn rejects; fn and the other callers are unaffected', async () => {
    const parked = parkedSince();
    const once = new Once();
    const gate = new Channel<void>();
    const first = once.do(() => gate.recv().then(() => {}));
    const [ctx, cancel] = withCancel(background());
    const cancelled = once.do(() => {}, ctx);
    const other = once.do(() => {});
    cancel();
    await expect(cancelled).rejects.toBeInstanceOf(CanceledError);
    gate.close();
    await Promise.all([first, other]);
    await expect(once.do(() => {}, AbortSignal.abort())).rejects.toBeInstanceOf(CanceledError);
    expect(parked()).toBe(0);
  });

  it('T9 a first call with a context already done does not run fn and does not use up the Once', async () => {
    const once = new Once();
    let ran = 0;
    await expect(once.do(() => void ran++, AbortSignal.abort())).rejects.toBeInstanceOf(CanceledError);
    await once.do(() => void ran++);
    expect(ran).toBe(1);
  });

  it('T1 do with a non-function throws TypeError at the call', () => {
    expect(() => new Once().do(null as never)).toThrow(TypeError);
  });
});

describe('onceValue and onceFunc', () => {
  it('ON4 fn is released for GC after the first call (XGC), for onceValue and onceFunc', async () => {
    const gc = collector();
    const make = <W>(wrap: (fn: () => number) => W): [W, WeakRef<object>] => {
      const payload = new Array<number>(1000).fill(1);
      const fn = () => payload.length;
      return [wrap(fn), new WeakRef(fn)];
    };
    const [value, valueRef] = make(onceValue);
    const [func, funcRef] = make(onceFunc);
    expect(value()).toBe(1000);
    expect(func()).toBe(1000);
    // A WeakRef keeps its target alive until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(valueRef.deref()).toBeUndefined();
    expect(funcRef.deref()).toBeUndefined();
    expect(value()).toBe(1000);
    expect(func()).toBe(1000);
  });

  it('ON4 onceValue runs fn once and returns its result on every call', () => {
    let calls = 0;
    const get = onceValue(() => ({ n: ++calls }));
    const a = get();
    expect(get()).toBe(a);
    expect(get()).toBe(a);
    expect(calls).toBe(1);
  });

  it('ON4 onceValue rethrows the same error on every call, without calling fn again', () => {
    let calls = 0;
    const boom = new Error('boom');
    const get = onceValue((): number => {
      calls++;
      throw boom;
    });
    const caught: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      try {
        get();
      } catch (e) {
        caught.push(e);
      }
    }
    expect(caught).toEqual([boom, boom, boom]);
    expect(caught[0]).toBe(caught[2]);
    expect(calls).toBe(1);
  });

  it('ON4 a thrown undefined or null is replayed too (PanicNil)', () => {
    for (const thrown of [undefined, null]) {
      let calls = 0;
      const f = onceFunc(() => {
        calls++;
        throw thrown;
      });
      for (let i = 0; i < 2; i++) {
        let threw = false;
        try {
          f();
        } catch (e) {
          threw = true;
          expect(e).toBe(thrown);
        }
        expect(threw).toBe(true);
      }
      expect(calls).toBe(1);
    }
  });

  it('ON4 onceFunc runs fn once with the first call’s arguments and this, and returns the first result', () => {
    const seen: unknown[][] = [];
    const obj = {
      base: 10,
      add: onceFunc(function (this: { base: number }, a: number, b: number) {
        seen.push([a, b]);
        return this.base + a + b;
      }),
    };
    expect(obj.add(1, 2)).toBe(13);
    expect(obj.add(5, 5)).toBe(13);
    expect(seen).toEqual([[1, 2]]);
  });

  it('ON4 a Promise result is cached as the same Promise', async () => {
    let calls = 0;
    const load = onceValue(async () => ++calls);
    const p = load();
    expect(load()).toBe(p);
    expect(await p).toBe(1);
    expect(calls).toBe(1);
  });

  it('ON3 a onceValue function that calls itself throws instead of waiting forever', () => {
    const get: () => number = onceValue(() => get() + 1);
    expect(() => get()).toThrow('sync: onceValue function called itself (deadlock)');
    expect(() => get()).toThrow('sync: onceValue function called itself (deadlock)');
  });

  it('ON3 a onceFunc function that calls itself throws, and the first call keeps its outcome', () => {
    let calls = 0;
    const f: (n: number) => number = onceFunc((n: number) => {
      calls++;
      try {
        return f(n + 1);
      } catch {
        return n;
      }
    });
    expect(f(1)).toBe(1);
    expect(f(7)).toBe(1);
    expect(calls).toBe(1);
  });

  it('ON4 onceValue calls fn with no receiver and no arguments, whatever its caller passes', () => {
    const seen: unknown[] = [];
    const get = onceValue(function (this: unknown, ...args: unknown[]) {
      seen.push(this, args.length);
      return 1;
    }) as (...args: unknown[]) => number;
    expect(get.call({}, 1, 2)).toBe(1);
    expect(seen).toEqual([undefined, 0]);
  });

  it('T1 onceValue and onceFunc reject a non-function at the call', () => {
    expect(() => onceValue(1 as never)).toThrow(TypeError);
    expect(() => onceFunc(undefined as never)).toThrow(TypeError);
  });
});
