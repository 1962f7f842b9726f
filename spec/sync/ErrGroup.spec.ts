import {
  background,
  CanceledError,
  Channel,
  type Context,
  cause,
  ErrGroup,
  errGroup,
  sleep,
  withCancel,
} from 'gorx';
import { describe, expect, it } from 'vitest';
import { flush, jitter, parkedSince, rng, STRESS, track, unhandledRejections } from './helpers.js';

/** A task body that fails with `error` (or succeeds when it is null) once `gate` is closed. */
function whenOpen(gate: Channel<void>, error: Error | null): () => Promise<void> {
  return async () => {
    await gate.recv();
    if (error !== null) throw error;
  };
}

describe('ErrGroup', () => {
  it('EG1 the zero Group returns the first error by completion time, and keeps returning it (TestZeroGroup)', async () => {
    const e1 = new Error('e1');
    const e2 = new Error('e2');
    const cases: { errs: (Error | null)[]; first: Error | undefined }[] = [
      { errs: [], first: undefined },
      { errs: [null], first: undefined },
      { errs: [e1], first: e1 },
      { errs: [e1, null], first: e1 },
      { errs: [e1, null, e2], first: e1 },
    ];
    for (const { errs, first } of cases) {
      const g = new ErrGroup();
      let firstErr: unknown;
      for (const err of errs) {
        g.go(async () => {
          if (err !== null) throw err;
        });
        // each task has finished before the next starts, so completion order is `errs` order
        const got = await g.wait().then(
          () => undefined,
          (e: unknown) => e,
        );
        firstErr ??= err ?? undefined;
        expect(got).toBe(firstErr);
      }
      expect(
        await g.wait().then(
          () => undefined,
          (e: unknown) => e,
        ),
      ).toBe(first);
    }
  });

  it('EG1 the first error is the first to complete, not the first started', async () => {
    const g = new ErrGroup();
    const slow = new Channel<void>();
    const fast = new Channel<void>();
    const e1 = new Error('started first');
    const e2 = new Error('failed first');
    g.go(whenOpen(slow, e1));
    g.go(whenOpen(fast, e2));
    fast.close();
    await flush();
    slow.close();
    await expect(g.wait()).rejects.toBe(e2);
    await expect(g.wait()).rejects.toBe(e2);
  });

  it('EG2 with a context: cancelled by the first error, and when wait returns even if all succeed (TestWithContext)', async () => {
    const [g, ctx] = errGroup();
    g.go(async () => {});
    g.go(async () => {});
    await flush();
    expect(ctx.err).toBeUndefined(); // tasks done, wait not called yet
    await g.wait();
    expect(ctx.err).toBeInstanceOf(CanceledError);
    expect(ctx.done.tryRecv()).toEqual({ value: undefined, ok: false });

    const doom = new Error('doom');
    const [g2, ctx2] = errGroup(background());
    const gate = new Channel<void>();
    g2.go(whenOpen(gate, null));
    g2.go(async () => {
      throw doom;
    });
    await flush();
    expect(ctx2.err).toBeInstanceOf(CanceledError); // before wait
    gate.close();
    await expect(g2.wait()).rejects.toBe(doom);
  });

  it('EG3 cause(ctx) is the first error; with no error it is CanceledError (TestCancelCause)', async () => {
    const doom = new Error('doom');
    const [g, ctx] = errGroup();
    g.go(async () => {
      throw doom;
    });
    await expect(g.wait()).rejects.toBe(doom);
    expect(ctx.err).toBeInstanceOf(CanceledError);
    expect(cause(ctx)).toBe(doom);

    const [ok, okCtx] = errGroup();
    ok.go(async () => {});
    await ok.wait();
    expect(cause(okCtx)).toBeInstanceOf(CanceledError);
  });

  it('EG3 siblings observe the cancellation through the context they are given', async () => {
    const [g, ctx] = errGroup();
    const doom = new Error('doom');
    let seen: Context | undefined;
    let stoppedBy: unknown;
    g.go(async (c) => {
      seen = c;
      await sleep(60_000, c).catch((e: unknown) => {
        stoppedBy = cause(c);
        throw e;
      });
    });
    g.go(async () => {
      await flush(1);
      throw doom;
    });
    await expect(g.wait()).rejects.toBe(doom);
    expect(seen).toBe(ctx);
    expect(stoppedBy).toBe(doom);
  });

  it('EG4 wait waits for every task, including those still running after an error', async () => {
    const g = new ErrGroup();
    const gate = new Channel<void>();
    let slowDone = false;
    g.go(async () => {
      throw new Error('fast');
    });
    g.go(async () => {
      await gate.recv();
      slowDone = true;
    });
    const w = track(g.wait());
    await flush();
    expect(w.current.status).toBe('pending');
    gate.close();
    await flush();
    expect(w.current.status).toBe('rejected');
    expect(slowDone).toBe(true);
  });

  it('EG5 setLimit(10): go waits for a slot and at most 10 tasks run at once (TestGoLimit)', async () => {
    const limit = 10;
    const g = new ErrGroup();
    g.setLimit(limit);
    const random = rng(5);
    let active = 0;
    let most = 0;
    let started = 0;
    const total = 1025 * STRESS;
    for (let i = 0; i < total; i++) {
      await g.go(async () => {
        started++;
        most = Math.max(most, ++active);
        if (active > limit) throw new Error(`saw ${active} active, want at most ${limit}`);
        await jitter(random);
        active--;
      });
      expect(started).toBeLessThanOrEqual(i + 1);
    }
    await g.wait();
    expect(started).toBe(total);
    expect(most).toBe(limit);
  });

  it('EG5 the go Promise resolves once the task has been started', async () => {
    const g = new ErrGroup();
    g.setLimit(1);
    const gate = new Channel<void>();
    const log: string[] = [];
    await g.go(async () => {
      log.push('A');
      await gate.recv();
    });
    const second = g.go(async () => {
      log.push('B');
    });
    const s = track(second);
    await flush();
    expect(s.current.status).toBe('pending');
    gate.close();
    await second;
    await g.wait();
    expect(log).toEqual(['A', 'B']);
  });

  it('EG5 wait also waits for go calls still waiting for a slot, awaited or not', async () => {
    const g = new ErrGroup();
    g.setLimit(2);
    let ran = 0;
    for (let i = 0; i < 6; i++) {
      void g.go(async () => {
        await flush(1);
        ran++;
      });
    }
    await g.wait();
    expect(ran).toBe(6);
  });

  it('EG5 setLimit(0) lets nothing start; a negative limit removes the limit', async () => {
    const parked = parkedSince();
    const g = new ErrGroup();
    g.setLimit(0);
    expect(g.tryGo(async () => {})).toBe(false);
    const ac = new AbortController();
    const pending = track(g.go(async () => {}, ac.signal));
    await flush();
    expect(pending.current.status).toBe('pending');
    ac.abort();
    await flush();
    expect(pending.current).toEqual({ status: 'rejected', reason: expect.any(CanceledError) });
    await g.wait(); // the cancelled go no longer counts
    g.setLimit(-1);
    for (let i = 0; i < 5; i++) expect(g.tryGo(async () => {})).toBe(true);
    await g.wait();
    expect(parked()).toBe(0);
  });

  it('EG6 tryGo starts only below the limit (TestTryGo)', async () => {
    const g = new ErrGroup();
    const limit = 42;
    g.setLimit(limit);
    const gate = new Channel<void>();
    for (let i = 0; i < limit; i++) expect(g.tryGo(whenOpen(gate, null))).toBe(true);
    expect(g.tryGo(async () => {})).toBe(false);
    gate.close();
    await g.wait();
    expect(g.tryGo(async () => {})).toBe(true);
    await g.wait();
    g.setLimit(0);
    expect(g.tryGo(async () => {})).toBe(false);
  });

  it('EG6 a freed slot goes to a waiting go call before any tryGo', async () => {
    const g = new ErrGroup();
    g.setLimit(1);
    const first = new Channel<void>();
    const second = new Channel<void>();
    await g.go(whenOpen(first, null));
    const queued = track(g.go(whenOpen(second, null)));
    first.close();
    await flush();
    expect(queued.current.status).toBe('fulfilled');
    expect(g.tryGo(async () => {})).toBe(false);
    second.close();
    await g.wait();
    expect(g.tryGo(async () => {})).toBe(true);
    await g.wait();
  });

  it('EG7 changing the limit while tasks are active throws', async () => {
    const g = new ErrGroup();
    const gate = new Channel<void>();
    g.go(whenOpen(gate, null));
    g.go(whenOpen(gate, null));
    expect(() => g.setLimit(1)).toThrow(
      'errgroup: modify limit while 2 goroutines in the group are still active',
    );
    g.setLimit(-1); // as in Go, removing the limit is always allowed
    gate.close();
    await g.wait();
    g.setLimit(3);
    expect(() => g.setLimit(1.5)).toThrow(RangeError);
  });

  it('EG8 go may be called from inside a running task, and wait waits for it', async () => {
    const [g] = errGroup();
    const log: string[] = [];
    g.go(async () => {
      await flush(1);
      g.go(async () => {
        await flush(1);
        log.push('inner');
      });
      log.push('outer');
    });
    await g.wait();
    expect(log).toEqual(['outer', 'inner']);
  });

  it('EG9 a throw or a rejection counts as the returned error: nothing is reported as unhandled', async () => {
    const boom = new Error('boom');
    const seen = await unhandledRejections(async () => {
      const g = new ErrGroup();
      g.go(() => {
        throw boom;
      });
      g.go(() => Promise.reject(new Error('second')));
      await expect(g.wait()).rejects.toBe(boom);
    });
    expect(seen).toEqual([]);
  });

  it('T9 a cancelled go did not start its task; a cancelled wait leaves the group running', async () => {
    const g = new ErrGroup();
    g.setLimit(1);
    const gate = new Channel<void>();
    await g.go(whenOpen(gate, null));
    const [ctx, cancel] = withCancel(background());
    let ran = false;
    const queued = g.go(async () => {
      ran = true;
    }, ctx);
    const waiting = g.wait(ctx);
    cancel();
    await expect(queued).rejects.toBeInstanceOf(CanceledError);
    await expect(waiting).rejects.toBeInstanceOf(CanceledError);
    await expect(g.go(async () => {}, ctx)).rejects.toBeInstanceOf(CanceledError);
    gate.close();
    await g.wait();
    expect(ran).toBe(false);
  });

  it('T1 bad arguments throw at the call', () => {
    const g = new ErrGroup();
    expect(() => g.go(undefined as never)).toThrow(TypeError);
    expect(() => g.tryGo({} as never)).toThrow(TypeError);
    expect(() => errGroup(null as never)).toThrow(TypeError);
  });

  it('PT4 bounded parallelism: the first failure cancels the rest, which exit, and no task leaks', async () => {
    const parked = parkedSince();
    const [g, ctx] = errGroup();
    g.setLimit(3);
    const bad = new Error('item 2 failed');
    let stopped = 0;
    let started = 0;
    for (let i = 0; i < 8 && ctx.err === undefined; i++) {
      // item 3 waits for a slot; the failure cancels ctx, which withdraws that wait
      await g
        .go(async (c) => {
          started++;
          if (i === 2) throw bad;
          try {
            await sleep(60_000, c);
          } catch {
            stopped++;
          }
        }, ctx)
        .catch(() => {});
    }
    await expect(g.wait()).rejects.toBe(bad);
    expect(started).toBe(3);
    expect(stopped).toBe(2);
    expect(parked()).toBe(0);
  });
});

describe('ErrGroup.wait$', () => {
  it('EG2 emits and completes when all tasks have finished, after cancelling the context', async () => {
    const [g, ctx] = errGroup();
    const gate = new Channel<void>();
    g.go(whenOpen(gate, null));
    const log: string[] = [];
    g.wait$().subscribe({
      next: () => log.push(`next ${ctx.err?.message}`),
      complete: () => log.push('complete'),
    });
    await flush();
    expect(log).toEqual([]);
    gate.close();
    await flush();
    expect(log).toEqual(['next context canceled', 'complete']);
  });

  it('EG1 errors with the first error; emits synchronously on a group with no tasks', async () => {
    const g = new ErrGroup();
    const sync: string[] = [];
    g.wait$().subscribe({ complete: () => sync.push('complete') });
    expect(sync).toEqual(['complete']);
    const boom = new Error('boom');
    g.go(async () => {
      throw boom;
    });
    const errors: unknown[] = [];
    const sub = g.wait$().subscribe({ error: (e: unknown) => errors.push(e) });
    await flush();
    expect(errors).toEqual([boom]);
    expect(sub.closed).toBe(true);
  });

  it('RX2 is cold, and unsubscribing withdraws the wait', async () => {
    const parked = parkedSince();
    const g = new ErrGroup();
    const gate = new Channel<void>();
    const wait$ = g.wait$();
    g.go(whenOpen(gate, null));
    await flush();
    const before = parked();
    const sub = wait$.subscribe();
    expect(parked()).toBe(before + 1);
    sub.unsubscribe();
    expect(parked()).toBe(before);
    gate.close();
    await g.wait();
    expect(parked()).toBe(0);
  });
});
