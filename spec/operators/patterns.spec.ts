// The patterns of the seed article, as library code: fan-out/fan-in, a worker pool with its
// results collected, the generate → double → filterEven pipeline cancelled after 10 values, and
// errgroup's fetchAll where one failure cancels the rest.
import {
  background,
  CanceledError,
  Channel,
  type Context,
  fanIn,
  produce,
  type ReceiveChannel,
  sendTo,
  sleep,
  withCancel,
  workerPool,
} from 'gorx';
import { EMPTY, filter, from, lastValueFrom, type Observable, of, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { activity, live } from '../../lib/internal/debug.js';
import { flush } from '../helpers/async.js';

interface Result {
  url: string;
  body: string;
}

/** A fetch-like job: answers after url.length ms unless its signal aborts first. */
function fakeFetch(url: string, signal: AbortSignal, failing = new Set<string>()): Promise<Result> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => (failing.has(url) ? reject(new Error(`fetch ${url}: 503`)) : resolve({ url, body: `<${url}>` })),
      url.length,
    );
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

async function settled(): Promise<void> {
  await flush(5);
}

describe('patterns', () => {
  it('PT2 fan-out, fan-in: one task per URL, every result collected once', async () => {
    const urls = Array.from({ length: 20 }, (_, i) => `https://example.com/${i}`);
    const results = fanIn(
      ...urls.map((url) =>
        produce<Result>(async (out, ctx) => {
          await out.send(await fakeFetch(url, ctx.signal), ctx);
        }),
      ),
    );
    const collected = await lastValueFrom(results.pipe(toArray()));
    expect(collected.map((r) => r.url).sort()).toEqual([...urls].sort());
  });

  it('PT3 worker pool: 23 workers over 2718 jobs, count and sum exact, results closed once', async () => {
    const jobs = new Channel<number>(0);
    const results = new Channel<number>(8);
    produce<never>(async () => {
      for (let i = 1; i <= 2718; i++) await jobs.send(i);
      jobs.close();
    });
    jobs
      .pipe(
        workerPool(23, async (job) => {
          if (job % 7 === 0) await flush(1);
          return job * 2;
        }),
        sendTo(results),
      )
      .subscribe();
    let count = 0;
    let sum = 0;
    for await (const r of results) {
      count++;
      sum += r;
    }
    expect(count).toBe(2718);
    expect(sum).toBe(2718 * 2719);
    expect(results.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('PT1 generate → double → filterEven, take 10, cancel: no task and no pending operation remains', async () => {
    await settled();
    const baseline = activity.parked;
    const tasksBefore = live.tasks.size;
    const [ctx, cancel] = withCancel(background());

    // Each stage ranges over its input one value at a time and sends on its own unbuffered channel.
    const generate = (ctx: Context) =>
      produce<number>(
        async (out, ctx) => {
          for (let i = 0; ; i++) await out.send(i, ctx);
        },
        { ctx },
      );
    const stage = (ctx: Context, input: ReceiveChannel<number>, step: (n: number) => Observable<number>) => {
      const out = new Channel<number>();
      input.pipe(workerPool(1, step, { ctx }), sendTo(out, { ctx })).subscribe({ error: () => {} });
      return out;
    };
    const doubleNumbers = (ctx: Context, input: ReceiveChannel<number>) =>
      stage(ctx, input, (n) => of(n * 2));
    const filterEven = (ctx: Context, input: ReceiveChannel<number>) =>
      stage(ctx, input, (n) => (n % 4 === 0 ? of(n) : EMPTY));

    const filtered = filterEven(ctx, doubleNumbers(ctx, generate(ctx)));
    const first10 = await lastValueFrom(filtered.pipe(take(10), toArray()));
    expect(first10).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36]);
    await settled();
    expect(live.tasks.size).toBeGreaterThan(tasksBefore); // the generator is blocked in a send
    expect(activity.parked).toBeGreaterThan(baseline);
    cancel();
    await settled();
    expect(live.tasks.size).toBe(tasksBefore);
    expect(activity.parked).toBe(baseline);
  });

  it('PT1 the same pipeline with workerPool stages pulls on demand and leaves nothing behind', async () => {
    await settled();
    const baseline = activity.parked;
    const tasksBefore = live.tasks.size;
    const [ctx, cancel] = withCancel(background());
    let generated = 0;
    const numbers = produce<number>(
      async (out, ctx) => {
        for (let i = 0; ; i++) {
          generated++;
          await out.send(i, ctx);
        }
      },
      { ctx },
    );
    const evens = numbers.pipe(
      workerPool(2, async (n: number) => n * 2, { ctx }),
      filter((n) => n % 4 === 0),
    );
    const first10 = await lastValueFrom(evens.pipe(take(10), toArray()));
    expect(first10).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36]);
    expect(generated).toBeLessThanOrEqual(19 + 2 + 1 + 1);
    cancel();
    await settled();
    expect(live.tasks.size).toBe(tasksBefore);
    expect(activity.parked).toBe(baseline);
  });

  it('PT4 errgroup fetchAll: the first failure cancels the other fetches and is the error', async () => {
    const urls = ['/a', '/bb', '/ccc', '/dddd', '/eeeee', '/ffffff'];
    const failing = new Set(['/ccc']);
    const aborted: string[] = [];
    const fetchAll = (ctx: Context, urls: string[]) =>
      lastValueFrom(
        from(urls).pipe(
          workerPool(
            urls.length,
            async (url, taskCtx) => {
              try {
                return await fakeFetch(url, taskCtx.signal, failing);
              } catch (e) {
                if (e instanceof CanceledError) aborted.push(url);
                throw e;
              }
            },
            { ctx, ordered: true },
          ),
          toArray(),
        ),
      );
    await expect(fetchAll(background(), urls)).rejects.toThrow('fetch /ccc: 503');
    await sleep(10);
    expect(aborted.sort()).toEqual(['/dddd', '/eeeee', '/ffffff']);

    failing.clear();
    const responses = await fetchAll(background(), urls);
    expect(responses.map((r) => r.url)).toEqual(urls);
  });
});
