// Atomic cancellation under stress, in the shape of kotlinx.coroutines'
// ChannelAtomicCancelStressTest: a sender and a receiver loop over one channel while a third task
// cancels their pending operations at random moments. A cancelled operation must not have
// happened, a completed one must not be cancelled: the receiver sees 1, 2, 3, … with no gap and
// no repeat. Every cancellable face takes part: AbortSignal, Context, an explicit select on
// ctx.done, and unsubscribing an Observable. Seeded, so a failure reproduces.
import { background, Channel, recv, select, send, withCancel } from 'gorx';
import { snapshotLive } from 'gorx/testing';
import type { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { flush, inspect, rng } from '../channel/helpers.js';
import { STRESS_SCALE } from '../helpers/env.js';

const SCALE = STRESS_SCALE;

const CANCELED: unique symbol = Symbol('canceled');
const CLOSED: unique symbol = Symbol('closed');
type Result<T> = { value: T } | typeof CANCELED | typeof CLOSED;

interface Op<T> {
  readonly result: Promise<Result<T>>;
  cancel(): void;
}

// Style 0 (AbortSignal) is drawn less often: a listener on an AbortSignal costs tens of
// microseconds in Node 20, which would dominate the run time.
const STYLES = [0, 1, 1, 2, 2, 3, 3, 3];

function isCanceled(e: unknown): boolean {
  return e instanceof Error && e.name === 'CanceledError';
}

/** A cancellable operation through one of the faces, chosen by `style`. */
function start<T>(
  style: number,
  promise: (cancel: AbortSignal | ReturnType<typeof withCancel>[0]) => Promise<Result<T>>,
  selectOp: (done: ReturnType<typeof withCancel>[0]) => Promise<Result<T>>,
  observable: () => Observable<T>,
  emptyIsClosed: boolean,
): Op<T> {
  const onError = (e: unknown): Result<T> => {
    if (isCanceled(e)) return CANCELED;
    throw e;
  };
  switch (style) {
    case 0: {
      const ac = new AbortController();
      return { result: promise(ac.signal).catch(onError), cancel: () => ac.abort() };
    }
    case 1: {
      const [ctx, cancel] = withCancel(background());
      return { result: promise(ctx).catch(onError), cancel };
    }
    case 2: {
      const [ctx, cancel] = withCancel(background());
      return { result: selectOp(ctx), cancel };
    }
    default: {
      let cancel!: () => void;
      const result = new Promise<Result<T>>((resolve, reject) => {
        let settled = false;
        const sub = observable().subscribe({
          next: (value) => {
            settled = true;
            resolve({ value });
          },
          complete: () => {
            if (!settled) resolve(emptyIsClosed ? CLOSED : { value: undefined as T });
          },
          error: reject,
        });
        cancel = () => {
          sub.unsubscribe();
          resolve(CANCELED);
        };
      });
      return { result, cancel };
    }
  }
}

async function run(capacity: number, n: number, seed: number) {
  const ch = new Channel<number>(capacity);
  const rand = rng(seed);

  /** Schedules, for about half the operations, a cancellation a few microtasks later. */
  const maybeCancel = (op: Op<unknown>): void => {
    if (rand(2) === 0) return;
    cancels++;
    const delay = rand(8);
    if (delay === 7 && rand(16) === 0) void flush(1).then(op.cancel);
    else
      void (async () => {
        for (let i = delay; i > 0; i--) await null;
        op.cancel();
      })();
  };
  let lastSent = 0;
  let lastReceived = 0;
  let duplicates = 0;
  let missing = 0;
  let cancels = 0;
  let canceled = 0;
  let ops = 0;

  const sender = (async () => {
    while (lastSent < n) {
      for (let i = rand(4); i > 0; i--) await null;
      const v = lastSent + 1;
      const op = start<void>(
        STYLES[rand(STYLES.length)]!,
        (c) => ch.send(v, c).then(() => ({ value: undefined })),
        async (ctx) => {
          const r = await select({ s: send(ch, v), done: recv(ctx.done) });
          return r.case === 's' ? { value: undefined } : CANCELED;
        },
        () => ch.send$(v),
        false,
      );
      maybeCancel(op);
      const r = await op.result;
      ops++;
      if (r !== CANCELED) lastSent = v;
      else canceled++;
    }
    ch.close();
  })();

  const receiver = (async () => {
    for (;;) {
      for (let i = rand(4); i > 0; i--) await null;
      const op = start<number>(
        STYLES[rand(STYLES.length)]!,
        (c) => ch.recv(c).then((r) => (r.ok ? { value: r.value } : CLOSED)),
        async (ctx) => {
          const r = await select({ r: recv(ch), done: recv(ctx.done) });
          if (r.case === 'done') return CANCELED;
          return r.ok ? { value: r.value } : CLOSED;
        },
        () => ch.recv$(),
        true,
      );
      maybeCancel(op);
      const r = await op.result;
      ops++;
      if (r === CANCELED) {
        canceled++;
        continue;
      }
      if (r === CLOSED) break;
      if (r.value <= lastReceived) duplicates++;
      else missing += r.value - lastReceived - 1;
      lastReceived = Math.max(lastReceived, r.value);
    }
  })();

  await Promise.all([sender, receiver]);
  return {
    duplicates,
    missing,
    lastReceived,
    lastSent,
    cancels,
    canceled,
    ops,
    waiting: inspect(ch),
  };
}

describe('cancellation stress', () => {
  it('G5 no value is lost or duplicated under random cancellation (10^5 operations)', async () => {
    const base = snapshotLive().parked;
    let totalOps = 0;
    let totalCancels = 0;
    let totalCanceled = 0;
    for (const [capacity, seed] of [
      [0, 1],
      [1, 2],
      [4, 3],
      [0, 4],
    ] as const) {
      const n = 13_000 * SCALE;
      const r = await run(capacity, n, seed);
      expect({ capacity, duplicates: r.duplicates, missing: r.missing }).toEqual({
        capacity,
        duplicates: 0,
        missing: 0,
      });
      expect(r.lastReceived).toBe(n);
      expect(r.lastSent).toBe(n);
      expect(r.waiting.waiting).toEqual({ senders: 0, receivers: 0 });
      r.waiting.checkInvariants();
      totalOps += r.ops;
      totalCancels += r.cancels;
      totalCanceled += r.canceled;
    }
    expect(totalOps).toBeGreaterThanOrEqual(100_000 * SCALE);
    expect(totalCancels).toBeGreaterThan(1000);
    // Enough cancellations really withdrew a pending operation (the rest lost to a commit).
    expect(totalCanceled).toBeGreaterThan(1000);
    expect(snapshotLive().parked).toBe(base);
  });
});
