// Bad input is a typed error at the call, before anything is parked or started: cancel arguments
// that are neither a Context nor an AbortSignal, wrong-typed numbers (TypeError) versus numbers out
// of range (RangeError), values whose description would run user code, and the options of the
// testing helpers. After a rejected call the primitive behaves as if the call never happened.
import {
  after,
  afterFunc,
  background,
  CanceledError,
  Channel,
  type Context,
  cancelWith,
  cause,
  contextKey,
  errGroup,
  fromSignal,
  go,
  Mutex,
  newTimer,
  Once,
  produce,
  RWMutex,
  recv,
  Semaphore,
  select,
  send,
  sendTo,
  sleep,
  tick,
  toChannel,
  trySelect,
  WaitGroup,
  withCancel,
  withCancelCause,
  withDeadline,
  withoutCancel,
  withTimeout,
  withValue,
  workerPool,
} from 'gorx';
import { synctest, verifyNoLeaks } from 'gorx/testing';
import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { flush, track } from '../helpers/async.js';

/** The natural slip: an options object where a token belongs. */
const slip = (): never => ({ signal: new AbortController().signal }) as never;
const BAD_TOKENS: unknown[] = [
  {},
  5,
  'ctx',
  true,
  Symbol('s'),
  () => {},
  { done: 1, err: undefined, value: () => {} },
];

/** Runs `fn` and says whether it threw synchronously with a TypeError. */
function throwsType(fn: () => unknown): boolean {
  try {
    const r = fn();
    // A rejected Promise is not "at the call"; keep it from reaching the host.
    if (r instanceof Promise) r.catch(() => {});
    return false;
  } catch (error) {
    return error instanceof TypeError;
  }
}

describe('cancel arguments', () => {
  it('T9 a bad cancel argument on a channel face is a TypeError at the call and parks nothing', () => {
    for (const bad of BAD_TOKENS) {
      const a = new Channel<number>();
      expect(throwsType(() => a.recv(bad as never))).toBe(true);
      expect(a.trySend(42)).toBe(false); // no receiver was left registered
      const b = new Channel<string>();
      expect(throwsType(() => b.send('V', bad as never))).toBe(true);
      expect(b.tryRecv()).toBeUndefined(); // no sender was left registered
      expect(throwsType(() => select({ r: recv(a) }, bad as never))).toBe(true);
      expect(a.trySend(1)).toBe(false);
    }
  });

  it('T9 a bad cancel argument on a sync primitive is a TypeError at the call and takes nothing', async () => {
    const mu = new Mutex();
    const rw = new RWMutex();
    const sem = new Semaphore(1);
    const wg = new WaitGroup();
    const once = new Once();
    let ran = 0;
    const work = () => {
      ran++;
    };
    for (const bad of BAD_TOKENS) {
      expect(throwsType(() => mu.lock(bad as never))).toBe(true);
      expect(throwsType(() => rw.lock(bad as never))).toBe(true);
      expect(throwsType(() => rw.rLock(bad as never))).toBe(true);
      expect(throwsType(() => sem.acquire(1, bad as never))).toBe(true);
      expect(throwsType(() => mu.withLock(work, bad as never))).toBe(true);
      expect(throwsType(() => rw.withRLock(work, bad as never))).toBe(true);
      expect(throwsType(() => sem.withPermits(1, work, bad as never))).toBe(true);
      wg.add(1);
      expect(throwsType(() => wg.wait(bad as never))).toBe(true);
      wg.done();
      expect(throwsType(() => once.do(work, bad as never))).toBe(true);
      expect(throwsType(() => sleep(1, bad as never))).toBe(true);
    }
    await flush();
    expect(ran).toBe(0);
    expect(mu.tryLock()).toBe(true);
    expect(rw.tryLock()).toBe(true);
    expect(sem.tryAcquire(1)).toBe(true);
  });

  it('T9 errGroup.go at its limit with a bad cancel throws at the call and never runs fn', async () => {
    const [g] = errGroup();
    g.setLimit(1);
    let release!: () => void;
    void g.go(() => new Promise<void>((r) => (release = r)));
    let ran = false;
    expect(throwsType(() => g.go(() => void (ran = true), slip()))).toBe(true);
    await flush();
    release();
    await g.wait();
    expect(ran).toBe(false);
  });

  it('T9 opts.ctx of go and the operators, and the parents of contexts, are checked at the call', () => {
    let ran = false;
    for (const bad of BAD_TOKENS) {
      expect(throwsType(() => go(() => void (ran = true), { ctx: bad as never }))).toBe(true);
      expect(throwsType(() => produce(() => void (ran = true), { ctx: bad as never }))).toBe(true);
      expect(throwsType(() => workerPool(1, () => of(1), { ctx: bad as never }))).toBe(true);
      expect(throwsType(() => toChannel(of(1), { ctx: bad as never }))).toBe(true);
      expect(throwsType(() => sendTo(new Channel(), { ctx: bad as never }))).toBe(true);
      expect(throwsType(() => cancelWith(bad as never))).toBe(true);
      expect(throwsType(() => withCancel(bad as never))).toBe(true);
      expect(throwsType(() => withCancelCause(bad as never))).toBe(true);
      expect(throwsType(() => withTimeout(bad as never, 10))).toBe(true);
      expect(throwsType(() => withDeadline(bad as never, 10))).toBe(true);
      expect(throwsType(() => withValue(bad as never, contextKey('k'), 1))).toBe(true);
      expect(throwsType(() => withoutCancel(bad as never))).toBe(true);
      expect(throwsType(() => cause(bad as never))).toBe(true);
      expect(throwsType(() => afterFunc(bad as never, () => {}))).toBe(true);
      expect(throwsType(() => errGroup(bad as never))).toBe(true);
      expect(throwsType(() => fromSignal(new AbortController().signal, bad as never))).toBe(true);
    }
    expect(ran).toBe(false);
  });

  it('contextKey: a name that is not a string, options that are not an object, a crossesThreads that is not a boolean are TypeErrors', () => {
    expect(() => contextKey(1 as never)).toThrow(TypeError);
    expect(() => contextKey('k', 'yes' as never)).toThrow('contextKey: options must be an object, got');
    expect(() => contextKey('k', { crossesThreads: 'yes' as never })).toThrow(
      'contextKey: crossesThreads must be a boolean, got',
    );
    expect(contextKey('k', {}).crossesThreads).toBe(false);
  });

  it('T9 a Context the user made (CX14), an AbortSignal and null (no token) still work', async () => {
    const [inner, cancel] = withCancel(background());
    const user: Context = {
      get done() {
        return inner.done;
      },
      get err() {
        return inner.err;
      },
      get signal() {
        return inner.signal;
      },
      deadline: undefined,
      value: () => undefined,
    };
    const ch = new Channel<number>();
    const viaUser = track(ch.recv(user));
    const viaSignal = track(ch.recv(inner.signal));
    const viaNull = track(ch.recv(null as never));
    const child = withCancel(user)[0];
    cancel();
    await flush();
    expect(viaUser.current).toMatchObject({ status: 'rejected', reason: expect.any(CanceledError) });
    expect(viaSignal.current).toMatchObject({ status: 'rejected', reason: expect.any(CanceledError) });
    expect(child.err).toBeInstanceOf(CanceledError);
    expect(ch.trySend(7)).toBe(true);
    await flush();
    expect(viaNull.current).toEqual({ status: 'fulfilled', value: { value: 7, ok: true } });
  });
});

describe('error classes', () => {
  const WRONG_TYPES: unknown[] = ['5', true, null, {}, 10n, Symbol('n'), [1]];
  const calls: [string, (v: never) => unknown][] = [
    ['new Channel', (v) => new Channel(v)],
    ['new Semaphore', (v) => new Semaphore(v)],
    ['Semaphore.acquire', (v) => new Semaphore(1).acquire(v)],
    ['Semaphore.tryAcquire', (v) => new Semaphore(1).tryAcquire(v)],
    ['WaitGroup.add', (v) => new WaitGroup().add(v)],
    ['ErrGroup.setLimit', (v) => errGroup()[0].setLimit(v)],
    ['workerPool', (v) => workerPool(v, () => of(1))],
    ['after', (v) => after(v)],
    ['newTimer', (v) => newTimer(v)],
    ['tick', (v) => tick(v)],
    ['sleep', (v) => sleep(v)],
    ['withTimeout', (v) => withTimeout(background(), v)],
    ['toChannel', (v) => toChannel(of(1), { capacity: v })],
    ['produce', (v) => produce(() => {}, { capacity: v })],
  ];

  it('T1 a wrong-typed number is a TypeError, a number out of range a RangeError', () => {
    for (const [name, call] of calls) {
      for (const v of WRONG_TYPES) {
        expect(() => call(v as never), `${name}(${typeof v})`).toThrow(TypeError);
      }
      expect(() => call(Number.NaN as never), `${name}(NaN)`).toThrow(RangeError);
    }
  });

  it('T1 describing a bad value runs no user code', () => {
    const ran: string[] = [];
    const hostile = {
      toString() {
        ran.push('toString');
        return 'x';
      },
      valueOf() {
        ran.push('valueOf');
        return 1;
      },
      [Symbol.toPrimitive]() {
        ran.push('toPrimitive');
        return 1;
      },
    };
    const proxy = new Proxy(
      {},
      {
        get(_t, key) {
          ran.push(`get ${String(key)}`);
          return undefined;
        },
        getPrototypeOf() {
          ran.push('getPrototypeOf');
          return null;
        },
      },
    );
    expect(() => workerPool(hostile as never, () => of(1))).toThrow(
      'workerPool: concurrency must be a number, got an object',
    );
    expect(() => new Channel(proxy as never)).toThrow(TypeError);
    expect(() => toChannel(of(1), { overflow: hostile as never })).toThrow(TypeError);
    expect(() => new Semaphore(Symbol('s') as never)).toThrow('got a symbol');
    expect(ran).toEqual([]);
  });

  it('T1 select case makers and forged cases throw a TypeError at the call', () => {
    const ch = new Channel<number>(1);
    ch.trySend(1);
    expect(() => recv(5 as never)).toThrow(TypeError);
    expect(() => send({} as never, 1)).toThrow(TypeError);
    expect(() => trySelect({ a: { op: 0, port: ch } as never })).toThrow(TypeError);
    expect(ch.length).toBe(1);
  });

  it('CH11 close(null) is a close without error, as Go treats nil', async () => {
    const ch = new Channel<number>();
    const r = track(ch.recv());
    ch.close(null);
    await flush();
    expect(r.current).toEqual({ status: 'fulfilled', value: { value: undefined, ok: false } });
    expect(ch.tryRecv()).toEqual({ value: undefined, ok: false });
  });
});

describe('fromSignal', () => {
  /** An AbortSignal whose listeners are counted. */
  function countedSignal() {
    const controller = new AbortController();
    const { signal } = controller;
    const listeners = { added: 0, removed: 0 };
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners.added++;
      add(...args);
    }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners.removed++;
      remove(...args);
    }) as typeof remove;
    return { controller, signal, listeners };
  }

  it('CX16 a bad signal is a TypeError before a child is made', () => {
    const [parent, cancel] = withCancel(background());
    let fired = 0;
    afterFunc(parent, () => fired++);
    expect(() => fromSignal({} as never, parent)).toThrow(TypeError);
    const children = (parent as unknown as { children: Set<unknown> | null }).children;
    expect(children?.size ?? 0).toBe(0);
    cancel();
  });

  it('CX16 contexts following one signal share one listener, released within a turn of the last one being done', async () => {
    const { controller, signal, listeners } = countedSignal();
    const cancels: (() => void)[] = [];
    const ctxs: Context[] = [];
    for (let i = 0; i < 1000; i++) {
      const [parent, cancel] = withCancel(background());
      cancels.push(cancel);
      ctxs.push(fromSignal(signal, parent));
    }
    expect(listeners.added).toBe(1);
    for (const cancel of cancels.slice(0, 999)) cancel();
    expect(listeners.removed).toBe(0);
    cancels[999]!();
    await flush();
    expect(listeners.removed).toBe(1);
    // A new follower after that registers again, and the abort reaches it.
    const late = fromSignal(signal);
    expect(listeners.added).toBe(2);
    controller.abort('bye');
    expect(late.err).toBeInstanceOf(CanceledError);
    expect(cause(late)).toBe('bye');
    expect(ctxs.every((c) => c.err !== undefined)).toBe(true);
  });
});

describe('gorx/testing options', () => {
  it('LK2 verifyNoLeaks checks its options at the call', () => {
    expect(() => verifyNoLeaks({ attempts: Number.NaN })).toThrow(RangeError);
    expect(() => verifyNoLeaks({ attempts: 0 })).toThrow(RangeError);
    expect(() => verifyNoLeaks({ attempts: '5' as never })).toThrow(TypeError);
    expect(() => verifyNoLeaks({ maxSleep: Number.NaN })).toThrow(RangeError);
    expect(() => verifyNoLeaks({ ignoreTask: 5 as never })).toThrow(TypeError);
    expect(() => verifyNoLeaks(5 as never)).toThrow(TypeError);
  });

  it('DL1 synctest checks its body and options at the call', () => {
    expect(() => synctest(5 as never)).toThrow(TypeError);
    expect(() => synctest(async () => {}, { drainSteps: Number.NaN })).toThrow(RangeError);
    expect(() => synctest(async () => {}, { drainSteps: '1' as never })).toThrow(TypeError);
    expect(() => synctest(async () => {}, { stacks: 1 as never })).toThrow(TypeError);
  });
});
