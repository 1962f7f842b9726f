// workerPool cancelling real fetches against a real HTTP server (spec/helpers/http.node.ts), from
// Node and from the browser: the server counts the requests it holds open and those the client
// gave up on.
import { CanceledError, workerPool } from 'gorx';
import { from, lastValueFrom } from 'rxjs';
import { describe, expect, inject, it } from 'vitest';

const base = inject('httpServer');

interface Stats {
  readonly pending: number;
  readonly closed: number;
}

async function stats(): Promise<Stats> {
  return (await fetch(`${base}/stats`)).json() as Promise<Stats>;
}

/** Polls the server until `cond` holds (about 2.5 s at most), then expects it. */
async function until(cond: (s: Stats) => boolean): Promise<void> {
  let s = await stats();
  for (let i = 0; i < 500 && !cond(s); i++) {
    await new Promise((r) => setTimeout(r, 5));
    s = await stats();
  }
  expect(cond(s)).toBe(true);
}

describe('workerPool over HTTP', () => {
  it('PT4 unsubscribing aborts the fetch of every running task', async () => {
    const before = await stats();
    const failures: unknown[] = [];
    const sub = from(['/a', '/b', '/c'])
      .pipe(
        workerPool(2, (path, ctx) =>
          fetch(base + path, { signal: ctx.signal }).catch((e: unknown) => {
            failures.push(e);
            throw e;
          }),
        ),
      )
      .subscribe({ error: () => {} });
    await until((s) => s.pending === before.pending + 2);
    sub.unsubscribe();
    await until((s) => failures.length === 2 && s.closed >= before.closed + 2);
    expect(failures.every((e) => e instanceof CanceledError)).toBe(true);
  });

  it('EG3 a failing fetch cancels the sibling fetches and the output errors with that failure', async () => {
    const before = await stats();
    const signals: AbortSignal[] = [];
    const result = lastValueFrom(
      from(['/slow1', '/slow2', '/fail']).pipe(
        workerPool(3, async (path, ctx) => {
          signals.push(ctx.signal);
          if (path === '/fail') await until((s) => s.pending === before.pending + 2);
          const res = await fetch(base + path, { signal: ctx.signal });
          if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
          return res.status;
        }),
      ),
    );
    await expect(result).rejects.toThrow('GET /fail: 500');
    expect(signals.map((s) => s.aborted)).toEqual([true, true, true]);
    expect((signals[0]!.reason as CanceledError).cause).toEqual(new Error('GET /fail: 500'));
    await until((s) => s.closed >= before.closed + 2);
  });
});
