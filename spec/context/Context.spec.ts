import {
  background,
  CanceledError,
  Channel,
  type Context,
  type ContextError,
  type ContextKey,
  cause,
  contextKey,
  DeadlineExceededError,
  go,
  recv,
  trySelect,
  withCancel,
  withCancelCause,
  withDeadline,
  withoutCancel,
  withTimeout,
  withValue,
} from 'gorx';
import { describe, expect, it } from 'vitest';

const FOREVER = 1e9;

describe('background', () => {
  it('CX1 background is never done, has no deadline and no values', () => {
    const ctx = background();
    expect(ctx.err).toBeUndefined();
    expect(ctx.deadline).toBeUndefined();
    expect(ctx.value(contextKey('k'))).toBeUndefined();
    expect(ctx.signal.aborted).toBe(false);
    expect(ctx.done.tryRecv()).toBeUndefined();
    expect(String(ctx)).toBe('context.Background');
    expect(background()).toBe(ctx);
  });

  it('CX1 a select case on background().done is never ready', () => {
    expect(trySelect({ done: recv(background().done) })).toBeUndefined();
    let settled = false;
    const sub = background()
      .done.recv$()
      .subscribe({ complete: () => (settled = true) });
    sub.unsubscribe();
    expect(settled).toBe(false);
  });
});

describe('withValue', () => {
  it('CX9 lookups walk outwards and the innermost key wins', () => {
    const k1 = contextKey<string>('k1');
    const k2 = contextKey<string>('k2');
    const k3 = contextKey<string>('k3');
    const c1 = withValue(background(), k1, 'c1k1');
    expect([c1.value(k1), c1.value(k2)]).toEqual(['c1k1', undefined]);
    const c2 = withValue(c1, k2, 'c2k2');
    expect([c2.value(k1), c2.value(k2), c2.value(k3)]).toEqual(['c1k1', 'c2k2', undefined]);
    const c3 = withValue(c2, k3, 'c3k3');
    expect([c3.value(k1), c3.value(k2), c3.value(k3)]).toEqual(['c1k1', 'c2k2', 'c3k3']);
    const c4 = withValue(c3, k1, 'c4k1');
    expect([c4.value(k1), c4.value(k2), c4.value(k3)]).toEqual(['c4k1', 'c2k2', 'c3k3']);
    const [c5] = withCancel(c4);
    expect([c5.value(k1), c5.value(k2), c5.value(k3)]).toEqual(['c4k1', 'c2k2', 'c3k3']);
    const c6 = withoutCancel(c5);
    expect([c6.value(k1), c6.value(k2), c6.value(k3)]).toEqual(['c4k1', 'c2k2', 'c3k3']);
  });

  it('CX9 keys compare by identity: two keys with one name stay distinct', () => {
    const a = contextKey<number>('same');
    const b = contextKey<number>('same');
    const ctx = withValue(withValue(background(), a, 1), b, 2);
    expect(ctx.value(a)).toBe(1);
    expect(ctx.value(b)).toBe(2);
    expect(String(a)).toBe('contextKey(same)');
  });

  it('CX9 a stored undefined or null value shadows the outer one', () => {
    const k = contextKey<string | null | undefined>('k');
    const outer = withValue(background(), k, 'outer');
    expect(withValue(outer, k, undefined).value(k)).toBeUndefined();
    expect(withValue(outer, k, null).value(k)).toBeNull();
  });

  it('CX9 a null or undefined key throws a TypeError', () => {
    expect(() => withValue(background(), null as unknown as ContextKey<number>, 1)).toThrow(TypeError);
    expect(() => withValue(background(), undefined as unknown as ContextKey<number>, 1)).toThrow(TypeError);
  });

  it('CX9 a value context follows its parent for done, err, signal and deadline', () => {
    const k = contextKey<number>('k');
    const [parent, cancel] = withTimeout(background(), FOREVER);
    const ctx = withValue(parent, k, 1);
    expect(ctx.deadline).toBe(parent.deadline);
    expect(ctx.done).toBe(parent.done);
    expect(ctx.signal).toBe(parent.signal);
    cancel();
    expect(ctx.err).toBe(parent.err);
    expect(ctx.err).toBeInstanceOf(CanceledError);
  });
});

describe('bad input', () => {
  const nil = null as unknown as Context;
  it('CX10 a null or undefined parent throws a TypeError at the call', () => {
    for (const parent of [null, undefined] as unknown as Context[]) {
      expect(() => withCancel(parent)).toThrow(TypeError);
      expect(() => withCancelCause(parent)).toThrow(TypeError);
      expect(() => withTimeout(parent, 10)).toThrow(TypeError);
      expect(() => withDeadline(parent, 10)).toThrow(TypeError);
      expect(() => withValue(parent, contextKey('k'), 1)).toThrow(TypeError);
      expect(() => withoutCancel(parent)).toThrow(TypeError);
    }
    expect(() => cause(nil)).toThrow(TypeError);
    expect(() => withCancel(nil)).toThrow(/parent context is required/);
  });

  it('CX10 a non-finite timeout or deadline throws a RangeError at the call', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => withTimeout(background(), bad)).toThrow(RangeError);
      expect(() => withDeadline(background(), bad)).toThrow(RangeError);
    }
    expect(() => withDeadline(background(), new Date(Number.NaN))).toThrow(RangeError);
    expect(() => withTimeout(background(), '10' as unknown as number)).toThrow(TypeError);
  });
});

describe('cause (Go TestCause, row by row)', () => {
  const parentCause = new Error('parentCause');
  const childCause = new Error('childCause');
  const tooSlow = new Error('tooSlow');
  const finishedEarly = new Error('finishedEarly');
  type Want = undefined | typeof CanceledError | typeof DeadlineExceededError;
  // `cause: 'err'` means Go's `cause: Canceled` / `cause: DeadlineExceeded`: the cause is ctx.err.
  const rows: { name: string; ctx: () => Context; err: Want; cause: unknown }[] = [
    { name: 'Background', ctx: background, err: undefined, cause: undefined },
    // gorx has no TODO(): background() is the one root.
    { name: 'TODO', ctx: background, err: undefined, cause: undefined },
    {
      name: 'WithCancel',
      ctx: () => {
        const [ctx, cancel] = withCancel(background());
        cancel();
        return ctx;
      },
      err: CanceledError,
      cause: 'err',
    },
    {
      name: 'WithCancelCause',
      ctx: () => {
        const [ctx, cancel] = withCancelCause(background());
        cancel(parentCause);
        return ctx;
      },
      err: CanceledError,
      cause: parentCause,
    },
    {
      name: 'WithCancelCause nil',
      ctx: () => {
        const [ctx, cancel] = withCancelCause(background());
        cancel(null);
        return ctx;
      },
      err: CanceledError,
      cause: 'err',
    },
    {
      name: 'WithCancelCause: parent cause before child',
      ctx: () => {
        const [parent, cancelParent] = withCancelCause(background());
        const [ctx, cancelChild] = withCancelCause(parent);
        cancelParent(parentCause);
        cancelChild(childCause);
        return ctx;
      },
      err: CanceledError,
      cause: parentCause,
    },
    {
      name: 'WithCancelCause: parent cause after child',
      ctx: () => {
        const [parent, cancelParent] = withCancelCause(background());
        const [ctx, cancelChild] = withCancelCause(parent);
        cancelChild(childCause);
        cancelParent(parentCause);
        return ctx;
      },
      err: CanceledError,
      cause: childCause,
    },
    {
      name: 'WithCancelCause: parent cause before nil',
      ctx: () => {
        const [parent, cancelParent] = withCancelCause(background());
        const [ctx, cancelChild] = withCancel(parent);
        cancelParent(parentCause);
        cancelChild();
        return ctx;
      },
      err: CanceledError,
      cause: parentCause,
    },
    {
      name: 'WithCancelCause: parent cause after nil',
      ctx: () => {
        const [parent, cancelParent] = withCancelCause(background());
        const [ctx, cancelChild] = withCancel(parent);
        cancelChild();
        cancelParent(parentCause);
        return ctx;
      },
      err: CanceledError,
      cause: 'err',
    },
    {
      name: 'WithCancelCause: child cause after nil',
      ctx: () => {
        const [parent, cancelParent] = withCancel(background());
        const [ctx, cancelChild] = withCancelCause(parent);
        cancelParent();
        cancelChild(childCause);
        return ctx;
      },
      err: CanceledError,
      cause: 'err',
    },
    {
      name: 'WithCancelCause: child cause before nil',
      ctx: () => {
        const [parent, cancelParent] = withCancel(background());
        const [ctx, cancelChild] = withCancelCause(parent);
        cancelChild(childCause);
        cancelParent();
        return ctx;
      },
      err: CanceledError,
      cause: childCause,
    },
    {
      name: 'WithTimeout',
      ctx: () => {
        const [ctx, cancel] = withTimeout(background(), 0);
        cancel();
        return ctx;
      },
      err: DeadlineExceededError,
      cause: 'err',
    },
    {
      name: 'WithTimeout canceled',
      ctx: () => {
        const [ctx, cancel] = withTimeout(background(), FOREVER);
        cancel();
        return ctx;
      },
      err: CanceledError,
      cause: 'err',
    },
    {
      name: 'WithTimeoutCause',
      ctx: () => {
        const [ctx, cancel] = withTimeout(background(), 0, tooSlow);
        cancel();
        return ctx;
      },
      err: DeadlineExceededError,
      cause: tooSlow,
    },
    {
      name: 'WithTimeoutCause canceled',
      ctx: () => {
        const [ctx, cancel] = withTimeout(background(), FOREVER, tooSlow);
        cancel();
        return ctx;
      },
      err: CanceledError,
      cause: 'err',
    },
    {
      name: 'WithTimeoutCause stacked',
      ctx: () => {
        const [parent, cancel] = withCancelCause(background());
        const [ctx] = withTimeout(parent, 0, tooSlow);
        cancel(finishedEarly);
        return ctx;
      },
      err: DeadlineExceededError,
      cause: tooSlow,
    },
    {
      name: 'WithTimeoutCause stacked canceled',
      ctx: () => {
        const [parent, cancel] = withCancelCause(background());
        const [ctx] = withTimeout(parent, FOREVER, tooSlow);
        cancel(finishedEarly);
        return ctx;
      },
      err: CanceledError,
      cause: finishedEarly,
    },
    {
      name: 'WithoutCancel',
      ctx: () => withoutCancel(background()),
      err: undefined,
      cause: undefined,
    },
    {
      name: 'WithoutCancel canceled',
      ctx: () => {
        const [parent, cancel] = withCancelCause(background());
        const ctx = withoutCancel(parent);
        cancel(finishedEarly);
        return ctx;
      },
      err: undefined,
      cause: undefined,
    },
    {
      name: 'WithoutCancel timeout',
      ctx: () => {
        const [parent, cancel] = withTimeout(background(), 0, tooSlow);
        const ctx = withoutCancel(parent);
        cancel();
        return ctx;
      },
      err: undefined,
      cause: undefined,
    },
  ];

  it('CX11 the table has all 20 rows of Go TestCause', () => {
    expect(rows).toHaveLength(20);
  });

  for (const row of rows) {
    it(`CX11 ${row.name}`, () => {
      const ctx = row.ctx();
      if (row.err === undefined) expect(ctx.err).toBeUndefined();
      else expect(ctx.err).toBeInstanceOf(row.err);
      if (row.err === CanceledError) expect(ctx.err).not.toBeInstanceOf(DeadlineExceededError);
      if (row.cause === 'err') expect(cause(ctx)).toBe(ctx.err);
      else expect(cause(ctx)).toBe(row.cause);
    });
  }

  it('CX11 cause is undefined before cancellation', () => {
    const [ctx, cancel] = withCancelCause(background());
    expect(cause(ctx)).toBeUndefined();
    cancel(new Error('x'));
    expect(cause(ctx)).toBeDefined();
  });

  it('CX11 ctx.err.cause holds the cause when one was given', () => {
    const why = new Error('why');
    const [ctx, cancel] = withCancelCause(background());
    cancel(why);
    expect(ctx.err?.cause).toBe(why);
    expect(ctx.err?.cause).toBe(cause(ctx));
    const [t] = withTimeout(background(), 0, why);
    expect(t.err).toBeInstanceOf(DeadlineExceededError);
    expect(t.err?.cause).toBe(why);
  });

  it('CX11 a cause that is not an Error is kept as is', () => {
    const [ctx, cancel] = withCancelCause(background());
    cancel('plain string');
    expect(cause(ctx)).toBe('plain string');
    expect(ctx.err?.cause).toBe('plain string');
  });

  it('CX11 cause reads through value contexts to the nearest cancel node', () => {
    const why = new Error('why');
    const [parent, cancel] = withCancelCause(background());
    const ctx = withValue(parent, contextKey('k'), 1);
    cancel(why);
    expect(cause(ctx)).toBe(why);
  });
});

describe('withoutCancel', () => {
  it('CX12 keeps values, is never done, and has no deadline, err or cause', () => {
    const k = contextKey<string>('key');
    const why = new Error('x');
    const [parent, cancel] = withCancelCause(withValue(background(), k, 'value'));
    const [timed] = withTimeout(parent, FOREVER);
    const ctx = withoutCancel(timed);
    cancel(why);
    expect(timed.err).toBeInstanceOf(CanceledError);
    expect(ctx.err).toBeUndefined();
    expect(cause(ctx)).toBeUndefined();
    expect(ctx.deadline).toBeUndefined();
    expect(ctx.signal.aborted).toBe(false);
    expect(ctx.done.tryRecv()).toBeUndefined();
    expect(ctx.value(k)).toBe('value');
  });

  it('CX12 a child of a withoutCancel context is not linked to the cancelled ancestor', () => {
    const [parent, cancel] = withCancel(background());
    const [child, cancelChild] = withCancel(withoutCancel(parent));
    cancel();
    expect(child.err).toBeUndefined();
    cancelChild();
    expect(child.err).toBeInstanceOf(CanceledError);
  });
});

/** A user-written context whose `done` is a gorx channel the user closes (Go's custom contexts). */
class CustomContext implements Context {
  readonly done = new Channel<never>();
  #err: ContextError | undefined;
  readonly #controller = new AbortController();
  constructor(readonly inner: Context = background()) {}
  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  get err(): ContextError | undefined {
    return this.#err;
  }
  get deadline(): number | undefined {
    return undefined;
  }
  value<T>(key: ContextKey<T>): T | undefined {
    return this.inner.value(key);
  }
  cancel(): void {
    this.#err = new CanceledError();
    this.done.close();
    this.#controller.abort(this.#err);
  }
}

describe('custom contexts', () => {
  it('CX14 a child of a custom context is cancelled once its done channel closes', () => {
    const custom = new CustomContext();
    const [child] = withCancel(custom);
    const [grandchild] = withTimeout(child, FOREVER);
    expect(child.err).toBeUndefined();
    custom.cancel();
    expect(child.err).toBeInstanceOf(CanceledError);
    expect(grandchild.err).toBeInstanceOf(CanceledError);
    expect(cause(child)).toBe(custom.err);
  });

  it('CX11 CX14 a task under a custom wrapper takes the cause of the cancel node above the wrapper', async () => {
    const why = new Error('wrapped');
    const [ctx1, cancel1] = withCancelCause(background());
    const ctx2 = new CustomContext(ctx1);
    const task = go((ctx) => ctx.done.recv(), { ctx: ctx2 });
    cancel1(why);
    expect(task.ctx.err).toBeUndefined(); // ctx2's own done has not closed yet
    ctx2.cancel();
    expect(task.ctx.err).toBeInstanceOf(CanceledError);
    expect(cause(task.ctx)).toBe(why);
    await task;
  });

  it('CX9 a value lookup through 10^5 nested cancel and task contexts walks the whole chain', () => {
    const key = contextKey<string>('k');
    const [root, cancel] = withCancel(withValue(background(), key, 'root'));
    let ctx = root;
    for (let i = 0; i < 100_000; i++) ctx = i % 2 === 0 ? withCancel(ctx)[0] : go(() => {}, { ctx }).ctx;
    expect(ctx.value(key)).toBe('root');
    expect(ctx.value(contextKey('missing'))).toBeUndefined();
    expect(cause(ctx)).toBeUndefined();
    cancel();
    expect(ctx.err).toBeInstanceOf(CanceledError);
    expect(cause(ctx)).toBe(ctx.err);
  });

  it('CX14 the cause crosses a custom wrapper (Go TestCustomContextPropagation)', () => {
    const why = new Error('TestCustomContextPropagation');
    const [ctx1, cancel1] = withCancelCause(background());
    const ctx2 = new CustomContext(ctx1);
    const [ctx3, cancel3] = withCancel(ctx2);
    cancel1(why);
    expect(ctx3.err).toBeUndefined(); // ctx2's own done has not closed yet
    ctx2.cancel();
    expect(ctx3.err).toBeInstanceOf(CanceledError);
    expect(cause(ctx3)).toBe(why);
    cancel3();
  });

  it('CX14 a child derived from an already-done custom context is done at once', () => {
    const custom = new CustomContext();
    custom.cancel();
    const [child] = withCancel(custom);
    expect(child.err).toBeInstanceOf(CanceledError);
    expect(child.done.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('CX14 a value context over a custom context propagates too', () => {
    const custom = new CustomContext();
    const [child] = withCancel(withValue(custom, contextKey('k'), 1));
    custom.cancel();
    expect(child.err).toBeInstanceOf(CanceledError);
  });

  it('CX14 cancelling the child first leaves nothing parked on the custom done channel', () => {
    const custom = new CustomContext();
    const [, cancel] = withCancel(custom);
    expect((custom.done as Channel<never>).waiting.receivers).toBe(1);
    cancel();
    expect((custom.done as Channel<never>).waiting.receivers).toBe(0);
    expect(custom.err).toBeUndefined();
  });

  it('CX14 Go TestCustomContextCause: a child cause does not reach the custom parent', () => {
    const custom = new CustomContext();
    const why = new Error('TestCustomContextCause');
    const [ctx, cancelCause] = withCancelCause(custom);
    cancelCause(why);
    expect(ctx.err).toBeInstanceOf(CanceledError);
    expect(cause(ctx)).toBe(why);
    expect(custom.err).toBeUndefined();
    expect(cause(custom)).toBeUndefined();
    custom.cancel();
    expect(cause(ctx)).toBe(why);
    expect(cause(custom)).toBe(custom.err);
  });
});
