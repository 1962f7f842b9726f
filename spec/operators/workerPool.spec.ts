import {
  background,
  CanceledError,
  Channel,
  type Context,
  cancelWith,
  fanIn,
  produce,
  sendTo,
  toChannel,
  withCancel,
  workerPool,
} from 'gorx';
import {
  firstValueFrom,
  from,
  lastValueFrom,
  type OperatorFunction,
  of,
  Subject,
  type Subscription,
  takeUntil,
  toArray,
} from 'rxjs';
import { describe, expect, it } from 'vitest';
import { capture, flush } from '../helpers/async.js';

/**
 * Sends 1 on a fresh unbuffered channel piped through `op`; on seeing 1 the output's subscriber
 * sends 2 with `send$`, whose emission (the value was taken) unsubscribes the output. What the
 * output emitted; the `send$` must have emitted too.
 */
function senderStopsOutput(op: OperatorFunction<number, number>): number[] {
  const ch = new Channel<number>();
  const got: number[] = [];
  let sent = false;
  let sub: Subscription | undefined;
  sub = ch.pipe(op).subscribe((v) => {
    got.push(v);
    if (v === 1)
      ch.send$(2).subscribe(() => {
        sent = true;
        sub?.unsubscribe();
      });
  });
  expect(ch.trySend(1)).toBe(true);
  expect(sent).toBe(true);
  return got;
}

describe('workerPool', () => {
  it('EG2 the ctx option ending errors the output with ctx.err and aborts the tasks', async () => {
    const [ctx, cancel] = withCancel(background());
    const seen: Context[] = [];
    const result = firstValueFrom(
      from([1, 2]).pipe(
        workerPool(
          2,
          (_v, taskCtx) => {
            seen.push(taskCtx);
            return new Promise<number>(() => {});
          },
          { ctx },
        ),
      ),
    );
    await flush(1);
    cancel();
    await expect(result).rejects.toBeInstanceOf(CanceledError);
    expect(seen.map((c) => c.err)).toEqual([ctx.err, ctx.err]);
  });

  it('EG2 the ctx option ending aborts every task signal before the output errors, whatever the ctx', () => {
    const done = new Channel<never>();
    let userErr: Error | undefined;
    const user = {
      done,
      get err() {
        return userErr;
      },
      signal: new AbortController().signal,
      deadline: undefined,
      value: () => undefined,
    } as unknown as Context;
    const [gorxCtx, cancel] = withCancel(background());
    const ac = new AbortController();
    const cases: [Context | AbortSignal, () => void][] = [
      [gorxCtx, cancel],
      [ac.signal, () => ac.abort()],
      [
        user,
        () => {
          userErr = new Error('user context canceled');
          done.close();
        },
      ],
    ];
    const errors: unknown[] = [];
    for (const [ctx, end] of cases) {
      const signals: AbortSignal[] = [];
      let abortedAtError: boolean[] = [];
      let error: unknown;
      from([1, 2])
        .pipe(
          workerPool(
            2,
            (_v, taskCtx) => {
              signals.push(taskCtx.signal);
              return new Promise<number>(() => {});
            },
            { ctx },
          ),
        )
        .subscribe({
          error: (e: unknown) => {
            error = e;
            abortedAtError = signals.map((s) => s.aborted);
          },
        });
      end();
      errors.push(error);
      expect(abortedAtError).toEqual([true, true]);
    }
    expect(errors[0]).toBe(gorxCtx.err);
    expect(errors[1]).toBeInstanceOf(CanceledError);
    expect(errors[2]).toBe(userErr);
  });

  it('EG3 a Promise task settling after the output failed is ignored, its rejection included', async () => {
    const settle: ((ok: boolean) => void)[] = [];
    const seen: unknown[] = [];
    let failure: unknown;
    from([1, 2, 3])
      .pipe(
        workerPool(3, (v) => {
          if (v === 1) return Promise.reject(new Error('first'));
          return new Promise<number>((resolve, reject) =>
            settle.push((ok) => (ok ? resolve(v) : reject(new Error(`late ${v}`)))),
          );
        }),
      )
      .subscribe({ next: (v) => seen.push(v), error: (e: unknown) => (failure = e) });
    await flush(1);
    expect(failure).toEqual(new Error('first'));
    settle[0]!(true);
    settle[1]!(false);
    await flush(1);
    expect(seen).toEqual([]);
  });

  it('passes the source index and cancels each task context when the task ends', async () => {
    const ctxs: Context[] = [];
    const out = await lastValueFrom(
      from(['a', 'b', 'c']).pipe(
        workerPool(Number.POSITIVE_INFINITY, (v, ctx, i) => {
          ctxs.push(ctx);
          return of(`${v}${i}`);
        }),
        toArray(),
      ),
    );
    expect(out).toEqual(['a0', 'b1', 'c2']);
    expect(ctxs.every((c) => c.err instanceof CanceledError)).toBe(true);
  });

  it('ordered mode emits in source order with completion order reversed', async () => {
    const delays = [30, 20, 10, 0];
    const out = await lastValueFrom(
      from(delays).pipe(
        workerPool(4, (ms) => new Promise<number>((r) => setTimeout(() => r(ms), ms)), { ordered: true }),
        toArray(),
      ),
    );
    expect(out).toEqual(delays);
  });

  it('G5 RX2 a channel value whose send$ emission unsubscribes the pool still reaches a task', () => {
    const seen: number[] = [];
    expect(
      senderStopsOutput(
        workerPool(1, (v) => {
          seen.push(v);
          return of(v);
        }),
      ),
    ).toEqual([1, 2]);
    expect(seen).toEqual([1, 2]);
  });

  it('rejects a bad concurrency and a missing work function at the call', () => {
    expect(() => workerPool(0, () => of(1))).toThrow(RangeError);
    expect(() => workerPool(1.5, () => of(1))).toThrow(RangeError);
    expect(() => workerPool(1, null as never)).toThrow(TypeError);
    expect(() => toChannel(of(1), { capacity: -1 })).toThrow(RangeError);
    expect(() => toChannel(of(1), { overflow: 'x' as never })).toThrow(TypeError);
    expect(() => sendTo(null as never)).toThrow(TypeError);
    expect(() => cancelWith(undefined as never)).toThrow(TypeError);
    expect(() => produce(null as never)).toThrow(TypeError);
  });
});

describe('produce', () => {
  it('PT1 closes the channel when work finishes', async () => {
    const ch = produce<number>(async (out) => {
      for (let i = 0; i < 3; i++) await out.send(i);
    });
    expect(await lastValueFrom(ch.pipe(toArray()))).toEqual([0, 1, 2]);
  });

  it('GO4 closes the channel with the error work throws, after the buffered values', async () => {
    const ch = produce<number>(
      async (out) => {
        await out.send(1);
        throw new Error('broken');
      },
      { capacity: 2 },
    );
    await flush(1);
    expect(await ch.recv()).toEqual({ value: 1, ok: true });
    await expect(ch.recv()).rejects.toThrow('broken');
  });

  it('CX2 the ctx ending closes the channel with ctx.err and releases a blocked send', async () => {
    const [ctx, cancel] = withCancel(background());
    let failed: unknown;
    const ch = produce<number>(
      async (out) => {
        try {
          for (let i = 0; ; i++) await out.send(i); // ignores its context
        } catch (e) {
          failed = e;
        }
      },
      { ctx },
    );
    expect((await ch.recv()).value).toBe(0);
    cancel();
    await expect(ch.recv()).rejects.toBeInstanceOf(CanceledError);
    await flush(1);
    expect((failed as Error).message).toBe('send on closed channel');
  });

  it('CX4 PT1 an opts.ctx already done closes the channel with ctx.err at once; the sends of work fail', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    const panics = capture('uncaughtException');
    let failed: unknown;
    try {
      const ch = produce<number>(
        async (out) => {
          try {
            await out.send(1); // ignores its context
          } catch (e) {
            failed = e;
          }
        },
        { ctx },
      );
      expect(() => ch.tryRecv()).toThrow(CanceledError);
      await expect(ch.recv()).rejects.toBeInstanceOf(CanceledError);
      await flush(1);
    } finally {
      panics.restore();
    }
    expect((failed as Error).message).toBe('send on closed channel');
    expect(panics.seen).toEqual([]);
  });

  it('leaves a channel that work closed itself alone', async () => {
    const ch = produce<number>((out) => out.close());
    expect(await ch.recv()).toEqual({ value: undefined, ok: false });
  });
});

describe('fanIn', () => {
  it('PT2 merges three inputs: each value exactly once, closed after the last input closed', async () => {
    const gen = (start: number, n: number) =>
      produce<number>(async (out) => {
        for (let i = start; i < start + n; i++) await out.send(i);
      });
    const all = await lastValueFrom(fanIn(gen(0, 100), gen(100, 50), null, gen(150, 10)).pipe(toArray()));
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 160 }, (_, i) => i));
  });

  it('SE6 with only nil inputs the output is closed at once', () => {
    expect(fanIn<number>(null, null).tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('CH4 keeps each input in order', async () => {
    const a = new Channel<string>(0);
    const out = fanIn(a);
    from(['x', 'y', 'z']).pipe(sendTo(a)).subscribe();
    expect(await lastValueFrom(out.pipe(toArray()))).toEqual(['x', 'y', 'z']);
  });
});

describe('cancelWith', () => {
  it('G5 RX2 a channel value whose send$ emission unsubscribes the output is emitted first', () => {
    expect(senderStopsOutput(cancelWith(withCancel(background())[0]))).toEqual([1, 2]);
  });
});

describe('sendTo', () => {
  /** `value` sent to a channel no one receives from yet; once it is mirrored, `stop` fires. */
  function mirroredThenStopped(value: number) {
    const ch = new Channel<number>();
    const input = new Subject<number>();
    const stop = new Subject<void>();
    const mirrored: number[] = [];
    input.pipe(sendTo(ch)).subscribe((v) => {
      mirrored.push(v);
      stop.next(); // the consumer stops once the value is reported sent
    });
    input.next(value); // no receiver yet: the send waits
    return { ch, stop, mirrored };
  }

  it('G5 RX2 a value is mirrored only once the ranging receiver that took it has it', () => {
    const { ch, stop, mirrored } = mirroredThenStopped(1);
    const got: number[] = [];
    let completed = false;
    ch.pipe(takeUntil(stop)).subscribe({ next: (v) => got.push(v), complete: () => (completed = true) });
    expect(mirrored).toEqual([1]);
    expect(completed).toBe(true);
    expect(got).toEqual([1]);
    expect(ch.tryRecv()).toBeUndefined();
  });

  it('G5 RX2 a value is mirrored only once the recv$ that took it has emitted it', () => {
    const { ch, stop, mirrored } = mirroredThenStopped(7);
    const got: number[] = [];
    ch.recv$()
      .pipe(takeUntil(stop))
      .subscribe((v) => got.push(v));
    expect(mirrored).toEqual([7]);
    expect(got).toEqual([7]);
  });

  it('G5 a send committed after the output was unsubscribed is not mirrored', () => {
    const ch = new Channel<number>();
    const input = new Subject<number>();
    const mirrored: number[] = [];
    const sub = input.pipe(sendTo(ch, { close: false })).subscribe((v) => mirrored.push(v));
    input.next(1); // waits for a receiver
    const got: number[] = [];
    ch.subscribe((v) => {
      got.push(v);
      sub.unsubscribe(); // the receiver has 1 before the sender hears it was sent
    });
    expect(got).toEqual([1]);
    expect(mirrored).toEqual([]);
  });
});
