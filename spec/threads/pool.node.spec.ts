import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import {
  BufferOverflowError,
  background,
  CanceledError,
  Channel,
  ClosedChannelError,
  DeadlineExceededError,
  NegativeCounterError,
  UnlockError,
  withCancel,
  withCancelCause,
  withTimeout,
  withValue,
  workerPool,
} from 'gorx';
import { synctest, verifyNoLeaks } from 'gorx/testing';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerExitError } from '../../lib/threads/errors.js';
import { type ThreadPool, type ThreadPoolOptions, threadPool } from '../../lib/threads/threadPool.js';
import { transfer, WIRE } from '../../lib/threads/wire.js';
import { capture, flush, track } from '../helpers/async.js';
import { closeAll } from './channel-helpers.js';
import { expireOnTheWay, pastTheWords, wordsPastARefusedTask } from './pool-cases.js';
import { ParseError, QuotaError, registerClasses, TenantGone, unreadable } from './workers/classes.js';
import { localTenant, replies, tenant, trace } from './workers/keys.js';
import { useWorkerFile } from './workers/use.js';

registerClasses();

const workerUrl = useWorkerFile('pool.worker.ts');

/** A pool whose threads the test can see (and kill); closed after the test. */
const pools: ThreadPool[] = [];
function tracked(opts?: ThreadPoolOptions) {
  const workers: Worker[] = [];
  const exited: Worker[] = [];
  const pool = threadPool(() => {
    const w = new Worker(workerUrl());
    w.on('exit', () => exited.push(w));
    workers.push(w);
    return w;
  }, opts);
  pools.push(pool);
  return { pool, workers, exited };
}
afterEach(async () => {
  await closeAll(pools);
});

const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));

describe('threadPool', () => {
  let shared: ReturnType<typeof tracked>;
  beforeAll(() => {
    shared = tracked({ size: 2 });
    pools.pop(); // kept for the whole file
  });
  afterAll(() => shared.pool.close());

  it('D2 pool.go runs a handler on another thread: a Task with a name and a context, resolving with the result', async () => {
    const { pool } = shared;
    expect(pool.size).toBe(2);
    const task = pool.go<number>('fib', [20]);
    expect(task.name).toBe('fib');
    expect(task.ctx.err).toBeUndefined();
    expect(await task).toBe(6765);
    expect(task.ctx.err).toBeInstanceOf(CanceledError); // the task ended, as with go()
    expect(await pool.go('args', [1, 'two', { three: 3 }])).toBe(3); // the context comes last
    expect(await pool.go('echo', [{ a: [1, 2], m: new Map([[1, 'x']]) }])).toEqual({
      a: [1, 2],
      m: new Map([[1, 'x']]),
    });
    expect(await pool.go('thread', [])).not.toBe(0);
  });

  it('D2 tasks go to the least-loaded thread, so every thread gets work', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => shared.pool.go<number>('thread', [])));
    expect(new Set(ids).size).toBe(2);
  });

  it('D2 workerPool(2, pool.fn("fib")) computes every result on the pool', async () => {
    const ns = Array.from({ length: 40 }, (_, i) => i % 22);
    const got = await lastValueFrom(
      from(ns).pipe(workerPool(2, shared.pool.fn<number, number>('fib'), { ordered: true }), toArray()),
    );
    expect(got).toEqual(ns.map(fib));
  });

  const thrown = [
    ['ClosedChannelError', ClosedChannelError, 'close of closed channel'],
    ['CanceledError', CanceledError, 'context canceled'],
    ['DeadlineExceededError', DeadlineExceededError, 'context deadline exceeded'],
    ['NegativeCounterError', NegativeCounterError, 'sync: negative WaitGroup counter'],
    ['UnlockError', UnlockError, 'sync: unlock of unlocked mutex'],
    ['BufferOverflowError', BufferOverflowError, 'buffer overflow: capacity 16 exceeded'],
    ['WorkerExitError', WorkerExitError, 'worker exited with code 3'],
    ['QuotaError', QuotaError, 'quota of 5 exceeded'],
    ['ParseError', ParseError, 'unexpected end'],
    ['TenantGone', TenantGone, 'context canceled'],
    ['TypeError', TypeError, 'not a function'],
    ['RangeError', RangeError, 'out of range'],
    ['AggregateError', AggregateError, 'several'],
    ['AbortError', DOMException, 'stopped'],
    ['TimeoutError', DOMException, 'timed out'],
  ] as const;

  for (const handler of ['fail', 'failAsync']) {
    it(`E1 an error a handler throws (${handler}) reaches the caller as its own class`, async () => {
      for (const [kind, cls, message] of thrown) {
        const err = (await shared.pool.go(handler, [kind]).then(
          () => undefined,
          (e: unknown) => e,
        )) as Error & { remote?: boolean };
        expect(err, kind).toBeInstanceOf(cls);
        expect(err.message, kind).toBe(message);
        expect(err.remote, kind).toBe(true);
        expect(err.stack, kind).toContain(
          kind === 'AbortError' || kind === 'TimeoutError' ? '' : 'pool.worker',
        );
      }
    });
  }

  it('E1 a registered subclass of a gorx error arrives as itself and as the gorx class, with its own properties', async () => {
    const err = (await shared.pool.go('fail', ['TenantGone']).then(undefined, (e) => e)) as TenantGone;
    expect([err instanceof TenantGone, err instanceof CanceledError, err.tenant]).toEqual([
      true,
      true,
      'acme',
    ]);
  });

  it('E1 R2 an error whose name cannot be read, thrown by a handler or given as a cancellation cause, still crosses; the thread goes on', async () => {
    const { pool, exited } = tracked({ size: 1, terminateAfter: 300 });
    const err = (await pool.go('fail', ['unreadable']).then(undefined, (e) => e)) as Error;
    expect([err instanceof Error, err.message]).toEqual([true, 'cannot name it']);
    const [ctx, cancel] = withCancelCause(background());
    const task = pool.go<{ canceled: boolean }>('observe', [], ctx);
    await pool.go('noop', []);
    cancel(unreadable('why'));
    expect(await task).toMatchObject({ canceled: true });
    expect(exited).toEqual([]);
  });

  it('E1 causes and own properties cross with the error; unregistered classes keep their name', async () => {
    const quota = (await shared.pool.go('fail', ['QuotaError']).then(undefined, (e) => e)) as QuotaError;
    expect(quota.limit).toBe(5);
    expect(quota.cause).toBeInstanceOf(ParseError);
    const canceled = (await shared.pool.go('fail', ['CanceledError']).then(undefined, (e) => e)) as Error;
    expect(canceled.cause).toBeInstanceOf(QuotaError);
    const expired = (await shared.pool
      .go('fail', ['DeadlineExceededError'])
      .then(undefined, (e) => e)) as Error;
    expect([expired.cause, (expired as DeadlineExceededError).timeout]).toEqual(['too slow', true]);
    const exit = (await shared.pool
      .go('fail', ['WorkerExitError'])
      .then(undefined, (e) => e)) as WorkerExitError;
    expect([exit.code, exit.uncertain]).toEqual([3, 2]);
    expect(exit.cause).toBeInstanceOf(TypeError);
    const agg = (await shared.pool
      .go('fail', ['AggregateError'])
      .then(undefined, (e) => e)) as AggregateError;
    expect(agg.errors[0]).toBeInstanceOf(QuotaError);
    const stray = (await shared.pool.go('fail', ['StrayError']).then(undefined, (e) => e)) as Error;
    expect([stray.name, stray.message, (stray as { extra?: string }).extra]).toEqual([
      'StrayError',
      'astray',
      'kept',
    ]);
    await expect(shared.pool.go('fail', ['string'])).rejects.toBe('a plain string');
    await expect(shared.pool.go('fail', ['object'])).rejects.toEqual({ code: 42 });
  });

  it('C1 cancelling a task reaches its context in the thread; a task that honours it ends with the context error', async () => {
    const { pool, workers, exited } = tracked({ size: 1 });
    const task = pool.go('wait', []);
    await flush();
    task.cancel();
    await expect(task).rejects.toBe(task.ctx.err);
    expect(task.ctx.err).toBeInstanceOf(CanceledError);
    const controller = new AbortController();
    const bySignal = pool.go('wait', [], controller.signal);
    controller.abort();
    await expect(bySignal).rejects.toBeInstanceOf(CanceledError);
    expect(await pool.go('fib', [10])).toBe(55);
    expect([workers.length, exited.length]).toEqual([1, 0]); // no thread was terminated
  });

  it('C1 a task nobody awaits that ends with its own context error reports nothing; any other failure surfaces', async () => {
    const seen = capture('unhandledRejection');
    try {
      const honoured = shared.pool.go('wait', []);
      const queuedThenCanceled = shared.pool.go('thread', [], AbortSignal.abort());
      await flush();
      honoured.cancel();
      shared.pool.go('fail', ['TypeError']);
      expect(queuedThenCanceled.ctx.err).toBeInstanceOf(CanceledError);
      // The failing task was sent after the cancellation: when its failure surfaces, the cancelled
      // task has settled too.
      while (seen.seen.length === 0) await flush(1);
      await flush(5);
      expect(seen.seen).toHaveLength(1);
      expect(seen.seen[0]).toBeInstanceOf(TypeError);
    } finally {
      seen.restore();
    }
  });

  it('DL3 GO4 in a synctest bubble a task waits for its thread in real time, and a failure nobody awaits still surfaces', async () => {
    const seen = capture('unhandledRejection');
    try {
      await synctest(async () => {
        shared.pool.go('fail', ['TypeError']);
        expect(await shared.pool.go('fib', [10])).toBe(55);
      });
      while (seen.seen.length === 0) await flush(1);
      expect(seen.seen).toHaveLength(1);
      expect(seen.seen[0]).toBeInstanceOf(TypeError);
    } finally {
      seen.restore();
    }
  });

  it('CX9 values under keys made with crossesThreads reach the task context in the thread (innermost first, and in contexts derived there); other keys stay behind', async () => {
    let ctx = withValue(background(), tenant, 'outer');
    ctx = withValue(ctx, localTenant, 'here only');
    ctx = withValue(withCancel(ctx)[0], tenant, 'acme');
    expect(await shared.pool.go('values', [], ctx)).toEqual({
      tenant: 'acme',
      trace: undefined,
      localTenant: undefined,
      derived: 'acme',
    });
    const path = ['a', 'b'];
    expect(await shared.pool.go('values', [], withValue(background(), trace, { id: 7, path }))).toEqual({
      tenant: undefined,
      trace: { id: 7, path },
      localTenant: undefined,
      derived: undefined,
    });
    // A value that cannot be cloned fails the task as an argument would, and the pool goes on.
    const bad = withValue(background(), tenant, (() => 'x') as unknown as string);
    await expect(shared.pool.go('values', [], bad)).rejects.toMatchObject({ name: 'DataCloneError' });
    expect(await shared.pool.go('values', [])).toMatchObject({ tenant: undefined });
    // A channel as a value crosses as an endpoint, as in an argument.
    const ch = new Channel<string>(1);
    await shared.pool.go('reply', ['hi'], withValue(background(), replies, ch));
    expect(ch.tryRecv()).toEqual({ value: 'hi', ok: true });
  });

  it("C2 a plain cancellation reaches the thread as a CanceledError with Go's text, which is also its cause", async () => {
    const [ctx, cancel] = withCancel(background());
    const task = shared.pool.go('observe', [], ctx);
    await flush();
    cancel();
    expect(await task).toMatchObject({
      err: 'CanceledError',
      canceled: true,
      cause: 'CanceledError',
      causeIsQuota: false,
      causeMessage: 'context canceled',
      errCauseIsCause: false,
    });
  });

  it('C2 the cause of a cancellation reaches the thread as its own class', async () => {
    const [ctx, cancel] = withCancelCause(background());
    const task = shared.pool.go('observe', [], ctx);
    await flush();
    cancel(new QuotaError(2));
    expect(await task).toMatchObject({
      err: 'CanceledError',
      canceled: true,
      cause: 'QuotaError',
      causeIsQuota: true,
      causeMessage: 'quota of 2 exceeded',
      errCauseIsCause: true,
    });
  });

  for (const when of ['once the task runs', 'before the task starts in its thread']) {
    it(`CX2 C2 contexts derived from a task's context in its thread are cancelled with it, in the same turn, with its cause (cancelled ${when})`, async () => {
      const [ctx, cancel] = withCancelCause(background());
      const task = shared.pool.go('observeChildren', [], ctx);
      if (when === 'once the task runs') await flush();
      cancel(new QuotaError(4));
      const seen = {
        err: 'CanceledError',
        canceled: true,
        cause: 'QuotaError',
        causeIsQuota: true,
        errCauseIsCause: true,
      };
      expect(await task).toMatchObject({ child: seen, grandchild: seen });
    });
  }

  it("C2 a deadline crosses: the thread's context has the caller's deadline and expires with DeadlineExceededError", async () => {
    const [ctx, cancel] = withTimeout(background(), 40);
    expect(await shared.pool.go('deadline', [], ctx)).toBe(ctx.deadline);
    expect(await shared.pool.go('observe', [], ctx)).toMatchObject({
      err: 'DeadlineExceededError',
      expired: true,
      deadline: ctx.deadline,
    });
    cancel();
  });

  it('C2 a task that honours its deadline ends with DeadlineExceededError, whichever side saw the deadline first', async () => {
    for (let i = 0; i < 5; i++) {
      const [ctx, cancel] = withTimeout(background(), 5);
      const task = shared.pool.go('wait', [], ctx);
      const err = await task.then(undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(DeadlineExceededError);
      cancel();
    }
  });

  it('C1 a task whose context is already done does not run: it rejects with the context error', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    const task = shared.pool.go('thread', [], ctx);
    await expect(task).rejects.toBe(ctx.err);
  });

  it('C1 C2 a task whose deadline passes on its way to the thread does not run there: it ends with DeadlineExceededError, and no thread is terminated', async () => {
    const { pool, exited } = tracked({ size: 1, terminateAfter: 200 });
    await expireOnTheWay(pool, 'wait');
    expect(exited).toEqual([]);
  });

  it('C1 GO2 a thread forced past its 64 cancel words (tasks waiting on each other) takes more: every task ends by its context, a synchronous loop among them by its word', async () => {
    const { pool, exited } = tracked({ size: 1 });
    await pastTheWords(pool, 'wait', true);
    expect(exited).toEqual([]);
  });

  it('C1 CX5 a synchronous loop that ends by its cancel word before the cancellation arrives leaves its context with the error it saw', async () => {
    const out = new Channel<[boolean, boolean]>(1);
    const task = shared.pool.go('spinThenWatch', [out]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    task.cancel();
    await expect(task).rejects.toBe(task.ctx.err);
    expect(await out.recv()).toEqual({ value: [true, true], ok: true });
  });

  it('C1 a first task that cannot leave does not take the cancel words with it: a synchronous loop after it ends by its word', async () => {
    const { pool, exited } = tracked({ size: 1, terminateAfter: 500 });
    await wordsPastARefusedTask(pool, true);
    expect(exited).toEqual([]);
  });

  it('C1 a terminateAfter past the longest timer delay (2^31 − 1 ms) means never, not at once', async () => {
    const { pool, exited } = tracked({ size: 1, terminateAfter: 2 ** 31 });
    const task = pool.go('busy', [100_000]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    task.cancel();
    await expect(task).resolves.toBe(100_000);
    expect(exited).toEqual([]);
  });

  it('C1 a task whose context is already done drops the links of the channels among its arguments', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    const ch = new Channel<number>(4);
    await expect(shared.pool.go('countRange', [ch], ctx)).rejects.toBe(ctx.err);
    expect([ch.crossing, ch.held]).toEqual([null, 0]);
    ch.trySend(1);
    ch.close();
    expect(await ch.recv()).toEqual({ value: 1, ok: true });
    expect(await ch.recv()).toEqual({ value: undefined, ok: false });
  });

  it('C1 a queued task that is cancelled leaves the queue and rejects at once', async () => {
    const { pool } = tracked({ size: 1 });
    const running = [pool.go('wait', []), pool.go('wait', [])];
    const queued = pool.go('thread', []);
    const state = track(queued);
    queued.cancel();
    await flush();
    expect(state.current).toEqual({ status: 'rejected', reason: queued.ctx.err });
    for (const t of running) t.cancel();
    await Promise.allSettled(running);
  });

  it('C1 a task that ignores its cancellation for terminateAfter ms has its thread terminated: WorkerExitError, then a new thread', async () => {
    const { pool, workers } = tracked({ size: 1, terminateAfter: 50 });
    const task = pool.go('ignore', []);
    await flush();
    task.cancel();
    const err = (await task.then(undefined, (e) => e)) as WorkerExitError;
    expect(err).toBeInstanceOf(WorkerExitError);
    expect((err.cause as Error).message).toBe(
      'thread terminated: task "ignore" ignored cancellation for 50 ms',
    );
    expect((err.cause as Error).cause).toBe(task.ctx.err);
    expect(await pool.go('fib', [10])).toBe(55);
    expect(workers.length).toBe(2);
  });

  it('C1 a task cancelled after another (which honoured it) is given its own terminateAfter ms, counted from its own cancellation', async () => {
    const { pool, workers } = tracked({ size: 1, terminateAfter: 200 });
    const honours = pool.go('wait', []);
    const ignores = pool.go('ignore', []);
    await flush();
    honours.cancel();
    await honours.then(undefined, () => {});
    await new Promise((resolve) => setTimeout(resolve, 120));
    const t0 = performance.now();
    ignores.cancel();
    const err = (await ignores.then(undefined, (e) => e)) as WorkerExitError;
    const ms = performance.now() - t0;
    expect(err).toBeInstanceOf(WorkerExitError);
    expect((err.cause as Error).message).toBe(
      'thread terminated: task "ignore" ignored cancellation for 200 ms',
    );
    expect(ms).toBeGreaterThanOrEqual(195);
    expect(ms).toBeLessThan(400);
    expect(workers.length).toBe(1);
  });

  it('R1 C1 a thread the pool terminates leaves as one that exits: the numbers its channels logged in shared memory all arrive', async () => {
    const { pool } = tracked({ size: 1, terminateAfter: 50 });
    const ch = new Channel<number>(64);
    const task = pool.go('sendThenIgnore', [ch, 64]);
    // It has its credits and sent by then; its loop never lets the turn end, so nothing was posted.
    await new Promise((resolve) => setTimeout(resolve, 300));
    task.cancel();
    const err = (await task.then(undefined, (e) => e)) as WorkerExitError;
    expect([err instanceof WorkerExitError, err.uncertain, err.code]).toEqual([true, 0, 1]);
    const got: number[] = [];
    for (let r = ch.tryRecv(); r?.ok; r = ch.tryRecv()) got.push(r.value);
    expect(got).toEqual(Array.from({ length: 64 }, (_, i) => i));
  });

  for (const how of ['throw', 'exit', 'terminate'] as const) {
    it(`R2 a thread that dies (${how}) settles every task on it with WorkerExitError in the turn of its exit; the pool replaces it`, async () => {
      const { pool, workers } = tracked({ size: 1 });
      const running = [
        pool.go('ignore', []),
        how === 'terminate' ? pool.go('ignore', []) : pool.go('crash', [how, 7]),
      ];
      const queued = pool.go<number>('fib', [15]);
      const states = running.map((t) => track(t));
      await flush();
      const dying = workers[0]!;
      if (how === 'terminate') void dying.terminate();
      // events.once would reject on the 'error' event that precedes a thrown exit
      const code = await new Promise<number>((resolve) => dying.once('exit', resolve));
      await flush(1);
      for (const state of states) {
        expect(state.current.status).toBe('rejected');
        const err = (state.current as { reason: WorkerExitError }).reason;
        expect(err).toBeInstanceOf(WorkerExitError);
        expect(err.code).toBe(code);
        expect(err.message).toBe(`worker exited with code ${code}`);
      }
      if (how !== 'terminate') expect(code).toBe(how === 'exit' ? 7 : 1);
      const reason = (states[0]!.current as { reason: WorkerExitError }).reason;
      if (how === 'throw') expect((reason.cause as Error).message).toBe('quota of 9 exceeded');
      else expect(reason.cause).toBeUndefined();
      expect(await queued).toBe(610);
      expect(workers.length).toBe(2);
    });
  }

  it('R2 a worker file that cannot load settles its tasks with WorkerExitError carrying the load error', async () => {
    const pool = threadPool(() => new Worker(new URL('./missing.worker.mjs', workerUrl())), { size: 1 });
    pools.push(pool);
    const err = (await pool.go('fib', [1]).then(undefined, (e) => e)) as WorkerExitError;
    expect(err).toBeInstanceOf(WorkerExitError);
    expect(err.code).toBe(1);
    expect((err.cause as { code?: string }).code).toMatch(/MODULE_NOT_FOUND/);
  });

  it('R2 a worker that never serves and exits on its own settles its tasks with WorkerExitError', async () => {
    const pool = threadPool(() => new Worker('void 0', { eval: true }), { size: 1 });
    pools.push(pool);
    await expect(pool.go('fib', [1])).rejects.toThrow('worker exited with code 0');
  });

  it('D2 transfer() moves buffers both ways instead of copying them', async () => {
    const bytes = new Uint8Array(1024);
    expect(await shared.pool.go('size', [transfer(bytes, [bytes.buffer])])).toBe(1024);
    expect(bytes.byteLength).toBe(0);
    const back = await shared.pool.go<Uint8Array>('buffer', [16]);
    expect(back).toBeInstanceOf(Uint8Array);
    expect(back.byteLength).toBe(16);
  });

  it('close() waits for running tasks, then ends every thread; a closed pool refuses new tasks with ClosedChannelError', async () => {
    const { pool, workers, exited } = tracked({ size: 2 });
    const task = pool.go<number>('fib', [22]);
    const closing = pool.close();
    expect(() => pool.go('fib', [1])).toThrow(ClosedChannelError);
    expect(() => pool.go('fib', [1])).toThrow('go on closed thread pool');
    await expect(pool.fn('fib')(1, background())).rejects.toBeInstanceOf(ClosedChannelError);
    expect(await task).toBe(17711);
    await closing;
    expect(exited.length).toBe(workers.length);
    await pool.close();
    await verifyNoLeaks();
  });

  it('close(cancel): when cancel ends first, every task is cancelled and close rejects with its error', async () => {
    const { pool, workers, exited } = tracked({ size: 1 });
    const task = pool.go('wait', []);
    const [ctx, cancel] = withCancel(background());
    const closing = pool.close(ctx);
    cancel();
    await expect(task).rejects.toBeInstanceOf(CanceledError);
    await expect(closing).rejects.toBe(ctx.err);
    expect(exited.length).toBe(workers.length);
  });

  it('opts.ctx: ending it cancels every task and closes the pool', async () => {
    const [ctx, cancel] = withCancel(background());
    const { pool, workers, exited } = tracked({ size: 1, ctx });
    const task = pool.go('wait', []);
    await flush();
    cancel();
    await expect(task).rejects.toBe(task.ctx.err);
    await flush();
    expect(() => pool.go('fib', [1])).toThrow(ClosedChannelError);
    await pool.close();
    expect(exited.length).toBe(workers.length);
  });

  describe('bad input', () => {
    it('R2 a worker file built with another gorx (another wire format): its tasks fail with WorkerExitError saying so, nothing hangs', async () => {
      const other = `const { parentPort } = require('node:worker_threads');
        parentPort.postMessage(['gorx/1', [[2]], undefined]);
        parentPort.on('message', () => {});`;
      const pool = threadPool(() => new Worker(other, { eval: true }), { size: 1 });
      try {
        const err = await pool.go('fib', [3]).then(undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(WorkerExitError);
        expect(((err as WorkerExitError).cause as Error).message).toBe(
          `the worker speaks gorx/1, this thread ${WIRE}: build both with the same gorx`,
        );
      } finally {
        await pool.close();
      }
    });

    it('threadPool: a spawn that is not a function, or does not return a Worker, is a TypeError at the call', () => {
      expect(() => threadPool('w.js' as never)).toThrow(TypeError);
      expect(() => threadPool(() => ({}), { size: 1 })).toThrow(/spawn must return a Worker/);
      expect(() => threadPool(() => null, { size: 1 })).toThrow(TypeError);
    });

    it('threadPool: bad options are a TypeError or RangeError at the call, before any thread starts', () => {
      let spawned = 0;
      const spawn = () => {
        spawned++;
        return new Worker(workerUrl());
      };
      expect(() => threadPool(spawn, 'x' as never)).toThrow(TypeError);
      expect(() => threadPool(spawn, { size: 0 })).toThrow(RangeError);
      expect(() => threadPool(spawn, { size: 1.5 })).toThrow(RangeError);
      expect(() => threadPool(spawn, { size: '2' as never })).toThrow(TypeError);
      expect(() => threadPool(spawn, { terminateAfter: -1 })).toThrow(RangeError);
      expect(() => threadPool(spawn, { terminateAfter: Number.NaN })).toThrow(RangeError);
      expect(() => threadPool(spawn, { terminateAfter: '1' as never })).toThrow(TypeError);
      expect(() => threadPool(spawn, { ctx: 42 as never })).toThrow(TypeError);
      expect(spawned).toBe(0);
    });

    it('threadPool: a spawn that throws is the error at the call, and the threads already started are ended', async () => {
      const started: Worker[] = [];
      const boom = new Error('no more threads');
      const spawn = () => {
        if (started.length === 1) throw boom;
        const w = new Worker(workerUrl());
        started.push(w);
        return w;
      };
      expect(() => threadPool(spawn, { size: 2 })).toThrow(boom);
      await once(started[0]!, 'exit');
    });

    it('pool.go and pool.fn: a bad name, args or cancel is a TypeError at the call', () => {
      const { pool } = shared;
      expect(() => pool.go(1 as never, [])).toThrow(TypeError);
      expect(() => pool.go('fib', 5 as never)).toThrow(TypeError);
      expect(() => pool.go('fib', [1], 42 as never)).toThrow(TypeError);
      expect(() => pool.fn(1 as never)).toThrow(TypeError);
    });

    it('an unknown handler name rejects the Task with a TypeError that lists the handlers', async () => {
      await expect(shared.pool.go('nope', [])).rejects.toThrow(
        /^serve: no handler named "nope" \(handlers: "fib", "noop", /,
      );
      await expect(shared.pool.go('nope', [])).rejects.toBeInstanceOf(TypeError);
    });

    it('an argument or a result that cannot be cloned rejects that Task with DataCloneError; the others in its batch run', async () => {
      const { pool } = shared;
      const before = pool.go('echo', [1]);
      const bad = pool.go('echo', [() => 1]);
      const after = pool.go('echo', [2]);
      const err = (await bad.then(undefined, (e) => e)) as DOMException;
      expect(err).toBeInstanceOf(DOMException);
      expect(err.name).toBe('DataCloneError');
      expect([await before, await after]).toEqual([1, 2]);
      const result = (await pool.go('uncloneable', []).then(undefined, (e) => e)) as DOMException;
      expect(result).toBeInstanceOf(DOMException);
      expect(result.name).toBe('DataCloneError');
    });
  });
});
