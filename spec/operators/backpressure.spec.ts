import {
  BufferOverflowError,
  Channel,
  go,
  type Overflow,
  produce,
  type ReceiveChannel,
  sendTo,
  toChannel,
  workerPool,
} from 'gorx';
import { lastValueFrom, of, range, Subject, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { capture, collector, flush, heapUsed } from '../helpers/async.js';
import { GORX_STRESS } from '../helpers/env.js';

const STRESS = GORX_STRESS !== undefined;

function drain<T>(ch: ReceiveChannel<T>): { values: T[]; error: unknown } {
  const values: T[] = [];
  try {
    for (let r = ch.tryRecv(); r?.ok; r = ch.tryRecv()) values.push(r.value);
  } catch (error) {
    return { values, error };
  }
  return { values, error: undefined };
}

describe('backpressure', () => {
  it('PT3 a producer sending 10^5 values through capacity 8 into workerPool(4) stays within 8 + 4 + 1', async () => {
    const N = 100_000;
    const ch = new Channel<number>(8);
    let sent = 0;
    let finished = 0;
    let max = 0;
    const check = () => {
      max = Math.max(max, sent - finished);
    };
    const producer = go(async () => {
      for (let i = 0; i < N; i++) {
        sent++;
        check();
        await ch.send(i);
      }
      ch.close();
    });
    let sum = 0;
    const slowWork = async (v: number) => {
      check();
      if (v % 4 === 0) await flush(1);
      return v;
    };
    await new Promise<void>((resolve, reject) =>
      ch.pipe(workerPool(4, slowWork)).subscribe({
        next: (v) => {
          finished++;
          sum += v;
          check();
        },
        error: reject,
        complete: resolve,
      }),
    );
    await producer;
    expect(finished).toBe(N);
    expect(sum).toBe((N * (N - 1)) / 2);
    expect(max).toBeLessThanOrEqual(8 + 4 + 1);
    expect(max).toBeGreaterThan(8);
  });

  it('PT1 produce → workerPool → sendTo → workerPool keeps in flight ≤ Σ capacities + Σ concurrency + stages, heap flat', async () => {
    const N = STRESS ? 1_000_000 : 20_000;
    const gc = collector();
    let generated = 0;
    let consumed = 0;
    let max = 0;
    const check = () => {
      max = Math.max(max, generated - consumed);
    };
    // stage 1: a generator task into capacity 4; stage 2: workerPool(3) → channel(4);
    // stage 3: workerPool(2) with slow work, observed by the consumer.
    const numbers = produce<number>(
      async (out, ctx) => {
        for (let i = 0; i < N; i++) {
          generated++;
          check();
          await out.send(i, ctx);
        }
      },
      { capacity: 4 },
    );
    const doubled = new Channel<number>(4);
    numbers
      .pipe(
        workerPool(3, async (v: number) => v * 2),
        sendTo(doubled),
      )
      .subscribe();
    const heap: number[] = [];
    let sum = 0;
    const slow = async (v: number) => {
      if (v % 32 === 0) await flush(1);
      return v + 1;
    };
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) =>
      doubled.pipe(workerPool(2, slow)).subscribe({
        next: (v) => {
          consumed++;
          sum += v;
          check();
          if (consumed % (N / 10) === 0) {
            gc();
            heap.push(heapUsed());
          }
        },
        error: reject,
        complete: resolve,
      }),
    );
    const ms = performance.now() - t0;
    expect(consumed).toBe(N);
    expect(sum).toBe(N * (N - 1) + N);
    const bound = 4 + 4 + (3 + 2) + 3;
    expect(max).toBeLessThanOrEqual(bound);
    const growth = heap[heap.length - 1]! - heap[1]!;
    if (STRESS) {
      console.log(
        `pipeline of ${N} in ${ms.toFixed(0)} ms: max in flight ${max} (bound ${bound}); heap after gc ${heap.map((h) => (h / 2 ** 20).toFixed(2)).join(' ')} MiB`,
      );
    }
    expect(Math.abs(growth)).toBeLessThan(4 * 2 ** 20);
  }, 120_000);

  it('CH3 an infinite generator bridged by toChannel is pulled at most capacity + 1 ahead', async () => {
    let pulled = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const ch = toChannel(naturals(), { capacity: 4 });
    expect(pulled).toBe(5);
    expect(ch.length).toBe(4);
    for (let k = 1; k <= 100; k++) {
      const r = await ch.recv();
      expect(r.value).toBe(k - 1);
      expect(pulled - k).toBeLessThanOrEqual(4 + 1);
    }
    let ahead = 0;
    const ranged = await lastValueFrom(ch.pipe(take(1000), toArray()));
    ahead = pulled - 100 - ranged.length;
    expect(ranged[0]).toBe(100);
    expect(ahead).toBeLessThanOrEqual(4 + 1);
  });

  it('CH3 an async generator is pulled one next() at a time, at most capacity + 1 ahead, and returned on ctx end', async () => {
    let pulled = 0;
    let returned = false;
    async function* naturals() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      } finally {
        returned = true;
      }
    }
    const { withCancel, background } = await import('gorx');
    const [ctx, cancel] = withCancel(background());
    const ch = toChannel(naturals(), { capacity: 2, ctx });
    await flush(1);
    expect(pulled).toBe(3);
    for (let k = 1; k <= 50; k++) {
      expect((await ch.recv()).value).toBe(k - 1);
      await flush(1);
      expect(pulled - k).toBeLessThanOrEqual(2 + 1);
    }
    cancel();
    await flush(1);
    expect(returned).toBe(true);
    // the buffered values and the one in hand stay receivable; then the close error.
    expect(drain(ch)).toEqual({ values: [50, 51, 52], error: ctx.err });
  });

  it('RX5 a generator whose clean-up throws when released early reports the error instead of losing it', async () => {
    const boom = new Error('clean-up failed');
    function* naturals() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the clean-up failing is what is tested
        throw boom;
      }
    }
    async function* later() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the clean-up failing is what is tested
        throw boom;
      }
    }
    const { withCancel, background } = await import('gorx');
    const uncaught = capture('uncaughtException');
    try {
      for (const source of [naturals(), later()]) {
        const [ctx, cancel] = withCancel(background());
        const ch = toChannel<number>(source, { capacity: 2, ctx });
        expect((await ch.recv()).value).toBe(0);
        cancel();
        await flush(5);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(uncaught.seen).toEqual([boom, boom]);
    } finally {
      uncaught.restore();
    }
  });

  const N = 100;
  const expectations: [Overflow, number[]][] = [
    ['drop-newest', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['drop-oldest', [90, 91, 92, 93, 94, 95, 96, 97, 98, 99]],
    ['unbounded', Array.from({ length: N }, (_, i) => i)],
    ['error', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
  ];
  for (const [overflow, delivered] of expectations) {
    it(`CH19 a push source of ${N} values into capacity 10 with '${overflow}' delivers exactly ${delivered.length}`, () => {
      const source = new Subject<number>();
      const ch = toChannel(source, { capacity: 10, overflow });
      for (let i = 0; i < N; i++) source.next(i);
      source.complete();
      const { values, error } = drain(ch);
      expect(values).toEqual(delivered);
      if (overflow === 'error') {
        expect(error).toBeInstanceOf(BufferOverflowError);
        expect((error as BufferOverflowError).value).toBe(10);
        expect(source.observed).toBe(false);
      } else {
        expect(error).toBeUndefined();
        expect(ch.tryRecv()).toEqual({ value: undefined, ok: false });
      }
    });
  }

  it("CH19 with capacity 0, 'unbounded' keeps every pushed value and 'drop-oldest' drops each one", () => {
    const kept = new Subject<number>();
    const unbounded = toChannel(kept, { capacity: 0, overflow: 'unbounded' });
    const dropped = new Subject<number>();
    const dropOldest = toChannel(dropped, { capacity: 0, overflow: 'drop-oldest' });
    for (let i = 0; i < 3; i++) {
      kept.next(i);
      dropped.next(i);
    }
    kept.complete();
    dropped.complete();
    expect(unbounded.capacity).toBe(0);
    expect(drain(unbounded)).toEqual({ values: [0, 1, 2], error: undefined });
    expect(drain(dropOldest)).toEqual({ values: [], error: undefined });
  });

  it('CH19 a waiting receiver takes a pushed value before any overflow applies', async () => {
    const source = new Subject<number>();
    const ch = toChannel(source, { capacity: 1, overflow: 'drop-newest' });
    const first = ch.recv();
    source.next(1); // handed to the waiting receiver
    source.next(2); // buffered
    source.next(3); // dropped
    source.complete();
    expect((await first).value).toBe(1);
    expect(drain(ch).values).toEqual([2]);
  });

  it('G4 sendTo forwards a synchronous source of 10^6 values in constant stack', () => {
    const ch = new Channel<number>(0);
    let received = 0;
    ch.subscribe(() => received++);
    let mirrored = 0;
    range(0, 1_000_000)
      .pipe(sendTo(ch))
      .subscribe(() => mirrored++);
    expect(mirrored).toBe(1_000_000);
    expect(received).toBe(1_000_000);
  });

  it('G4 sendTo pulls a gorx bridge of a 10^6-value generator in constant stack', () => {
    function* values() {
      for (let i = 0; i < 1_000_000; i++) yield i;
    }
    const out = new Channel<number>(16);
    let received = 0;
    out.subscribe(() => received++);
    let done = false;
    toChannel(values(), { capacity: 0 })
      .pipe(sendTo(out))
      .subscribe({ complete: () => (done = true) });
    expect(received).toBe(1_000_000);
    expect(done).toBe(true);
  });

  it('G4 workerPool over a synchronous source of 10^6 values with synchronous inners runs in constant stack', () => {
    let count = 0;
    range(0, 1_000_000)
      .pipe(workerPool(2, (v) => of(v)))
      .subscribe(() => count++);
    expect(count).toBe(1_000_000);
  });
});
