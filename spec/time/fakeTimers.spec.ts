// Vitest's fake timers drive gorx's Promise faces: the library clock is RxJS's asyncScheduler, which
// reads Date.now and schedules with setInterval, both of which the fake timers replace.
import {
  after,
  background,
  Channel,
  DeadlineExceededError,
  newTicker,
  recv,
  select,
  sleep,
  withTimeout,
} from 'gorx';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { track } from '../helpers/async.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('under Vitest fake timers', () => {
  it('T10 sleep and a context deadline wait for advanced time, not real time', async () => {
    const slept = track(sleep(500));
    const [ctx] = withTimeout(background(), 1000);
    await vi.advanceTimersByTimeAsync(499);
    expect(slept.current.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(slept.current.status).toBe('fulfilled');
    expect(ctx.err).toBeUndefined();
    await vi.advanceTimersByTimeAsync(500);
    expect(ctx.err).toBeInstanceOf(DeadlineExceededError);
  });

  it('T10 a select times out with recv(after(ms)) once the time is advanced', async () => {
    const ch = new Channel<number>();
    const r = track(select({ v: recv(ch), timeout: recv(after(100)) }));
    await vi.advanceTimersByTimeAsync(99);
    expect(r.current.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(r.current).toMatchObject({ status: 'fulfilled', value: { case: 'timeout' } });
  });

  it('T10 a ticker ticks once per advanced period', async () => {
    const ticker = newTicker(10);
    try {
      const ticks: number[] = [];
      const reader = (async () => {
        for (let i = 0; i < 3; i++) ticks.push((await ticker.c.recv()).value!);
      })();
      await vi.advanceTimersByTimeAsync(30);
      await reader;
      expect(ticks.map((t) => t - ticks[0]!)).toEqual([0, 10, 20]);
    } finally {
      ticker.stop();
    }
  });
});
