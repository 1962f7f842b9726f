import {
  background,
  CanceledError,
  Channel,
  cause,
  DeadlineExceededError,
  type DestroyRefLike,
  fromDestroyRef,
  fromSignal,
  recv,
  select,
  sleep,
  withCancel,
  withCancelCause,
  withTimeout,
} from 'gorx';
import { describe, expect, it } from 'vitest';

function destroyRef() {
  const callbacks = new Set<() => void>();
  const ref = {
    onDestroy(cb: () => void) {
      callbacks.add(cb);
      return () => callbacks.delete(cb);
    },
    destroy() {
      for (const cb of [...callbacks]) cb();
      callbacks.clear();
    },
    callbacks,
  };
  return ref;
}

describe('ctx.signal', () => {
  it('CX16 signal.reason is ctx.err, and err.cause is cause(ctx) when a cause was given', () => {
    const why = new Error('why');
    const [ctx, cancel] = withCancelCause(background());
    const early = ctx.signal;
    cancel(why);
    expect(early.aborted).toBe(true);
    expect(early.reason).toBe(ctx.err);
    expect(ctx.signal.reason).toBe(ctx.err);
    expect(ctx.err?.cause).toBe(why);
    expect(ctx.err?.cause).toBe(cause(ctx));
  });

  it('CX16 a signal first read after cancellation is already aborted with err', () => {
    const [ctx, cancel] = withTimeout(background(), 0);
    cancel();
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe(ctx.err);
    expect(ctx.signal.reason).toBeInstanceOf(DeadlineExceededError);
  });

  it('CX16 the signal aborts synchronously, children before the cancel returns', () => {
    const [parent, cancel] = withCancel(background());
    const [child] = withCancel(parent);
    const order: string[] = [];
    child.signal.addEventListener('abort', () => order.push('child'));
    parent.signal.addEventListener('abort', () => order.push('parent'));
    cancel();
    order.push('returned');
    expect(order).toEqual(['child', 'parent', 'returned']);
  });

  it('CX16 background has a signal that never aborts', () => {
    expect(background().signal.aborted).toBe(false);
    expect(background().signal).toBe(background().signal);
  });
});

describe('fromSignal', () => {
  it('CX16 an abort maps to CanceledError with cause = reason', () => {
    const controller = new AbortController();
    const ctx = fromSignal(controller.signal);
    expect(ctx.err).toBeUndefined();
    controller.abort('bye');
    expect(ctx.err).toBeInstanceOf(CanceledError);
    expect(ctx.err?.cause).toBe('bye');
    expect(cause(ctx)).toBe('bye');
    expect(ctx.done.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('CX16 an already aborted signal gives a context done at once', () => {
    const reason = new Error('gone');
    const ctx = fromSignal(AbortSignal.abort(reason));
    expect(ctx.err).toBeInstanceOf(CanceledError);
    expect(cause(ctx)).toBe(reason);
  });

  it('CX16 a TimeoutError reason maps to DeadlineExceededError', async () => {
    const c = new AbortController();
    const ctx = fromSignal(c.signal);
    const reason = new DOMException('timed out', 'TimeoutError');
    c.abort(reason);
    expect(ctx.err).toBeInstanceOf(DeadlineExceededError);
    expect(ctx.err?.cause).toBe(reason);
    const timed = fromSignal(AbortSignal.timeout(2));
    await timed.done.recv();
    expect(timed.err).toBeInstanceOf(DeadlineExceededError);
    expect((timed.err!.cause as DOMException).name).toBe('TimeoutError');
  });

  it('CX16 a parent cancel cancels it, and a later abort changes nothing', () => {
    const [parent, cancel] = withCancel(background());
    const c = new AbortController();
    const ctx = fromSignal(c.signal, parent);
    cancel();
    const err = ctx.err;
    expect(err).toBeInstanceOf(CanceledError);
    c.abort('late');
    expect(ctx.err).toBe(err);
    expect(cause(ctx)).toBe(err);
  });

  it('CX16 a child of a signal context is cancelled with it', () => {
    const c = new AbortController();
    const [child] = withCancel(fromSignal(c.signal));
    c.abort('stop');
    expect(child.err).toBeInstanceOf(CanceledError);
    expect(cause(child)).toBe('stop');
  });

  it('CX16 bad input throws a TypeError', () => {
    expect(() => fromSignal(null as unknown as AbortSignal)).toThrow(TypeError);
  });
});

describe('AbortSignal as the cancel argument', () => {
  it('CX16 ch.recv(signal) rejects with CanceledError whose cause is the reason, and receives nothing', async () => {
    const ch = new Channel<number>();
    const c = new AbortController();
    const p = ch.recv(c.signal);
    expect(ch.waiting.receivers).toBe(1);
    c.abort('stop');
    await expect(p).rejects.toBeInstanceOf(CanceledError);
    await p.catch((e: CanceledError) => expect(e.cause).toBe('stop'));
    expect(ch.waiting.receivers).toBe(0);
    expect(ch.trySend(1)).toBe(false);
  });

  it('CX16 an already aborted signal rejects at once without parking', async () => {
    const ch = new Channel<number>(1);
    ch.trySend(7);
    await expect(ch.recv(AbortSignal.abort('no'))).rejects.toBeInstanceOf(CanceledError);
    expect(ch.length).toBe(1);
  });

  it('CX16 AbortSignal.timeout as cancel rejects with DeadlineExceededError', async () => {
    await expect(new Channel<number>().recv(AbortSignal.timeout(2))).rejects.toBeInstanceOf(
      DeadlineExceededError,
    );
    await expect(sleep(10_000, AbortSignal.timeout(2))).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  it('CX16 one signal reused for many waits cancels them all', async () => {
    const c = new AbortController();
    const chans = [new Channel<number>(), new Channel<number>(), new Channel<number>()] as const;
    const waits = [
      chans[0].recv(c.signal),
      chans[1].send(1, c.signal),
      select({ a: recv(chans[2]) }, c.signal),
    ];
    c.abort();
    const results = await Promise.allSettled(waits);
    for (const r of results) expect(r.status === 'rejected' && r.reason instanceof CanceledError).toBe(true);
    for (const ch of chans) expect(ch.waiting).toEqual({ senders: 0, receivers: 0 });
  });
});

describe('fromDestroyRef', () => {
  it('CX16 the context is cancelled when the ref is destroyed', () => {
    const ref = destroyRef();
    const ctx = fromDestroyRef(ref);
    expect(ctx.err).toBeUndefined();
    expect(ref.callbacks.size).toBe(1);
    ref.destroy();
    expect(ctx.err).toBeInstanceOf(CanceledError);
    expect(ctx.signal.aborted).toBe(true);
  });

  it('CX16 a ref already destroyed (onDestroy throws) gives a cancelled context', () => {
    const ref: DestroyRefLike = {
      onDestroy() {
        throw new Error('NG0911: View has already been destroyed.');
      },
    };
    const ctx = fromDestroyRef(ref);
    expect(ctx.err).toBeInstanceOf(CanceledError);
  });

  it('CX16 a ref that reports destroyed gives a cancelled context without registering', () => {
    let registered = 0;
    const ctx = fromDestroyRef({ destroyed: true, onDestroy: () => registered++ } as DestroyRefLike);
    expect(ctx.err).toBeInstanceOf(CanceledError);
    expect(registered).toBe(0);
  });

  it('CX16 a ref whose onDestroy returns nothing works too', () => {
    const callbacks: (() => void)[] = [];
    const ctx = fromDestroyRef({ onDestroy: (cb) => void callbacks.push(cb) });
    for (const cb of callbacks) cb();
    expect(ctx.err).toBeInstanceOf(CanceledError);
  });

  it('CX16 cancellation through the parent unregisters from the ref', () => {
    const ref = destroyRef();
    const [parent, cancel] = withCancel(background());
    const ctx = fromDestroyRef(ref, parent);
    expect(ref.callbacks.size).toBe(1);
    cancel();
    expect(ctx.err).toBeInstanceOf(CanceledError);
    expect(ref.callbacks.size).toBe(0);
  });

  it('CX16 bad input throws a TypeError', () => {
    expect(() => fromDestroyRef(null as unknown as DestroyRefLike)).toThrow(TypeError);
    expect(() => fromDestroyRef({} as DestroyRefLike)).toThrow(TypeError);
  });
});
