import { afterFunc, background, Channel, type Context, sleep, withCancel, withTimeout } from 'gorx';
import { afterEach, describe, expect, it } from 'vitest';
import { capture } from '../helpers/async.js';
import { insideDeepDelivery, insideDeepPropagation } from '../helpers/nesting.js';

describe('afterFunc', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it('CX13 fn runs after the context is cancelled, and stop then returns false', async () => {
    const [ctx, cancel] = withCancel(background());
    let calls = 0;
    const stop = afterFunc(ctx, () => calls++);
    await sleep(2);
    expect(calls).toBe(0);
    cancel();
    expect(calls).toBe(0); // not inside cancel()
    await sleep(0);
    expect(calls).toBe(1);
    expect(stop()).toBe(false);
  });

  it('CX13 fn runs after a deadline', async () => {
    const [ctx, cancel] = withTimeout(background(), 3);
    const ran = new Channel<void>(1);
    afterFunc(ctx, () => ran.trySend());
    await ran.recv();
    expect(ctx.err?.name).toBe('DeadlineExceededError');
    cancel();
  });

  it('CX13 on a context already done, fn runs soon but not synchronously', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    let calls = 0;
    const stop = afterFunc(ctx, () => calls++);
    expect(calls).toBe(0);
    await sleep(0);
    expect(calls).toBe(1);
    expect(stop()).toBe(false);
  });

  it('CX13 stop before cancel returns true and fn never runs', async () => {
    const [ctx, cancel] = withCancel(background());
    let calls = 0;
    const stop = afterFunc(ctx, () => calls++);
    expect(stop()).toBe(true);
    cancel();
    await sleep(5);
    expect(calls).toBe(0);
    expect(stop()).toBe(false);
  });

  it('CX13 stop after fn started returns false; cancel does not wait for fn', async () => {
    const [ctx, cancel] = withCancel(background());
    const started = new Channel<void>();
    const release = new Channel<void>();
    const finished = new Channel<void>(1);
    const stop = afterFunc(ctx, async () => {
      await started.send();
      await release.recv();
      finished.trySend();
    });
    cancel(); // returns while fn has not even started
    await started.recv();
    expect(stop()).toBe(false);
    expect(finished.tryRecv()).toBeUndefined(); // fn still blocked
    await release.send();
    await finished.recv();
  });

  /** What stop() answered and how often fn ran, for a stop() before or after cancel(), deep inside. */
  async function stopDeep(inside: (f: () => void) => void, stopFirst: boolean) {
    const [ctx, cancel] = withCancel(background());
    let calls = 0;
    const stop = afterFunc(ctx, () => calls++);
    let stopped: boolean | undefined;
    inside(() => {
      if (stopFirst) stopped = stop();
      cancel();
      if (!stopFirst) stopped = stop();
    });
    await sleep(2);
    return { stopped, calls, later: stop() };
  }

  it('CX13 once cancel() has returned, stop() returns false and fn runs, deep in deliveries too', async () => {
    for (const inside of [insideDeepDelivery, insideDeepPropagation]) {
      expect(await stopDeep(inside, false)).toEqual({ stopped: false, calls: 1, later: false });
    }
  });

  it('CX13 a stop() that returned true, deep in deliveries too, means fn never runs', async () => {
    for (const inside of [insideDeepDelivery, insideDeepPropagation]) {
      expect(await stopDeep(inside, true)).toEqual({ stopped: true, calls: 0, later: false });
    }
  });

  it('CX13 calls are independent: each registration runs once', async () => {
    const [ctx, cancel] = withCancel(background());
    const calls: number[] = [];
    const stops = [0, 1, 2, 3].map((i) => afterFunc(ctx, () => calls.push(i)));
    expect(stops[2]!()).toBe(true);
    cancel();
    cancel();
    await sleep(0);
    expect(calls.sort()).toEqual([0, 1, 3]);
  });

  it('CX13 a stopped registration leaves nothing parked on done', () => {
    const [ctx, cancel] = withCancel(background());
    const done = ctx.done as Channel<never>;
    const stops = Array.from({ length: 100 }, () => afterFunc(ctx, () => {}));
    expect(done.waiting.receivers).toBe(100);
    for (const stop of stops) stop();
    expect(done.waiting.receivers).toBe(0);
    cancel();
  });

  it('CX13 an error thrown by fn is reported as uncaught, never swallowed', async () => {
    const uncaught = capture('uncaughtException');
    const unhandled = capture('unhandledRejection');
    restore = () => {
      uncaught.restore();
      unhandled.restore();
    };
    const [ctx, cancel] = withCancel(background());
    const boom = new Error('boom');
    afterFunc(ctx, () => {
      throw boom;
    });
    cancel();
    for (let i = 0; i < 20 && uncaught.seen.length + unhandled.seen.length === 0; i++) await sleep(2);
    expect([...uncaught.seen, ...unhandled.seen]).toEqual([boom]);
  });

  it('CX13 bad input throws a TypeError at the call', () => {
    expect(() => afterFunc(null as unknown as Context, () => {})).toThrow(TypeError);
    expect(() => afterFunc(background(), 42 as unknown as () => void)).toThrow(TypeError);
  });

  it('CX13 on background, fn never runs and stop returns true', () => {
    const stop = afterFunc(background(), () => {
      throw new Error('never');
    });
    expect(stop()).toBe(true);
  });
});
