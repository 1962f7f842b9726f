/// <reference types="vite/client" />
// Two copies of gorx in one app (the ESM and the CommonJS build, or two versions): each drives the
// other's channels and contexts through their Symbol.for brands, with backpressure, cancellation
// and causes intact (CX14). The other copies are the built package in dist/ (`npm run build`, which
// `npm test` runs first): its ESM modules, and its CommonJS bundle evaluated with a small
// `require`, so the spec runs the same in Node and in the browser.
import * as gorx from 'gorx';
import {
  CanceledError,
  Channel,
  cause,
  fanIn,
  recv,
  select,
  sendTo,
  toChannel,
  withCancel,
  workerPool,
} from 'gorx';
import * as rxjs from 'rxjs';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { flush, track } from '../helpers/async.js';

type Gorx = typeof gorx;

const esm = import.meta.glob('../../dist/index.js');
const cjs = import.meta.glob('../../dist/*.cjs', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

function missing(): never {
  throw new Error('dist/ is missing: run `npm run build` first');
}

/** The ESM build, as a separate module graph. */
async function esmCopy(): Promise<Gorx> {
  const load = esm['../../dist/index.js'] ?? missing();
  return (await load()) as Gorx;
}

/** The CommonJS build, evaluated with a `require` that knows its chunks and rxjs. */
function cjsCopy(): Gorx {
  const cache = new Map<string, unknown>();
  const load = (id: string): unknown => {
    if (id === 'rxjs') return rxjs;
    const path = `../../dist/${id.replace(/^\.\//, '')}`;
    if (cache.has(path)) return cache.get(path);
    const source = cjs[path] ?? missing();
    const module = { exports: {} as unknown };
    cache.set(path, module.exports);
    new Function('exports', 'require', 'module', source)(module.exports, load, module);
    cache.set(path, module.exports);
    return module.exports;
  };
  return load('./index.cjs') as Gorx;
}

const copies: [string, () => Gorx | Promise<Gorx>][] = [
  ['the ESM build', esmCopy],
  ['the CommonJS build', cjsCopy],
];

describe.each(copies)('with %s', (_name, copy) => {
  it('CX14 the copies are distinct, and each recognises the other’s channels', async () => {
    const other = await copy();
    expect(other.Channel).not.toBe(Channel);
    const ch = new other.Channel<number>(1);
    ch.trySend(1);
    expect(gorx.trySelect({ a: recv(ch) })).toEqual({ case: 'a', value: 1, ok: true });
    const mine = new Channel<number>(1);
    mine.trySend(2);
    expect(other.trySelect({ a: other.recv(mine) })).toEqual({ case: 'a', value: 2, ok: true });
  });

  it('CX14 workerPool keeps backpressure over the other copy’s channel', async () => {
    const other = await copy();
    const jobs = new other.Channel<number>();
    let sent = 0;
    const producer = (async () => {
      for (let i = 0; i < 50; i++) {
        await jobs.send(i);
        sent++;
      }
      jobs.close();
    })();
    const releases: (() => void)[] = [];
    const done = lastValueFrom(
      jobs.pipe(
        workerPool(1, (v) => new Promise<number>((resolve) => releases.push(() => resolve(v)))),
        toArray(),
      ),
    );
    await flush(5);
    expect(sent).toBeLessThanOrEqual(2);
    while (releases.length > 0 || sent < 50) {
      releases.shift()?.();
      await flush();
    }
    await producer;
    expect(await done).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('CX14 toChannel pulls the other copy’s channel only as it makes room', async () => {
    const other = await copy();
    const src = new other.Channel<number>();
    let sent = 0;
    const producer = (async () => {
      for (let i = 0; i < 10; i++) {
        await src.send(i);
        sent++;
      }
      src.close();
    })();
    const out = toChannel(src, { capacity: 2 });
    await flush(5);
    expect(sent).toBeLessThanOrEqual(3); // capacity + the value in hand
    const got = await lastValueFrom(out.pipe(toArray()));
    await producer;
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('CX14 a context of the other copy cancels waits, parents children and gives its cause', async () => {
    const other = await copy();
    const [ctx, cancel] = other.withCancelCause(other.background());
    const ch = new Channel<number>();
    const r = track(ch.recv(ctx));
    const s = track(select({ a: recv(ch) }, ctx));
    const [child] = withCancel(ctx);
    const why = new Error('shutting down');
    cancel(why);
    await flush();
    expect(r.current).toMatchObject({ status: 'rejected', reason: expect.any(CanceledError) });
    expect(s.current).toMatchObject({ status: 'rejected', reason: expect.any(CanceledError) });
    expect(cause(ctx)).toBe(why);
    expect(cause(child)).toBe(why);
    expect(other.cause(child)).toBe(why);
    expect(ch.trySend(1)).toBe(false); // nothing was left parked
  });

  it('CX14 sendTo and fanIn drive the other copy’s channels', async () => {
    const other = await copy();
    const a = new other.Channel<number>();
    const b = new Channel<number>();
    from([1, 2, 3]).pipe(sendTo(a)).subscribe();
    from([10, 20]).pipe(sendTo(b)).subscribe();
    const all = await lastValueFrom(fanIn(a, b).pipe(toArray()));
    expect(all.sort((x, y) => x - y)).toEqual([1, 2, 3, 10, 20]);
  });
});
