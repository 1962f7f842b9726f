// The engine under hostile and careless use: throwing callbacks reached while cancelling, frozen
// contexts, a `done` channel someone tries to send on, results whose `then` getter throws, counters
// pushed past 2^53, ticker periods too short for the clock, iterators with several pending
// `next` calls, and tasks that end with their own context's error.
import {
  after,
  background,
  CanceledError,
  Channel,
  type Context,
  DeadlineExceededError,
  fromDestroyRef,
  fromSignal,
  go,
  newTicker,
  Once,
  recv,
  select,
  tick,
  WaitGroup,
  withCancel,
  withTimeout,
  withValue,
} from 'gorx';
import { finalize } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { capture, flush, track } from '../helpers/async.js';

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

/** Records what reaches the host as uncaught or unhandled until the test ends. */
function host(): { uncaught: unknown[]; unhandled: unknown[] } {
  const uncaught = capture('uncaughtException');
  const unhandled = capture('unhandledRejection');
  restore = () => {
    uncaught.restore();
    unhandled.restore();
  };
  return { uncaught: uncaught.seen, unhandled: unhandled.seen };
}

/** Waits past reportPanic's rethrow, which comes on a timer. */
const reported = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

const hostile = (error: Error) =>
  Object.defineProperty({}, 'then', {
    get() {
      throw error;
    },
  });

describe('cancellation is exception-safe', () => {
  it('CX2 a throwing clean-up stops nothing: every child is cancelled, every waiter released, the error reported after', async () => {
    const seen = host();
    const boom = new Error('unregister failed');
    const [parent, cancel] = withCancel(background());
    const ref = {
      onDestroy: () => () => {
        throw boom;
      },
    };
    const children: Context[] = [];
    for (let i = 0; i < 3; i++) children.push(withCancel(parent)[0]);
    children.splice(1, 0, fromDestroyRef(ref, parent));
    for (let i = 0; i < 3; i++) children.push(withCancel(children[i]!)[0]);
    const waits = children.map((c) => track(c.done.recv()));
    let completed = 0;
    for (const c of children) c.done.subscribe({ complete: () => completed++ });

    expect(() => cancel()).not.toThrow();
    expect(children.every((c) => c.err instanceof CanceledError)).toBe(true);
    expect(completed).toBe(children.length);
    expect(seen.uncaught).toEqual([]); // reported after, not inside cancel()
    await reported();
    expect(waits.every((w) => w.current.status === 'fulfilled')).toBe(true);
    expect(seen.uncaught).toEqual([boom]);
  });

  it('CX2 a throwing teardown of a done subscriber stops nothing and is reported', async () => {
    const seen = host();
    const [ctx, cancel] = withCancel(background());
    const boom = new Error('teardown');
    let after = 0;
    ctx.done
      .pipe(
        finalize(() => {
          throw boom;
        }),
      )
      .subscribe();
    ctx.done.subscribe({ complete: () => after++ });
    const [child] = withCancel(ctx);
    expect(() => cancel()).not.toThrow();
    expect(after).toBe(1);
    expect(child.err).toBeInstanceOf(CanceledError);
    await reported();
    expect(seen.uncaught.length).toBe(1);
  });
});

describe('a frozen context', () => {
  const kinds: [string, () => [Context, () => void]][] = [
    ['withCancel', () => withCancel(background())],
    ['withTimeout', () => withTimeout(background(), 1e9)],
    [
      'withValue',
      () => {
        const [parent, cancel] = withCancel(background());
        return [withValue(parent, { name: 'k' }, 1), cancel];
      },
    ],
    [
      'fromSignal',
      () => {
        const controller = new AbortController();
        return [fromSignal(controller.signal), () => controller.abort()];
      },
    ],
    [
      'task',
      () => {
        const [parent, cancel] = withCancel(background());
        const task = go((c) => c.done.recv(), { ctx: parent });
        return [task.ctx, cancel];
      },
    ],
  ];

  it.each(kinds)(
    'CX2 a frozen %s context still cancels, closes done and releases children and waiters',
    async (_, make) => {
      const [ctx, cancel] = make();
      Object.freeze(ctx);
      const [child] = withCancel(ctx);
      const wait = track(ctx.done.recv());
      let completed = false;
      ctx.done.subscribe({ complete: () => (completed = true) });
      expect(() => cancel()).not.toThrow();
      expect(ctx.err).toBeInstanceOf(CanceledError);
      expect(child.err).toBeInstanceOf(CanceledError);
      expect(completed).toBe(true);
      expect(ctx.signal.aborted).toBe(true);
      await flush(2);
      expect(wait.current.status).toBe('fulfilled');
    },
  );

  it('CX7 a frozen withTimeout context still expires', async () => {
    const [ctx, cancel] = withTimeout(background(), 5);
    Object.freeze(ctx);
    await ctx.done.recv();
    expect(ctx.err).toBeInstanceOf(DeadlineExceededError);
    cancel();
  });
});

describe('ctx.done is receive-only', () => {
  it('CX2 done offers the receive faces only: no send, no close', () => {
    const [ctx, cancel] = withCancel(background());
    const done = ctx.done as unknown as Record<string, unknown>;
    for (const name of ['send', 'send$', 'trySend', 'close']) expect(done[name]).toBeUndefined();
    expect(ctx.done.tryRecv()).toBeUndefined();
    cancel();
    expect(ctx.done.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('CX2 done still works in select, for await, recv$ and subscribe', async () => {
    const [ctx, cancel] = withCancel(background());
    const picked = select({ d: recv(ctx.done), t: recv(after(1e9)) });
    const events: string[] = [];
    ctx.done.recv$().subscribe({ complete: () => events.push('recv$') });
    ctx.done.subscribe({ complete: () => events.push('range') });
    const ranged = (async () => {
      for await (const _ of ctx.done) events.push('value');
      events.push('for await');
    })();
    cancel();
    expect((await picked).case).toBe('d');
    await ranged;
    expect(events.sort()).toEqual(['for await', 'range', 'recv$']);
  });
});

describe('results whose then getter throws', () => {
  it('ON2 a then getter that throws counts as a throw of fn: later calls do not hang', async () => {
    const once = new Once();
    const boom = new Error('then');
    await expect(once.do(() => hostile(boom) as never)).rejects.toBe(boom);
    let ran = false;
    await once.do(() => {
      ran = true;
    });
    expect(ran).toBe(false);
  });

  it('WG5 WaitGroup.go still counts a result whose then getter throws as done, and the error surfaces', async () => {
    const seen = host();
    const wg = new WaitGroup();
    const boom = new Error('then');
    wg.go(() => hostile(boom));
    await wg.wait();
    await flush(3);
    expect(seen.unhandled).toEqual([boom]);
  });
});

describe('WaitGroup counter', () => {
  it('WG1 the counter stays a safe integer: a sum past 2^53 is a RangeError and changes nothing', async () => {
    const wg = new WaitGroup();
    wg.add(Number.MAX_SAFE_INTEGER);
    expect(() => wg.add(1)).toThrow(RangeError);
    expect(() => wg.add(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
    const waited = track(wg.wait());
    wg.add(-(Number.MAX_SAFE_INTEGER - 1));
    await flush(1);
    expect(waited.current.status).toBe('pending');
    wg.done();
    await flush(1);
    expect(waited.current.status).toBe('fulfilled');
  });
});

describe('ticker periods', () => {
  it('TK1 a period below 1 µs, which cannot advance the clock, is a RangeError at the call', () => {
    expect(() => tick(0.0001)).toThrow(RangeError);
    expect(() => newTicker(5e-324)).toThrow(RangeError);
    const ticker = newTicker(1000);
    expect(() => ticker.reset(0.0001)).toThrow(RangeError);
    ticker.reset(0.001);
    ticker.stop();
  });

  it('TK2 a 1 µs ticker never delivers two ticks at one instant', async () => {
    const ticker = newTicker(0.001);
    const a = await ticker.c.recv();
    const b = await ticker.c.recv();
    expect(b.value).toBeGreaterThan(a.value!);
    ticker.stop();
  });
});

describe('async iteration', () => {
  it('CH15 return() withdraws every pending next: no value is taken for nobody', async () => {
    const ch = new Channel<number>(1);
    const it = ch[Symbol.asyncIterator]();
    const first = it.next();
    const second = it.next();
    await it.return!();
    expect(await first).toEqual({ value: undefined, done: true });
    expect(await second).toEqual({ value: undefined, done: true });
    expect(ch.trySend(1)).toBe(true);
    expect(ch.tryRecv()).toEqual({ value: 1, ok: true });
  });
});

describe('tasks ended by their own context', () => {
  it('GO4 a task that fails with its own context’s CanceledError reports nothing when nobody awaits it', async () => {
    const seen = host();
    const [ctx, cancel] = withCancel(background());
    const ch = new Channel<number>();
    go((c) => ch.send(1, c), { ctx });
    go(
      async (c) => {
        await c.done.recv();
        throw c.err;
      },
      { ctx },
    );
    await flush(1);
    cancel();
    await flush(4);
    expect(seen.unhandled).toEqual([]);
  });

  it('GO4 a task that fails with its own context’s DeadlineExceededError reports nothing when nobody awaits it', async () => {
    const seen = host();
    const [ctx, cancel] = withTimeout(background(), 5);
    const ch = new Channel<number>();
    go((c) => ch.send(1, c), { ctx });
    await ctx.done.recv();
    await flush(4);
    expect(seen.unhandled).toEqual([]);
    cancel();
  });

  it('GO4 awaiting a task ended by its own context still rejects with that error', async () => {
    host();
    const [ctx, cancel] = withCancel(background());
    const task = go((c) => new Channel<number>().send(1, c), { ctx });
    await flush(1);
    cancel();
    await expect(task).rejects.toBe(ctx.err);
  });

  it('GO4 any other failure of a task nobody awaits still surfaces', async () => {
    const seen = host();
    const boom = new Error('boom');
    const [ctx, cancel] = withCancel(background());
    go(
      async (c) => {
        await c.done.recv();
        throw boom;
      },
      { ctx },
    );
    const [other, cancelOther] = withCancel(background());
    cancelOther();
    go(
      async (c) => {
        await c.done.recv();
        throw other.err; // a CanceledError, but of another context
      },
      { ctx },
    );
    go(() => {
      throw new CanceledError(); // not the context's error: it was never cancelled
    });
    await flush(1);
    cancel();
    await flush(4);
    expect(seen.unhandled.length).toBe(3);
    expect(seen.unhandled).toContain(boom);
    expect(seen.unhandled).toContain(other.err);
  });
});
