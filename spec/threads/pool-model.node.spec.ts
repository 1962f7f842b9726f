// The thread pool against what `go` promises, by property (fast-check): random batches of tasks
// (CPU-bound, failing, echoing, honouring their context) on pools of one to three threads, some
// cancelled at random moments, queued or running. Whatever the interleaving, every task settles,
// once, with its own result, its own error or its context's error (a cancelled task that had
// already finished may keep its result), no thread is terminated, and the pool closes.
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanceledError } from '../../lib/errors.js';
import { background, withCancel } from '../../lib/index.js';
import { WorkerExitError } from '../../lib/threads/errors.js';
import { type ThreadPool, threadPool } from '../../lib/threads/threadPool.js';
import { rng } from '../helpers/async.js';
import { orHang } from './model-checks.js';
import { QuotaError, registerClasses } from './workers/classes.js';
import { useWorkerFile } from './workers/use.js';

registerClasses();

const workerUrl = useWorkerFile('pool.worker.ts');
const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));

type Kind = 'fib' | 'fail' | 'echo' | 'wait';

const batch = fc.record({
  size: fc.integer({ min: 1, max: 3 }),
  tasks: fc.array(
    fc.record({
      kind: fc.constantFrom<Kind>('fib', 'fail', 'echo', 'wait'),
      n: fc.integer({ min: 0, max: 24 }),
      // When it is cancelled: -1 never (a `wait` task always is), else after that many ms.
      cancel: fc.integer({ min: -1, max: 6 }),
    }),
    { maxLength: 24 },
  ),
  seed: fc.integer(),
});

describe('threadPool against go', () => {
  const pools = new Map<number, ThreadPool>();
  beforeAll(() => {
    for (const size of [1, 2, 3])
      pools.set(
        size,
        threadPool(() => new Worker(workerUrl()), { size }),
      );
  });
  afterAll(() => Promise.all([...pools.values()].map((p) => p.close())));

  it('GO2 R2 C1 E1 random tasks, some cancelled queued or running: each settles once, with its result or its error, none terminated', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (b) => {
        const pool = pools.get(b.size)!;
        const draw = rng(b.seed);
        const outcomes = b.tasks.map(async (t) => {
          const [ctx, cancel] = withCancel(background());
          const after = t.kind === 'wait' && t.cancel < 0 ? draw(6) : t.cancel;
          if (after === 0) cancel();
          else if (after > 0) setTimeout(cancel, after);
          const args =
            t.kind === 'fib'
              ? [t.n]
              : t.kind === 'fail'
                ? ['QuotaError']
                : t.kind === 'echo'
                  ? [{ n: t.n }]
                  : [];
          const settled = await pool.go(t.kind, args, ctx).then(
            (value) => ({ ok: true as const, value }),
            (error: unknown) => ({ ok: false as const, error }),
          );
          cancel();
          return { t, cancelled: after >= 0, settled };
        });
        const all = await orHang(Promise.all(outcomes), () => b, 10_000);
        for (const { t, cancelled, settled } of all) {
          if (!settled.ok) expect(settled.error).not.toBeInstanceOf(WorkerExitError);
          if (!settled.ok && settled.error instanceof CanceledError) {
            expect(cancelled).toBe(true);
            continue;
          }
          if (t.kind === 'fib') expect(settled).toEqual({ ok: true, value: fib(t.n) });
          else if (t.kind === 'echo') expect(settled).toEqual({ ok: true, value: { n: t.n } });
          else if (t.kind === 'fail')
            expect(settled.ok ? undefined : settled.error).toBeInstanceOf(QuotaError);
          else expect.fail(`wait settled without its context's error: ${JSON.stringify(settled)}`);
        }
      }),
      { numRuns: 60, timeout: 15_000 },
    );
  }, 120_000);
});
