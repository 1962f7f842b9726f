// workerPool cancelling real fetches against a local HTTP server: a server needs Node, so these run
// in the node project only (the rules they check have portable tests in workerPool.spec.ts and
// workerPool.marbles.spec.ts).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CanceledError, workerPool } from 'gorx';
import { from, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('workerPool over HTTP', () => {
  let server: Server;
  let base = '';
  const pending: IncomingMessage[] = [];
  const closed: IncomingMessage[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/fail') {
        res.statusCode = 500;
        res.end('no');
        return;
      }
      // Never answers: only an abort ends the request.
      pending.push(req);
      res.on('close', () => closed.push(req));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function until(cond: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(cond()).toBe(true);
  }

  it('PT4 unsubscribing aborts the fetch of every running task', async () => {
    const before = pending.length;
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
    await until(() => pending.length === before + 2);
    sub.unsubscribe();
    await until(() => failures.length === 2 && closed.length >= before + 2);
    expect(failures.every((e) => e instanceof CanceledError)).toBe(true);
  });

  it('EG3 a failing fetch cancels the sibling fetches and the output errors with that failure', async () => {
    const before = pending.length;
    const closedBefore = closed.length;
    const signals: AbortSignal[] = [];
    const result = lastValueFrom(
      from(['/slow1', '/slow2', '/fail']).pipe(
        workerPool(3, async (path, ctx) => {
          signals.push(ctx.signal);
          if (path === '/fail') await until(() => pending.length === before + 2);
          const res = await fetch(base + path, { signal: ctx.signal });
          if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
          return res.status;
        }),
      ),
    );
    await expect(result).rejects.toThrow('GET /fail: 500');
    expect(signals.map((s) => s.aborted)).toEqual([true, true, true]);
    expect((signals[0]!.reason as CanceledError).cause).toEqual(new Error('GET /fail: 500'));
    await until(() => closed.length >= closedBefore + 2);
  });
});
