import {
  background,
  Channel,
  type Context,
  DeadlineExceededError,
  go,
  newTicker,
  recv,
  select,
  send,
  sleep,
  after as timeAfter,
  withCancel,
  withTimeout,
} from 'gorx';
import { DeadlockError, LeakError, synctest, verifyNoLeaks } from 'gorx/testing';
import { describe, expect, test } from 'vitest';
import { capture, flush, type State, track } from '../helpers/async.js';

const EPOCH = Date.UTC(2000, 0, 1);

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('synctest', () => {
  test('T10 fake time starts at 2000-01-01T00:00:00Z inside the bubble', async () => {
    let start = 0;
    let fired: number | undefined;
    await synctest(async (t) => {
      start = t.now();
      fired = (await timeAfter(250).recv()).value;
    });
    expect(start).toBe(EPOCH);
    expect(fired).toBe(EPOCH + 250);
  });

  test('DL5 a one-hour timeout takes milliseconds of real time and exactly one virtual hour', async () => {
    const real = performance.now();
    let elapsed = 0;
    let err: unknown;
    await synctest(async (t) => {
      const start = t.now();
      const [ctx, cancel] = withTimeout(background(), 3_600_000);
      const r = await select({ done: recv(ctx.done), late: recv(timeAfter(7_200_000)) });
      expect(r.case).toBe('done');
      elapsed = t.now() - start;
      err = ctx.err;
      cancel();
    });
    expect(elapsed).toBe(3_600_000);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(performance.now() - real).toBeLessThan(1000);
  });

  test('DL5 t.wait returns once every other task is blocked, without moving time', async () => {
    await synctest(async (t) => {
      const ch = new Channel<number>(10);
      const seen: number[] = [];
      go(async () => {
        for (let i = 0; i < 5; i++) await ch.send(i);
        await sleep(1000);
        await ch.send(99);
      });
      go(async () => {
        for await (const v of ch) seen.push(v);
      });
      const start = t.now();
      await t.wait();
      expect(seen).toEqual([0, 1, 2, 3, 4]);
      expect(t.now()).toBe(start);
      await sleep(1000);
      await t.wait();
      expect(seen).toEqual([0, 1, 2, 3, 4, 99]);
      expect(t.now()).toBe(start + 1000);
      ch.close();
    });
  });

  test('DL5 time does not move while a task is still running', async () => {
    const log: string[] = [];
    await synctest(async () => {
      const ch = new Channel<number>(1);
      go(async () => {
        // Long enough to span several macrotask slices, without ever parking.
        for (let i = 0; i < 20_000; i++) {
          await ch.send(i);
          await ch.recv();
        }
        log.push('busy done');
      });
      await sleep(1);
      log.push('slept');
    });
    expect(log).toEqual(['busy done', 'slept']);
  });

  test('DL5 timers due at once fire in creation order and time moves to each due time', async () => {
    const log: string[] = [];
    await synctest(async (t) => {
      const start = t.now();
      const stamp = (name: string) => () => log.push(`${name}@${t.now() - start}`);
      go(() => sleep(30).then(stamp('c')));
      go(() => sleep(10).then(stamp('a')));
      go(() => sleep(10).then(stamp('b')));
      await sleep(40);
    });
    expect(log).toEqual(['a@10', 'b@10', 'c@30']);
  });

  test('DL1 root receives from an empty channel with no other tasks: DeadlockError with the wait reason', async () => {
    const e = await failure(
      synctest(async () => {
        await new Channel<number>().recv();
      }),
    );
    expect(e).toBeInstanceOf(DeadlockError);
    const d = e as DeadlockError;
    expect(d.name).toBe('DeadlockError');
    expect(d.message.startsWith('all goroutines are asleep - deadlock!')).toBe(true);
    expect(d.waits).toHaveLength(1);
    expect(d.waits[0]).toMatch(/^chan receive on Channel#1\(0\), parked at .*synctest\.spec\.ts:\d+:\d+$/);
    expect(d.message).toContain(d.waits[0]);
    expect(d.tasks).toEqual([]);
  });

  test('DL1 a wait on a context that is never cancelled is a channel receive on its done', async () => {
    const e = await failure(
      synctest(async () => {
        const [ctx] = withCancel(background());
        await ctx.done.recv();
      }),
    );
    expect(e).toBeInstanceOf(DeadlockError);
    expect((e as DeadlockError).waits).toEqual([
      expect.stringMatching(/^chan receive on Context\.done#1, parked at /),
    ]);
  });

  test('DL1 a select guarded by a context is one blocked operation, its context shown beside its cases', async () => {
    const e = await failure(
      synctest(async () => {
        const [ctx] = withCancel(background());
        await select({ v: recv(new Channel<number>()) }, ctx);
      }),
    );
    const d = e as DeadlockError;
    expect(d).toBeInstanceOf(DeadlockError);
    expect(d.waits).toEqual([
      expect.stringMatching(
        /^select \{ v: receive from Channel#\d\(0\) \}, guarded by Context\.done#\d, parked at /,
      ),
    ]);
    expect(d.message).toContain('1 blocked operation(s):');
  });

  test('DL1 the report lists every blocked task and operation: send, select and sleep-free waits', async () => {
    const e = await failure(
      synctest(async () => {
        const a = new Channel<string>();
        const b = new Channel<number>(1);
        b.trySend(1);
        go(() => b.send(2), { name: 'full-sender' });
        go(() => select({ x: recv(a), y: send(a, 'v') }), { name: 'selector' });
        await new Channel<void>().recv();
      }),
    );
    const d = e as DeadlockError;
    expect(d).toBeInstanceOf(DeadlockError);
    expect(d.tasks.map((t) => t.name).sort()).toEqual(['full-sender', 'selector']);
    expect(d.tasks.every((t) => /synctest\.spec\.ts/.test(t.created ?? ''))).toBe(true);
    expect(d.waits).toHaveLength(3);
    expect(d.waits.some((w) => w.startsWith('chan send on Channel#') && w.includes('(1)'))).toBe(true);
    expect(
      d.waits.some((w) =>
        /^select \{ x: receive from Channel#\d\(0\); y: send to Channel#\d\(0\) \}/.test(w),
      ),
    ).toBe(true);
    expect(d.message).toContain('task');
    expect(d.message).toContain('"full-sender", created at');
  });

  test('DL1 a stopped timer that nobody can restart is a deadlock, not a pending timer', async () => {
    const e = await failure(
      synctest(async () => {
        const ticker = newTicker(10);
        ticker.stop();
        await ticker.c.recv();
      }),
    );
    expect(e).toBeInstanceOf(DeadlockError);
    expect((e as DeadlockError).waits[0]).toMatch(/^chan receive \(timer\) on TimerPort#1/);
  });

  test('DL2 a pending timer suppresses the report: a task sleeps 50 virtual ms, then sends', async () => {
    let got: number | undefined;
    let elapsed = 0;
    await synctest(async (t) => {
      const start = t.now();
      const ch = new Channel<number>();
      go(async () => {
        await sleep(50);
        await ch.send(7);
      });
      got = (await ch.recv()).value;
      elapsed = t.now() - start;
    });
    expect(got).toBe(7);
    expect(elapsed).toBe(50);
  });

  test('DL2 a partial deadlock is not reported while a task still runs; left at the end it is a leak', async () => {
    let received = false;
    const e = await failure(
      synctest(async () => {
        const a = new Channel<number>();
        const b = new Channel<number>();
        go(
          async () => {
            await a.recv();
            await b.send(1);
          },
          { name: 'cycle-a' },
        );
        go(
          async () => {
            await b.recv();
            await a.send(1);
          },
          { name: 'cycle-b' },
        );
        const done = new Channel<boolean>();
        go(async () => {
          await sleep(100);
          await done.send(true);
        });
        received = (await done.recv()).value === true;
      }),
    );
    expect(received).toBe(true);
    expect(e).toBeInstanceOf(LeakError);
    expect((e as LeakError).tasks.map((t) => t.name).sort()).toEqual(['cycle-a', 'cycle-b']);
  });

  test('DL3 work registered with t.external suppresses the report until it settles', async () => {
    let value = '';
    await synctest(async (t) => {
      value = await t.external(new Promise<string>((resolve) => setTimeout(() => resolve('io'), 5)));
    });
    expect(value).toBe('io');
  });

  test('GO5 after the body returns, time moves on until every task has exited', async () => {
    let exitedAt = 0;
    const real = performance.now();
    await synctest(async (t) => {
      go(async () => {
        await sleep(3_600_000);
        exitedAt = t.now();
      });
    });
    expect(exitedAt).toBe(EPOCH + 3_600_000);
    expect(performance.now() - real).toBeLessThan(1000);
  });

  test('TM7 a sleep of a century after the body returns is one drain step and lasts a virtual century', async () => {
    const century = 100 * 365 * 86_400_000;
    let exitedAt = 0;
    await synctest(
      async (t) => {
        go(async () => {
          await sleep(century);
          exitedAt = t.now();
        });
      },
      { drainSteps: 1 },
    );
    expect(exitedAt).toBe(EPOCH + century);
  });

  test('TM7 a timeout of decades expires in one step, with the default drain steps too', async () => {
    const decades = 80 * 365 * 86_400_000;
    let err: unknown;
    let elapsed = 0;
    await synctest(async (t) => {
      const start = t.now();
      const [ctx, cancel] = withTimeout(background(), decades);
      go(async () => {
        await ctx.done.recv();
        err = ctx.err;
        elapsed = t.now() - start;
        cancel();
      });
    });
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(elapsed).toBe(decades);
  });

  test('GO5 a task blocked forever after the body returns is a LeakError', async () => {
    const e = await failure(
      synctest(async () => {
        go(() => new Channel<number>().recv(), { name: 'orphan' });
      }),
    );
    expect(e).toBeInstanceOf(LeakError);
    const l = e as LeakError;
    expect(l.tasks.map((t) => t.name)).toEqual(['orphan']);
    expect(l.message).toContain('"orphan"');
    expect(l.waits.some((w) => w.startsWith('chan receive on Channel#'))).toBe(true);
  });

  test('GO5 a task on a ticker that is never stopped is a LeakError after the drain steps', async () => {
    const e = await failure(
      synctest(
        async () => {
          const ticker = newTicker(1000);
          go(
            async () => {
              for (;;) await ticker.c.recv();
            },
            { name: 'ticking' },
          );
        },
        { drainSteps: 50 },
      ),
    );
    expect(e).toBeInstanceOf(LeakError);
    expect((e as LeakError).tasks.map((t) => t.name)).toEqual(['ticking']);
  });

  test('GO5 a sleep that no task awaits keeps the bubble going until it fires', async () => {
    let firedAt = 0;
    let slept: { readonly current: State<void> } | undefined;
    await synctest(async (t) => {
      slept = track(
        sleep(1000).then(() => {
          firedAt = t.now();
        }),
      );
    });
    await flush();
    expect(firedAt).toBe(EPOCH + 1000);
    expect(slept!.current.status).toBe('fulfilled');
  });

  test('GO5 a timeout context left uncancelled reaches its deadline in the bubble before it ends', async () => {
    let ctx: Context | undefined;
    await synctest(async () => {
      [ctx] = withTimeout(background(), 3_600_000);
    });
    expect(ctx!.err).toBeInstanceOf(DeadlineExceededError);
    expect((await ctx!.done.recv()).ok).toBe(false);
  });

  test('GO5 an operation left blocked by the body is a LeakError naming it, and it ends with that error', async () => {
    let pending: { readonly current: State<unknown> } | undefined;
    const e = await failure(
      synctest(async () => {
        pending = track(new Channel<number>().recv());
      }),
    );
    expect(e).toBeInstanceOf(LeakError);
    expect((e as LeakError).tasks).toEqual([]);
    expect((e as LeakError).waits).toEqual([expect.stringMatching(/^chan receive on Channel#1\(0\)/)]);
    await flush();
    expect(pending!.current).toEqual({ status: 'rejected', reason: e });
  });

  test('GO5 a timer loop that no task owns is a LeakError after the drain steps, and ends with it', async () => {
    let loop: { readonly current: State<void> } | undefined;
    const e = await failure(
      synctest(
        async () => {
          loop = track(
            (async () => {
              for (;;) await sleep(1000);
            })(),
          );
        },
        { drainSteps: 5 },
      ),
    );
    expect(e).toBeInstanceOf(LeakError);
    expect((e as LeakError).waits).toEqual([expect.stringMatching(/^sleep on TimerPort#1/)]);
    await flush();
    expect(loop!.current).toEqual({ status: 'rejected', reason: e });
  });

  test('GO5 the tasks a LeakError names end with it: nothing stays blocked on the bubble', async () => {
    const unhandled = capture('unhandledRejection');
    try {
      const tasks: { readonly current: State<unknown> }[] = [];
      const e = await failure(
        synctest(
          async () => {
            const ticker = newTicker(1000);
            tasks.push(track(go(() => new Channel<number>().recv(), { name: 'orphan' })));
            tasks.push(
              track(
                go(
                  async () => {
                    for (;;) await ticker.c.recv();
                  },
                  { name: 'ticking' },
                ),
              ),
            );
          },
          { drainSteps: 5 },
        ),
      );
      expect(e).toBeInstanceOf(LeakError);
      await flush();
      expect(tasks.map((t) => t.current)).toEqual([
        { status: 'rejected', reason: e },
        { status: 'rejected', reason: e },
      ]);
      await verifyNoLeaks({ attempts: 1 });
      expect(unhandled.seen).toEqual([]);
    } finally {
      unhandled.restore();
    }
  });

  test('DL1 the tasks a DeadlockError names end with it', async () => {
    let sender: { readonly current: State<unknown> } | undefined;
    const e = await failure(
      synctest(async () => {
        sender = track(go(() => new Channel<number>().send(1), { name: 'sender' }));
        await new Channel<number>().recv();
      }),
    );
    expect(e).toBeInstanceOf(DeadlockError);
    await flush();
    expect(sender!.current).toEqual({ status: 'rejected', reason: e });
    await verifyNoLeaks({ attempts: 1 });
  });

  test('DL5 a failing body releases what it leaves blocked with a LeakError naming it', async () => {
    const unhandled = capture('unhandledRejection');
    try {
      const boom = new Error('boom');
      let ctx: Context | undefined;
      const tasks: { readonly current: State<unknown> }[] = [];
      const e = await failure(
        synctest(async (t) => {
          [ctx] = withTimeout(background(), 60_000);
          tasks.push(track(go(() => sleep(3_600_000), { name: 'sleeper' })));
          tasks.push(track(go(() => ctx!.done.recv(), { name: 'waiter' })));
          await t.wait();
          throw boom;
        }),
      );
      expect(e).toBe(boom);
      await flush();
      const [sleeper, waiter] = tasks.map((t) => t.current);
      expect(sleeper?.status).toBe('rejected');
      const released = (sleeper as { reason: unknown }).reason as LeakError;
      expect(released).toBeInstanceOf(LeakError);
      expect(released.tasks.map((t) => t.name).sort()).toEqual(['sleeper', 'waiter']);
      expect(released.waits).toEqual([
        expect.stringMatching(/^sleep on TimerPort#1/),
        expect.stringMatching(/^chan receive on Context\.done#2/),
      ]);
      expect(waiter).toEqual({ status: 'rejected', reason: released });
      // Its deadline passes on the bubble's clock as it ends, so nothing waits on a clock that no
      // longer moves.
      expect(ctx!.err).toBeInstanceOf(DeadlineExceededError);
      await verifyNoLeaks({ attempts: 1 });
      expect(unhandled.seen).toEqual([]);
    } finally {
      unhandled.restore();
    }
  });

  test('DL5 a failing body rejects with its own error and restores the real clock', async () => {
    const boom = new Error('boom');
    const e = await failure(
      synctest(async () => {
        await sleep(10);
        throw boom;
      }),
    );
    expect(e).toBe(boom);
    const v = (await timeAfter(0).recv()).value!;
    expect(Math.abs(v - Date.now())).toBeLessThan(1000);
  });

  test('DL5 bubbles do not nest', async () => {
    await synctest(async () => {
      const e = await failure(synctest(async () => {}));
      expect((e as Error).message).toMatch(/do not nest/);
    });
  });

  test('DL5 synctest throws a TypeError at the call for a body that is not a function', () => {
    expect(() => synctest(null as never)).toThrow(TypeError);
  });
});
