import {
  background,
  CanceledError,
  Channel,
  type Context,
  cause,
  DeadlineExceededError,
  recv,
  select$,
  withCancel,
  withDeadline,
  withTimeout,
} from 'gorx';
import { map, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { pending, testScheduler } from '../helpers/marbles.js';

const errName = (ctx: Context) => () => ctx.err?.name ?? 'none';

describe('withTimeout and withDeadline (virtual time)', () => {
  it('CX7 done closes at exactly the virtual deadline', () => {
    testScheduler().run(({ expectObservable }) => {
      const [ctx] = withTimeout(background(), 5);
      expect(ctx.deadline).toBe(5);
      expectObservable(ctx.done).toBe('-----|');
      expectObservable(timer(4).pipe(map(errName(ctx)))).toBe('----(a|)', { a: 'none' });
      expectObservable(timer(5).pipe(map(errName(ctx)))).toBe('-----(a|)', { a: 'DeadlineExceededError' });
    });
  });

  it('CX7 the signal aborts at the deadline with ctx.err as its reason', () => {
    testScheduler().run(({ expectObservable }) => {
      const [ctx] = withTimeout(background(), 3);
      const probe = () => ({ aborted: ctx.signal.aborted, same: ctx.signal.reason === ctx.err });
      expectObservable(timer(2).pipe(map(probe))).toBe('--(a|)', { a: { aborted: false, same: true } });
      expectObservable(timer(3).pipe(map(probe))).toBe('---(a|)', { a: { aborted: true, same: true } });
    });
  });

  it('CX7 a sooner parent deadline wins: the child is done at the parent deadline and reports it', () => {
    testScheduler().run(({ expectObservable }) => {
      const [parent] = withTimeout(background(), 10);
      const [child] = withTimeout(parent, 3_600_000);
      expect(child.deadline).toBe(parent.deadline);
      expect(child.deadline).toBe(10);
      expectObservable(child.done).toBe('10ms |');
      expectObservable(timer(10).pipe(map(errName(child)))).toBe('10ms (a|)', { a: 'DeadlineExceededError' });
    });
  });

  it('CX7 a sooner child deadline fires first and leaves the parent running', () => {
    testScheduler().run(({ expectObservable }) => {
      const [parent] = withTimeout(background(), 10);
      const [child] = withTimeout(parent, 4);
      expect(child.deadline).toBe(4);
      expectObservable(child.done).toBe('----|');
      expectObservable(parent.done).toBe('10ms |');
      expectObservable(timer(5).pipe(map(errName(parent)))).toBe('-----(a|)', { a: 'none' });
    });
  });

  it('CX7 a Date deadline is read as clock time', () => {
    testScheduler().run(({ expectObservable }) => {
      const [ctx] = withDeadline(background(), new Date(7));
      expect(ctx.deadline).toBe(7);
      expectObservable(ctx.done).toBe('-------|');
    });
  });

  it('CX7 a timeout is a select case on ctx.done', () => {
    testScheduler().run(({ expectObservable }) => {
      const ch = new Channel<number>();
      const [ctx] = withTimeout(background(), 6);
      const r = select$({ v: recv(ch), stop: recv(ctx.done) }).pipe(map((s) => s.case));
      expectObservable(r).toBe('------(a|)', { a: 'stop' });
    });
  });

  it('CX7 a past deadline or a zero or negative timeout gives a context done at once', () => {
    for (const [ctx] of [
      withTimeout(background(), 0),
      withTimeout(background(), -5),
      withDeadline(background(), Date.now() - 1000),
      withDeadline(background(), new Date(0)),
    ]) {
      expect(ctx.err).toBeInstanceOf(DeadlineExceededError);
      expect(ctx.done.tryRecv()).toEqual({ value: undefined, ok: false });
      expect(ctx.signal.aborted).toBe(true);
    }
  });

  it('CX7 a deadline context rejects a parked wait with DeadlineExceededError (real time)', async () => {
    const [ctx, cancel] = withTimeout(background(), 5);
    const t0 = Date.now();
    await expect(new Channel<number>().recv(ctx)).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4);
    cancel();
  });

  it('CX6 the deadline error says "context deadline exceeded" and has timeout === true', () => {
    const [ctx] = withTimeout(background(), 0);
    expect(ctx.err?.message).toBe('context deadline exceeded');
    expect((ctx.err as DeadlineExceededError).timeout).toBe(true);
    expect(ctx.err).not.toBeInstanceOf(CanceledError);
    expect(cause(ctx)).toBe(ctx.err);
  });

  it('CX8 cancelling a timer context stops its timer', () => {
    const ts = testScheduler();
    ts.run(() => {
      expect(pending(ts)).toBe(0);
      const [ctx, cancel] = withTimeout(background(), 3_600_000);
      expect(pending(ts)).toBe(1);
      cancel();
      expect(ctx.err).toBeInstanceOf(CanceledError);
      expect(pending(ts)).toBe(0);
    });
  });

  it('CX8 a timer child cancelled through its parent stops its timer', () => {
    const ts = testScheduler();
    ts.run(() => {
      const [parent, cancel] = withCancel(background());
      const timed = [withTimeout(parent, 1000), withTimeout(parent, 2000), withDeadline(parent, 3000)];
      expect(pending(ts)).toBe(3);
      cancel();
      for (const [ctx] of timed) expect(ctx.err).toBeInstanceOf(CanceledError);
      expect(pending(ts)).toBe(0);
    });
  });

  it('CX8 a context that reached its deadline holds no timer', () => {
    const ts = testScheduler();
    ts.run(({ flush }) => {
      const [ctx, cancel] = withTimeout(background(), 10);
      flush();
      expect(ctx.err).toBeInstanceOf(DeadlineExceededError);
      expect(pending(ts)).toBe(0);
      cancel();
      expect(ctx.err).toBeInstanceOf(DeadlineExceededError);
    });
  });

  it('CX8 a child whose parent deadline is sooner arms no timer of its own', () => {
    const ts = testScheduler();
    ts.run(() => {
      const [parent, cancelParent] = withTimeout(background(), 10);
      expect(pending(ts)).toBe(1);
      const [, cancelChild] = withTimeout(parent, 1000);
      expect(pending(ts)).toBe(1);
      cancelChild();
      cancelParent();
      expect(pending(ts)).toBe(0);
    });
  });
});
