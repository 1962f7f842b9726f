import {
  background,
  Channel,
  newTimer,
  recv,
  select,
  sleep,
  after as timeAfter,
  withCancel,
  withTimeout,
} from 'gorx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alarm, type Clock, setClock } from '../../lib/time/clock.js';

/** A hand-driven clock: records every scheduled callback; `advance` runs what falls due. */
class FakeClock implements Clock {
  time = 1_000;
  nextId = 1;
  readonly scheduled = new Map<number, { fn: () => void; at: number; ms: number }>();
  readonly delays: number[] = [];
  now(): number {
    return this.time;
  }
  schedule(fn: () => void, ms: number): number {
    const id = this.nextId++;
    this.scheduled.set(id, { fn, at: this.time + ms, ms });
    this.delays.push(ms);
    return id;
  }
  cancel(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { fn: () => void; at: number }] | undefined;
      for (const e of this.scheduled)
        if (e[1].at <= end && (next === undefined || e[1].at < next[1].at)) next = e;
      if (next === undefined) break;
      this.scheduled.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}

const MAX = 2 ** 31 - 1;
let clock: FakeClock;

beforeEach(() => {
  clock = new FakeClock();
  setClock(clock);
});
afterEach(() => {
  setClock(undefined);
});

describe('the library clock', () => {
  it('TM7 a delay above 2^31-1 ms is split into chunks and fires only at the end', () => {
    let fired = 0;
    const at = clock.now() + 2 * MAX + 5;
    alarm(() => fired++, at);
    expect(clock.delays).toEqual([MAX]);
    clock.advance(MAX);
    expect(fired).toBe(0);
    expect(clock.delays).toEqual([MAX, MAX]);
    clock.advance(MAX);
    expect(fired).toBe(0);
    expect(clock.delays).toEqual([MAX, MAX, 5]);
    clock.advance(4);
    expect(fired).toBe(0);
    clock.advance(1);
    expect(fired).toBe(1);
    expect(clock.now()).toBe(at);
    expect(clock.scheduled.size).toBe(0);
  });

  it('TM7 cancelling a chunked alarm between chunks leaves nothing scheduled', () => {
    let fired = 0;
    const a = alarm(() => fired++, clock.now() + MAX + 100);
    clock.advance(MAX);
    expect(clock.scheduled.size).toBe(1);
    a.cancel();
    expect(clock.scheduled.size).toBe(0);
    clock.advance(1000);
    expect(fired).toBe(0);
  });

  it('TM7 no delay handed to the host is ever above 2^31-1 ms', async () => {
    const t = newTimer(10 * MAX);
    const got = t.c.recv();
    for (let i = 0; i < 10; i++) clock.advance(MAX);
    clock.advance(10);
    expect(Math.max(...clock.delays)).toBeLessThanOrEqual(MAX);
    await expect(got).resolves.toEqual({ value: 1_000 + 10 * MAX, ok: true });
  });

  it('CX8 cancelling a timeout context removes its alarm', () => {
    const [ctx, cancel] = withTimeout(background(), 3_600_000);
    expect(clock.scheduled.size).toBe(1);
    cancel();
    expect(clock.scheduled.size).toBe(0);
    expect(ctx.err?.name).toBe('CanceledError');
  });

  it('CX8 a parent cancel removes the alarms of every timer context below it', () => {
    const [parent, cancel] = withCancel(background());
    withTimeout(parent, 1000);
    withTimeout(withTimeout(parent, 2000)[0], 500);
    expect(clock.scheduled.size).toBe(3);
    cancel();
    expect(clock.scheduled.size).toBe(0);
  });

  it('CX7 a timeout context fires on the library clock', () => {
    const [ctx] = withTimeout(background(), 50);
    clock.advance(49);
    expect(ctx.err).toBeUndefined();
    clock.advance(1);
    expect(ctx.err?.name).toBe('DeadlineExceededError');
    expect(clock.scheduled.size).toBe(0);
  });

  it('TM11 an after(1h) that loses a select leaves no scheduled alarm', async () => {
    const ch = new Channel<number>();
    const p = select({ v: recv(ch), timeout: recv(timeAfter(3_600_000)) });
    expect(clock.scheduled.size).toBe(1);
    expect(ch.trySend(1)).toBe(true);
    expect(clock.scheduled.size).toBe(0);
    expect((await p).case).toBe('v');
  });

  it('TM11 an abandoned after(1h) schedules nothing', () => {
    for (let i = 0; i < 100; i++) timeAfter(3_600_000);
    expect(clock.scheduled.size).toBe(0);
  });

  it('TM11 a cancelled sleep releases its alarm', async () => {
    const [ctx, cancel] = withCancel(background());
    const p = sleep(3_600_000, ctx);
    expect(clock.scheduled.size).toBe(1);
    cancel();
    await expect(p).rejects.toThrow('context canceled');
    expect(clock.scheduled.size).toBe(0);
  });
});
