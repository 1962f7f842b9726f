import {
  background,
  CanceledError,
  type Channel,
  DeadlineExceededError,
  sleep,
  withCancel,
  withTimeout,
} from 'gorx';
import { describe, expect, it } from 'vitest';

describe('sleep', () => {
  it('TM1 sleep waits at least ms on the library clock', async () => {
    const t0 = Date.now();
    await sleep(20);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(19);
  });

  it('TM7 sleep(0) and sleep(-1) resolve without waiting for a timer', async () => {
    await expect(sleep(0)).resolves.toBeUndefined();
    await expect(sleep(-1)).resolves.toBeUndefined();
  });

  it('TM7 sleep(2^31) does not resolve within 25 ms', async () => {
    const [ctx, cancel] = withTimeout(background(), 25);
    await expect(sleep(2 ** 31, ctx)).rejects.toBeInstanceOf(DeadlineExceededError);
    cancel();
  });

  it('TM1 a cancelled sleep rejects with the context error', async () => {
    const [ctx, cancel] = withCancel(background());
    const p = sleep(10_000, ctx);
    cancel();
    await expect(p).rejects.toBeInstanceOf(CanceledError);
  });

  it('TM1 an AbortSignal cancels a sleep with CanceledError and cause = reason', async () => {
    const c = new AbortController();
    const p = sleep(10_000, c.signal);
    c.abort('enough');
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CanceledError);
    expect((err as CanceledError).cause).toBe('enough');
  });

  it('TM1 a sleep on an already cancelled context rejects at once', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    await expect(sleep(0, ctx)).rejects.toBeInstanceOf(CanceledError);
  });

  it('TM1 a cancelled sleep leaves nothing parked on the context', async () => {
    const [ctx, cancel] = withCancel(background());
    const sleeps = Array.from({ length: 10 }, () => sleep(5, ctx));
    expect((ctx.done as Channel<never>).waiting.receivers).toBe(10);
    await Promise.all(sleeps);
    expect((ctx.done as Channel<never>).waiting.receivers).toBe(0);
    cancel();
  });

  it('TM1 a bad duration throws a RangeError at the call', () => {
    expect(() => sleep(Number.NaN)).toThrow(RangeError);
    expect(() => sleep(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
