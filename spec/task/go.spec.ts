import {
  background,
  CanceledError,
  Channel,
  type Context,
  cause,
  contextKey,
  DeadlineExceededError,
  go,
  sleep,
  withCancel,
  withCancelCause,
  withTimeout,
  withValue,
} from 'gorx';
import { afterEach, describe, expect, it } from 'vitest';
import { capture } from '../helpers/async.js';

describe('go', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it('GO1 go returns a task at once; the caller does not wait for fn', async () => {
    const gate = new Channel<void>();
    let finished = false;
    const task = go(async () => {
      await gate.recv();
      finished = true;
      return 42;
    });
    expect(finished).toBe(false);
    await gate.send();
    await expect(task).resolves.toBe(42);
    expect(finished).toBe(true);
  });

  it('GO1 values are captured at spawn time, like the arguments of go f(x)', async () => {
    const out = new Channel<number>(3);
    for (let i = 0; i < 3; i++) go(() => out.send(i));
    const got = [(await out.recv()).value, (await out.recv()).value, (await out.recv()).value];
    expect(got.sort()).toEqual([0, 1, 2]);
  });

  it('GO2 fn never runs inside the go call', async () => {
    const steps: string[] = [];
    const task = go(() => {
      steps.push('task');
    });
    steps.push('after go');
    await task;
    expect(steps).toEqual(['after go', 'task']);
  });

  it('GO2 fn does not run inside go even when go is called from a running task', async () => {
    const steps: string[] = [];
    await go(async () => {
      const inner = go(() => steps.push('inner'));
      steps.push('outer continues');
      await inner;
    });
    expect(steps).toEqual(['outer continues', 'inner']);
  });

  it('GO2 a spawn storm does not starve timers', async () => {
    let timerFired = false;
    const timer = setTimeout(() => (timerFired = true), 0);
    const t0 = performance.now();
    let spawned = 0;
    while (!timerFired && performance.now() - t0 < 1000) {
      await go(() => spawned++);
    }
    clearTimeout(timer);
    expect(timerFired).toBe(true);
    expect(spawned).toBeGreaterThan(0);
  });

  it('GO3 a task is joined through a channel (exit is not synchronised by itself)', async () => {
    const done = new Channel<string>();
    go(async () => {
      await sleep(1);
      await done.send('finished');
    });
    expect((await done.recv()).value).toBe('finished');
  });

  it('GO3 the task is awaitable: it resolves to fn result and rejects with its error', async () => {
    await expect(go(() => 'sync value')).resolves.toBe('sync value');
    await expect(go(async () => 'async value')).resolves.toBe('async value');
    const boom = new Error('boom');
    await expect(
      go(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('GO3 a task has a name: from opts, else fn.name, else "task"', () => {
    function worker() {}
    expect(go(worker, { name: 'fetcher' }).name).toBe('fetcher');
    expect(go(worker).name).toBe('worker');
    expect(go(() => {}).name).toBe('task');
    expect(String(go(worker, { name: 'x' }))).toBe('Task(x)');
  });

  it('GO3 fn receives the task context, a child of opts.ctx', async () => {
    const [parent, cancel] = withCancel(background());
    let seen: Context | undefined;
    const task = go(
      async (ctx) => {
        seen = ctx;
        await ctx.done.recv();
        return ctx.err;
      },
      { ctx: parent },
    );
    expect(task.ctx).not.toBe(parent);
    expect(task.ctx.err).toBeUndefined();
    cancel();
    expect(task.ctx.err).toBeInstanceOf(CanceledError);
    await expect(task).resolves.toBeInstanceOf(CanceledError);
    expect(seen).toBe(task.ctx);
  });

  it('GO3 task.cancel cancels only the task context, and fn decides how to react', async () => {
    const [parent, cancelParent] = withCancel(background());
    const task = go(
      async (ctx) => {
        await sleep(60_000, ctx).catch(() => {});
        return 'stopped cleanly';
      },
      { ctx: parent },
    );
    task.cancel();
    await expect(task).resolves.toBe('stopped cleanly');
    expect(parent.err).toBeUndefined();
    cancelParent();
  });

  it('GO3 task.cancel works detached, as a callback, and is one function per task', async () => {
    const task = go(async (ctx) => {
      await sleep(60_000, ctx).catch(() => {});
      return ctx.err;
    });
    const { cancel } = task;
    expect(task.cancel).toBe(cancel);
    setTimeout(cancel, 0);
    await expect(task).resolves.toBeInstanceOf(CanceledError);
  });

  it('GO3 the task context is cancelled when the task ends', async () => {
    const task = go(() => 1);
    expect(task.ctx.err).toBeUndefined();
    await task;
    expect(task.ctx.err).toBeInstanceOf(CanceledError);
    await expect(go(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('CX2 CX16 contexts below a task context are cancelled with it, synchronously, leaves first', () => {
    const [parent, cancel] = withCancel(background());
    const task = go((ctx) => ctx.done.recv(), { ctx: parent });
    const [child] = withCancel(task.ctx);
    const [grandchild] = withCancel(child);
    const aborted: string[] = [];
    task.ctx.signal.addEventListener('abort', () => aborted.push('task'));
    grandchild.signal.addEventListener('abort', () => aborted.push('grandchild'));
    cancel();
    expect(task.ctx.err).toBe(parent.err);
    expect(child.err).toBe(parent.err);
    expect(grandchild.err).toBe(parent.err);
    expect(task.ctx.signal.reason).toBe(parent.err);
    expect(aborted).toEqual(['grandchild', 'task']);
  });

  it('CX2 a cancel made inside an Observable delivery reaches a deep chain of task contexts before it returns', async () => {
    const [root, cancel] = withCancel(background());
    const tasks = [];
    let ctx: Context = root;
    for (let i = 0; i < 40; i++) {
      const task = go((c) => c.done.recv(), { ctx });
      tasks.push(task);
      ctx = task.ctx;
    }
    const ch = new Channel<number>(1);
    const seen: unknown[] = [];
    ch.recv$().subscribe(() => {
      cancel();
      seen.push(ctx.err, ctx.done.tryRecv()?.ok, ctx.signal.aborted);
    });
    ch.trySend(1);
    expect(seen).toEqual([root.err, false, true]);
    await Promise.all(tasks);
  });

  it('CX4 CX11 a task under a cancelled parent starts cancelled, with the parent error and cause', async () => {
    const [parent, cancel] = withCancelCause(background());
    const why = new Error('shutting down');
    cancel(why);
    const task = go((ctx) => ctx.err);
    const late = go((ctx) => ctx.err, { ctx: parent });
    expect(late.ctx.err).toBe(parent.err);
    expect(cause(late.ctx)).toBe(why);
    expect(late.ctx.done.tryRecv()).toEqual({ value: undefined, ok: false });
    expect(late.ctx.signal.aborted).toBe(true);
    await expect(late).resolves.toBe(parent.err);
    await expect(task).resolves.toBeUndefined();
  });

  it('CX11 cause of a task context: undefined while running, then the cause it was cancelled with', async () => {
    const [parent, cancel] = withCancelCause(background());
    const task = go((ctx) => ctx.done.recv(), { ctx: parent });
    const [child] = withCancel(task.ctx);
    expect(cause(task.ctx)).toBeUndefined();
    const why = new Error('parent gone');
    cancel(why);
    expect(cause(task.ctx)).toBe(why);
    expect(cause(child)).toBe(why);
    await task;
    const own = go(() => 1);
    await own;
    expect(cause(own.ctx)).toBe(own.ctx.err);
  });

  it('CX7 CX9 a task context has its parent deadline and values, and passes them on', async () => {
    const key = contextKey<string>('k');
    const [timed, cancel] = withTimeout(withValue(background(), key, 'v'), 60_000);
    let ctx: Context = timed;
    const tasks = [];
    for (let i = 0; i < 10_000; i++) {
      const t = go((c) => c.done.recv(), { ctx });
      tasks.push(t);
      ctx = t.ctx;
    }
    expect(ctx.deadline).toBe(timed.deadline);
    expect(ctx.value(key)).toBe('v');
    expect(withValue(ctx, contextKey('other'), 1).value(key)).toBe('v');
    expect(go(() => {}).ctx.value(key)).toBeUndefined();
    cancel();
    expect(ctx.err).toBe(timed.err);
    await Promise.all(tasks);
  });

  it('CX16 a task under an AbortSignal is cancelled when it aborts, with its reason as cause', async () => {
    const controller = new AbortController();
    const task = go((ctx) => ctx.done.recv(), { ctx: controller.signal as unknown as Context });
    expect(task.ctx.deadline).toBeUndefined();
    controller.abort('bye');
    expect(task.ctx.err).toBeInstanceOf(CanceledError);
    expect(cause(task.ctx)).toBe('bye');
    await task;
    const timedOut = go((ctx) => ctx.err, {
      ctx: AbortSignal.abort(new DOMException('t', 'TimeoutError')) as never,
    });
    await expect(timedOut).resolves.toBeInstanceOf(DeadlineExceededError);
  });

  it('GO4 a failing task nobody awaits surfaces as an unhandled rejection', async () => {
    const unhandled = capture('unhandledRejection');
    restore = unhandled.restore;
    const boom = new Error('nobody listens');
    go(() => {
      throw boom;
    });
    for (let i = 0; i < 50 && unhandled.seen.length === 0; i++) await sleep(1);
    expect(unhandled.seen).toEqual([boom]);
  });

  it('GO4 an awaited failing task is not reported as unhandled', async () => {
    const unhandled = capture('unhandledRejection');
    restore = unhandled.restore;
    const task = go(async () => {
      await sleep(1);
      throw new Error('handled');
    });
    await expect(task).rejects.toThrow('handled');
    await sleep(5);
    expect(unhandled.seen).toEqual([]);
  });

  it('GO4 a non-function throws a TypeError at the call', () => {
    expect(() => go(42 as unknown as () => void)).toThrow(TypeError);
    expect(() => go(null as unknown as () => void)).toThrow(TypeError);
  });

  it('GO7 a value relayed through 10^4 chained tasks on unbuffered channels arrives, fast', async () => {
    const n = 10_000;
    const t0 = performance.now();
    const leftmost = new Channel<number>();
    let right = leftmost;
    let left = leftmost;
    for (let i = 0; i < n; i++) {
      right = new Channel<number>();
      const [from, to] = [right, left];
      go(async () => {
        const { value } = await from.recv();
        await to.send(value! + 1);
      });
      left = right;
    }
    await right.send(1);
    const { value } = await leftmost.recv();
    expect(value).toBe(n + 1);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
