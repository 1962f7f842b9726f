// The thread pool on real Web Workers in Chromium: the worker file is made the way an application
// makes it (`new Worker(new URL('./x.worker.ts', import.meta.url), { type: 'module' })`, which Vite
// bundles as it bundles an application's worker) and imports `gorx/worker`.
import {
  BufferOverflowError,
  background,
  CanceledError,
  ClosedChannelError,
  DeadlineExceededError,
  NegativeCounterError,
  type ThreadPool,
  type ThreadPoolOptions,
  threadPool,
  UnlockError,
  WorkerExitError,
  withCancelCause,
  withValue,
  workerPool,
} from 'gorx';
import { verifyNoLeaks } from 'gorx/testing';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { flush, track } from '../helpers/async.js';
import { ISOLATED } from '../helpers/env.js';
import { closeAll } from './channel-helpers.js';
import { expireOnTheWay, pastTheWords, wordsPastARefusedTask } from './pool-cases.js';
import { ParseError, QuotaError, registerClasses } from './workers/classes.js';
import { localTenant, tenant } from './workers/keys.js';

registerClasses();

/** The threads a pool started and the ones it terminated, seen from outside the pool. */
interface Seen {
  readonly spawned: Worker[];
  readonly terminated: Worker[];
}

const pools: ThreadPool[] = [];
afterEach(async () => {
  await closeAll(pools);
});

/** A pool on the spec's worker file, closed after the test. */
function webPool(opts?: ThreadPoolOptions): { pool: ThreadPool } & Seen {
  const seen: Seen = { spawned: [], terminated: [] };
  const watch = (w: Worker): Worker => {
    const terminate = w.terminate.bind(w);
    w.terminate = () => {
      seen.terminated.push(w);
      terminate();
    };
    seen.spawned.push(w);
    return w;
  };
  const pool = threadPool(
    () => watch(new Worker(new URL('./workers/web.worker.ts', import.meta.url), { type: 'module' })),
    opts,
  );
  pools.push(pool);
  return { pool, ...seen };
}

const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));

describe('threadPool on Web Workers', () => {
  it('D1 pool.go runs a handler in a Web Worker and resolves with its result; every thread gets work', async () => {
    const { pool, spawned } = webPool({ size: 2 });
    expect(pool.size).toBe(2);
    expect(await pool.go<number>('fib', [20])).toBe(6765);
    const ids = await Promise.all(Array.from({ length: 20 }, () => pool.go<string>('thread', [])));
    expect(new Set(ids).size).toBe(2);
    expect(spawned.length).toBe(2);
  });

  it('D1 a worker file that imports only gorx/worker serves its handlers', async () => {
    const pool = threadPool(
      () => new Worker(new URL('./workers/serve-only.worker.ts', import.meta.url), { type: 'module' }),
      { size: 1 },
    );
    pools.push(pool);
    expect(await pool.go('twice', [21])).toBe(42);
  });

  it('D1 workerPool(2, pool.fn("fib")) computes every result on the pool, in order', async () => {
    const { pool } = webPool({ size: 2 });
    const ns = Array.from({ length: 40 }, (_, i) => i % 22);
    const got = await lastValueFrom(
      from(ns).pipe(workerPool(2, pool.fn<number, number>('fib'), { ordered: true }), toArray()),
    );
    expect(got).toEqual(ns.map(fib));
  });

  const thrown = [
    ['ClosedChannelError', ClosedChannelError, 'send on closed channel'],
    ['CanceledError', CanceledError, 'context canceled'],
    ['DeadlineExceededError', DeadlineExceededError, 'context deadline exceeded'],
    ['NegativeCounterError', NegativeCounterError, 'sync: negative WaitGroup counter'],
    ['UnlockError', UnlockError, 'sync: unlock of unlocked mutex'],
    ['BufferOverflowError', BufferOverflowError, 'buffer overflow: capacity 4 exceeded'],
    ['WorkerExitError', WorkerExitError, 'worker exited with code 1'],
    ['QuotaError', QuotaError, 'quota of 5 exceeded'],
    ['TypeError', TypeError, 'not a function'],
    ['AbortError', DOMException, 'stopped'],
  ] as const;

  it('CX9 values under keys made with crossesThreads reach the task context in the Web Worker; other keys stay behind', async () => {
    const { pool } = webPool({ size: 1 });
    const ctx = withValue(withValue(background(), localTenant, 'here only'), tenant, 'acme');
    expect(await pool.go('values', [], ctx)).toEqual({
      tenant: 'acme',
      trace: undefined,
      localTenant: undefined,
      derived: 'acme',
    });
  });

  it('E1 an error thrown in a Web Worker reaches the caller as its own class, with its cause and properties', async () => {
    const { pool } = webPool({ size: 1 });
    for (const [kind, cls, message] of thrown) {
      const err = (await pool.go('fail', [kind]).then(undefined, (e: unknown) => e)) as Error & {
        remote?: boolean;
      };
      expect(err, kind).toBeInstanceOf(cls);
      expect([err.name, err.message, err.remote], kind).toEqual([kind, message, true]);
    }
    const quota = (await pool.go('fail', ['QuotaError']).then(undefined, (e) => e)) as QuotaError;
    expect(quota.limit).toBe(5);
    expect(quota.cause).toBeInstanceOf(ParseError);
    const canceled = (await pool.go('fail', ['CanceledError']).then(undefined, (e) => e)) as Error;
    expect(canceled.cause).toBeInstanceOf(QuotaError);
    const exit = (await pool.go('fail', ['WorkerExitError']).then(undefined, (e) => e)) as WorkerExitError;
    expect([exit.code, exit.cause instanceof RangeError]).toEqual([1, true]);
  });

  it("C1 cancelling a task reaches its context in the Web Worker, with its cause's class; no thread is terminated", async () => {
    const { pool, spawned, terminated } = webPool({ size: 1 });
    const [ctx, cancel] = withCancelCause(background());
    const task = pool.go<{ canceled: boolean; causeIsQuota: boolean; cause: string }>('observe', [], ctx);
    await flush();
    cancel(new QuotaError(2));
    expect(await task).toMatchObject({ canceled: true, causeIsQuota: true, cause: 'quota of 2 exceeded' });
    const bySignal = new AbortController();
    const observed = pool.go('observe', [], bySignal.signal);
    await flush();
    bySignal.abort();
    expect(await observed).toMatchObject({ canceled: true });
    expect(await pool.go('fib', [10])).toBe(55);
    expect([spawned.length, terminated.length]).toEqual([1, 0]);
  });

  it(`C1 GO2 a Web Worker forced past its 64 cancel words (tasks waiting on each other) takes more: every task ends by its context${ISOLATED ? ', a synchronous loop among them by its word' : ''}`, async () => {
    const { pool, spawned, terminated } = webPool({ size: 1 });
    await pastTheWords(pool, 'observe', ISOLATED);
    expect([spawned.length, terminated.length]).toEqual([1, 0]);
  });

  it(`C1 a first task that cannot leave does not take the cancel words with it${ISOLATED ? ': a synchronous loop after it ends by its word' : ''}`, async () => {
    const { pool, spawned, terminated } = webPool({ size: 1, terminateAfter: 500 });
    await wordsPastARefusedTask(pool, ISOLATED);
    expect([spawned.length, terminated.length]).toEqual([1, 0]);
  });

  it('C1 C2 a task whose deadline passes on its way to the Web Worker does not run there: it ends with DeadlineExceededError, and no thread is terminated', async () => {
    const { pool, spawned, terminated } = webPool({ size: 1, terminateAfter: 200 });
    await expireOnTheWay(pool, 'observe');
    expect([spawned.length, terminated.length]).toEqual([1, 0]);
  });

  it('C1 a task that ignores its cancellation for terminateAfter ms has its Web Worker terminated: WorkerExitError, then a new thread', async () => {
    const { pool, spawned, terminated } = webPool({ size: 1, terminateAfter: 50 });
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
    expect([spawned.length, terminated.length]).toEqual([2, 1]);
  });

  it('R2 a Web Worker that throws an uncaught error settles every task on it with WorkerExitError; the pool replaces it', async () => {
    const { pool, spawned, terminated } = webPool({ size: 1 });
    const running = [pool.go('ignore', []), pool.go('crash', [])];
    const queued = pool.go<number>('fib', [15]);
    const states = running.map((t) => track(t));
    while (terminated.length === 0) await flush(1);
    await flush(1);
    for (const state of states) {
      expect(state.current.status).toBe('rejected');
      const err = (state.current as { reason: WorkerExitError }).reason;
      expect(err).toBeInstanceOf(WorkerExitError);
      expect(err.code).toBeUndefined(); // a Web Worker reports no exit code
      expect(String((err.cause as Error | undefined)?.message)).toContain('quota of 9 exceeded');
    }
    expect(await queued).toBe(610);
    expect(spawned.length).toBe(2);
  });

  it('R2 a Web Worker that the application terminates itself settles every task on it with WorkerExitError; the pool replaces it', async () => {
    const { pool, spawned } = webPool({ size: 1 });
    const running = track(pool.go('ignore', []));
    await pool.go<number>('fib', [5]); // the thread is up and has taken the first task
    spawned[0]!.terminate();
    await flush(1);
    expect(running.current.status).toBe('rejected');
    expect((running.current as { reason: unknown }).reason).toBeInstanceOf(WorkerExitError);
    expect(await pool.go<number>('fib', [15])).toBe(610);
    expect(spawned.length).toBe(2);
  });

  it('close() waits for running tasks, then ends every Web Worker; a closed pool refuses new tasks', async () => {
    const { pool, spawned, terminated } = webPool({ size: 2 });
    const task = pool.go<number>('fib', [22]);
    const closing = pool.close();
    expect(() => pool.go('fib', [1])).toThrow(ClosedChannelError);
    expect(await task).toBe(17711);
    await closing;
    expect(terminated.length).toBe(spawned.length);
    await verifyNoLeaks();
  });

  it('D1 the pool runs on a page with and without cross-origin isolation (COOP/COEP): page and worker report the same', async () => {
    const { pool } = webPool({ size: 1 });
    expect(globalThis.crossOriginIsolated).toBe(ISOLATED);
    // This Chromium has SharedArrayBuffer switched on by flag, so the constructor exists without
    // isolation too; the pool does not depend on it either way.
    expect(await pool.go('isolation', [])).toEqual({
      crossOriginIsolated: ISOLATED,
      sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    });
    expect(await pool.go('fib', [12])).toBe(144);
  });
});
