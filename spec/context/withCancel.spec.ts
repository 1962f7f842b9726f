import {
  background,
  CanceledError,
  Channel,
  type Context,
  type ContextKey,
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
import { describe, expect, it } from 'vitest';
import { capture, rng } from '../helpers/async.js';

/** The contexts (and other waiters) parked on a context's `done`: its live children, read through a cast. */
function children(ctx: Context): number {
  return (ctx.done as unknown as { waiting: { receivers: number } }).waiting.receivers;
}

function isDone(ctx: Context): boolean {
  return ctx.done.tryRecv() !== undefined;
}

/** A wrapper that hides the gorx type of the context it delegates to (Go's otherContext). */
class OtherContext implements Context {
  constructor(readonly inner: Context) {}
  get done() {
    return this.inner.done;
  }
  get signal() {
    return this.inner.signal;
  }
  get err() {
    return this.inner.err;
  }
  get deadline() {
    return this.inner.deadline;
  }
  value<T>(key: ContextKey<T>): T | undefined {
    return this.inner.value(key);
  }
}

describe('withCancel', () => {
  it('CX2 cancel closes done, sets err and aborts signal, in the same turn', () => {
    const [ctx, cancel] = withCancel(background());
    const signal = ctx.signal;
    expect(ctx.err).toBeUndefined();
    expect(isDone(ctx)).toBe(false);
    cancel();
    expect(ctx.err).toBeInstanceOf(CanceledError);
    expect(ctx.err?.message).toBe('context canceled');
    expect(ctx.done.tryRecv()).toEqual({ value: undefined, ok: false });
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(ctx.err);
  });

  it('CX2 cancel is idempotent: err keeps its identity', () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    const err = ctx.err;
    cancel();
    cancel();
    expect(ctx.err).toBe(err);
  });

  it('CX2 propagation to children and grandchildren is synchronous (Go TestWithCancel)', () => {
    const [c1, cancel] = withCancel(background());
    const o = new OtherContext(c1);
    const [c2] = withCancel(o);
    const c3 = new OtherContext(c2);
    const [c4] = withTimeout(c3, 1e9);
    const all = [c1, o, c2, c3, c4];
    for (const c of all) expect(isDone(c)).toBe(false);
    cancel();
    for (const c of all) {
      expect(isDone(c)).toBe(true);
      expect(c.err).toBeInstanceOf(CanceledError);
    }
  });

  it('CX2 CX14 a custom parent whose value() throws: the throw is reported, and every later propagation is whole', async () => {
    const uncaught = capture('uncaughtException');
    try {
      const boom = new Error('value() throws');
      const done = new Channel<never>();
      let err: CanceledError | undefined;
      const custom = {
        done,
        get err() {
          return err;
        },
        signal: new AbortController().signal,
        deadline: undefined,
        value(): never {
          throw boom;
        },
      } as unknown as Context;
      const [child] = withCancel(custom);
      err = new CanceledError();
      done.close(); // the child's guard reads the parent's cause, and value() throws
      expect(child.err).toBeInstanceOf(CanceledError);
      for (const depth of [10, 40, 1000]) {
        const [root, cancel] = withCancel(background());
        let leaf: Context = root;
        for (let i = 0; i < depth; i++) [leaf] = withCancel(leaf);
        cancel();
        expect(leaf.err).toBeInstanceOf(CanceledError);
      }
      for (let i = 0; i < 20 && uncaught.seen.length === 0; i++) await sleep(2);
      expect(uncaught.seen).toEqual([boom]);
    } finally {
      uncaught.restore();
    }
  });

  it('CX2 a wait that is parked on done wakes when the context is cancelled', async () => {
    const [ctx, cancel] = withCancel(background());
    const [child] = withCancel(ctx);
    const woken = child.done.recv();
    cancel();
    await expect(woken).resolves.toEqual({ value: undefined, ok: false });
  });

  it('CX3 cancellation goes down, never up (Go TestChildFinishesFirst)', () => {
    for (const make of [
      () => withCancel(background()),
      () => withTimeout(background(), 1e9),
      () => withCancelCause(background()) as [Context, () => void],
    ]) {
      const [parent, cancelParent] = make();
      const [child, cancelChild] = withCancel(parent);
      expect(children(parent)).toBe(1);
      cancelChild();
      expect(child.err).toBeInstanceOf(CanceledError);
      expect(parent.err).toBeUndefined();
      expect(isDone(parent)).toBe(false);
      expect(children(parent)).toBe(0);
      cancelParent();
      expect(parent.err).toBeInstanceOf(CanceledError);
    }
  });

  it('CX3 a parent cancel reaches the whole subtree and clears every children set (Go TestParentFinishesChild)', () => {
    const [parent, cancel] = withCancel(background());
    const [cancelChild] = withCancel(parent);
    const [timerChild] = withTimeout(parent, 1e9);
    const [valueChild] = withCancel(withValue(parent, contextKey('k'), 1));
    const [grandchild] = withCancel(cancelChild);
    expect(children(parent)).toBe(3);
    expect(children(cancelChild)).toBe(1);
    cancel();
    for (const c of [parent, cancelChild, timerChild, valueChild, grandchild]) {
      expect(c.err).toBeInstanceOf(CanceledError);
      expect(children(c)).toBe(0);
    }
  });

  it('CX3 10^5 short-lived children of one long-lived parent leave nothing behind (Go TestCancelRemoves)', () => {
    const [parent, cancelParent] = withCancel(background());
    const k = contextKey<number>('k');
    for (let i = 0; i < 100_000; i++) {
      const [child, cancel] = i % 3 === 0 ? withTimeout(parent, 1e9) : withCancel(withValue(parent, k, i));
      if (i % 1000 === 0) expect(children(parent)).toBe(1);
      cancel();
      if (child.err === undefined) throw new Error('child not cancelled');
    }
    expect(children(parent)).toBe(0);
    cancelParent();
  });

  it('CX3 a task child is unlinked from its parent when the task ends', async () => {
    // A task's context waits on its parent's done, as a context of another kind does (CX14).
    const followers = (ctx: Context) =>
      (ctx.done as unknown as { waiting: { receivers: number } }).waiting.receivers;
    const [parent, cancel] = withCancel(background());
    const tasks = [];
    for (let i = 0; i < 100; i++) tasks.push(go(() => i, { ctx: parent }));
    expect(followers(parent)).toBe(100);
    await Promise.all(tasks);
    expect(followers(parent)).toBe(0);
    expect(parent.err).toBeUndefined();
    cancel();
  });

  it('CX4 a child of a cancelled parent is done at construction, with its err and cause', () => {
    const why = new Error('Because!');
    const [parent, cancel] = withCancelCause(background());
    cancel(why);
    const [child] = withCancel(parent);
    expect(isDone(child)).toBe(true);
    expect(child.err).toBeInstanceOf(CanceledError);
    expect(cause(child)).toBe(why);
    expect(child.signal.aborted).toBe(true);
    expect(children(parent)).toBe(0);
    const [timed] = withTimeout(parent, 1e9);
    expect(timed.err).toBeInstanceOf(CanceledError);
    expect(cause(timed)).toBe(why);
  });

  it('CX4 a parent cancelled by another task while a child is made (x100)', async () => {
    for (let i = 0; i < 100; i++) {
      const why = new Error('Because!');
      const [parent, cancel] = withCancelCause(background());
      const canceller = go(() => cancel(why));
      const [child] = withCancel(parent);
      await child.done.recv();
      expect(child.err).toBeInstanceOf(CanceledError);
      expect(cause(child)).toBe(why);
      await canceller;
    }
  });

  it('CX5 the first cancellation wins: a deadline then a cancel keeps DeadlineExceeded', async () => {
    const [ctx, cancel] = withTimeout(background(), 5);
    await ctx.done.recv();
    const err = ctx.err;
    expect(err).toBeInstanceOf(DeadlineExceededError);
    cancel();
    expect(ctx.err).toBe(err);
  });

  it('CX5 a cancel then a parent cancel with a cause keeps the first err and cause', () => {
    const [parent, cancelParent] = withCancelCause(background());
    const [ctx, cancel] = withCancelCause(parent);
    const first = new Error('first');
    cancel(first);
    const err = ctx.err;
    cancelParent(new Error('second'));
    expect(ctx.err).toBe(err);
    expect(cause(ctx)).toBe(first);
    expect(ctx.signal.reason).toBe(err);
  });

  it('CX5 err is undefined until done', () => {
    const [ctx, cancel] = withCancel(background());
    expect(ctx.err).toBeUndefined();
    expect(ctx.signal.aborted).toBe(false);
    cancel();
    expect(ctx.err).toBeDefined();
  });
});

describe('stress (Go x_test.go)', () => {
  it('CX15 a tree of 100 contexts cancelled in random order is all done (TestSimultaneousCancels)', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rand = rng(seed);
      const nodes: [Context, () => void][] = [withCancel(background())];
      for (let i = 1; i < 100; i++) {
        const [parent] = nodes[rand(nodes.length)]!;
        const kind = rand(3);
        nodes.push(
          kind === 0
            ? withCancel(parent)
            : kind === 1
              ? withTimeout(parent, 1e9)
              : withCancel(withValue(parent, contextKey('v'), i)),
        );
      }
      const order = nodes.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rand(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      // Every cancel runs in its own task, concurrently with the others.
      const cancellers = order.map((i) => go(() => nodes[i]![1]()));
      await Promise.all(nodes.map(([ctx]) => ctx.done.recv()));
      await Promise.all(cancellers);
      for (const [ctx] of nodes) {
        expect(ctx.err).toBeInstanceOf(CanceledError);
        expect(children(ctx)).toBe(0);
      }
    }
  });

  it('CX15 a child cancelled from a task woken by its parent (TestInterlockedCancels)', async () => {
    const [parent, cancelParent] = withCancel(background());
    const [child, cancelChild] = withCancel(parent);
    const t = go(async () => {
      await parent.done.recv();
      cancelChild();
    });
    cancelParent();
    await child.done.recv();
    await t;
    expect(child.err).toBeInstanceOf(CanceledError);
  });

  type Layers = { ctx: Context; vals: ContextKey<ContextKey<unknown>>[]; cancels: (() => void)[] };

  function layers(seed: number, timeout: number): Layers {
    const rand = rng(seed);
    const vals: ContextKey<ContextKey<unknown>>[] = [];
    const cancels: (() => void)[] = [];
    let timers = 0;
    let ctx = background();
    for (let i = 0; i < 30 || timers === 0 || cancels.length === 0 || vals.length === 0; i++) {
      switch (rand(3)) {
        case 0: {
          const k = contextKey<ContextKey<unknown>>(`v${i}`);
          ctx = withValue(ctx, k, k);
          vals.push(k);
          break;
        }
        case 1: {
          const [c, cancel] = withCancel(ctx);
          ctx = c;
          cancels.push(cancel);
          break;
        }
        default: {
          const [c, cancel] = withTimeout(ctx, timeout);
          ctx = c;
          cancels.push(cancel);
          timers++;
        }
      }
    }
    return { ctx, vals, cancels };
  }

  function checkValues({ ctx, vals }: Layers): void {
    for (const k of vals) if (ctx.value(k) !== k) throw new Error(`value of ${k.name} lost`);
  }

  it('CX15 30+ random layers keep their values after a random cancel (TestLayersCancel, seeded)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const l = layers(seed, 1e9);
      expect(isDone(l.ctx)).toBe(false);
      checkValues(l);
      l.cancels[rng(seed * 7)(l.cancels.length)]!();
      expect(isDone(l.ctx)).toBe(true);
      expect(l.ctx.err).toBeInstanceOf(CanceledError);
      checkValues(l);
      for (const cancel of l.cancels) cancel();
    }
  });

  it('CX15 30+ random layers time out and keep their values (TestLayersTimeout, seeded)', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const l = layers(seed, 2);
      checkValues(l);
      await l.ctx.done.recv();
      expect(l.ctx.err).toBeInstanceOf(DeadlineExceededError);
      checkValues(l);
      for (const cancel of l.cancels) cancel();
    }
  });
});
