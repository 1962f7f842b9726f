import {
  background,
  CanceledError,
  Channel,
  type Context,
  DeadlineExceededError,
  sendTo,
  withCancel,
  withTimeout,
  workerPool,
} from 'gorx';
import { mergeMap, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { testScheduler } from '../helpers/marbles.js';

describe('workerPool marbles', () => {
  it('PT3 with concurrency 1 runs overlapping inner observables one after another', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const x = cold('         a-b-c-|                 ');
      const xsubs = '       ---^-----!                 ';
      const y = cold('               d-e-f-|           ');
      const ysubs = '       ---------^-----!           ';
      const z = cold('                     g-h-i-|     ');
      const zsubs = '       ---------------^-----!     ';
      const e1 = hot('      ---x---y---z---|           ');
      const e1subs = '      ^--------------!           ';
      const expected = '    ---a-b-c-d-e-f-g-h-i-|     ';
      const inners: Record<string, Observable<string>> = { x, y, z };

      expectObservable(e1.pipe(workerPool(1, (v) => inners[v]!))).toBe(expected);
      expectSubscriptions(x.subscriptions).toBe(xsubs);
      expectSubscriptions(y.subscriptions).toBe(ysubs);
      expectSubscriptions(z.subscriptions).toBe(zsubs);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('PT3 with concurrency 2 starts a third inner only when a slot frees, as mergeMap', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const x = cold('      a---b---c---|       ');
      const xsubs = '      -^-----------!       ';
      const y = cold('         d---e---f---|    ');
      const ysubs = '      ----^-----------!    ';
      const z = cold('                  g-h|    ');
      const zsubs = '      -------------^--!    ';
      const e1 = hot('      -x--y--z--|         ');
      const e1subs = '      ^---------!         ';
      const expected = '    -a--db--ec--fg-h|   ';
      const inners: Record<string, Observable<string>> = { x, y, z };

      expectObservable(e1.pipe(workerPool(2, (v) => inners[v]!))).toBe(expected);
      expectObservable(e1.pipe(mergeMap((v) => inners[v]!, 2))).toBe(expected);
      expectSubscriptions(x.subscriptions).toBe([xsubs, xsubs]);
      expectSubscriptions(y.subscriptions).toBe([ysubs, ysubs]);
      expectSubscriptions(z.subscriptions).toBe([zsubs, zsubs]);
      expectSubscriptions(e1.subscriptions).toBe([e1subs, e1subs]);
    });
  });

  it('EG1 an inner error errors the output and unsubscribes the siblings and the source', () => {
    const seen: Context[] = [];
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const boom = new Error('boom');
      const x = cold('      a---#          ', undefined, boom);
      const xsubs = '      -^---!          ';
      const y = cold('         d---e---|   ');
      const ysubs = '      ----^!          ';
      const z = cold('         g|          ');
      const e1 = hot('      -x--y--z--|    ');
      const e1subs = '      ^----!         ';
      const expected = '    -a--d#         ';
      const inners: Record<string, Observable<string>> = { x, y, z };

      const pool = e1.pipe(
        workerPool(2, (v, ctx) => {
          seen.push(ctx);
          return inners[v]!;
        }),
      );
      expectObservable(pool).toBe(expected, undefined, boom);
      expectSubscriptions(x.subscriptions).toBe(xsubs);
      expectSubscriptions(y.subscriptions).toBe(ysubs);
      expectSubscriptions(z.subscriptions).toBe([]);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    expect(seen).toHaveLength(2);
    const sibling = seen[1]!;
    expect(sibling.err).toBeInstanceOf(CanceledError);
    expect(sibling.err?.cause).toEqual(new Error('boom'));
    expect(sibling.signal.aborted).toBe(true);
  });

  it('PT4 an outer error errors the output at once and cancels the running tasks', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const x = cold('      a-------b-|    ');
      const xsubs = '      -^------!       ';
      const y = cold('         c------d-| ');
      const ysubs = '      ----^---!       ';
      const e1 = hot('      -x--y---#      ');
      const e1subs = '      ^-------!      ';
      const expected = '    -a--c---#      ';
      const inners: Record<string, Observable<string>> = { x, y };

      expectObservable(e1.pipe(workerPool(2, (v) => inners[v]!))).toBe(expected);
      expectSubscriptions(x.subscriptions).toBe(xsubs);
      expectSubscriptions(y.subscriptions).toBe(ysubs);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('PT1 unsubscribing mid-flight unsubscribes every task and aborts its signal', () => {
    const signals: AbortSignal[] = [];
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const x = cold('      a-----b---|    ');
      const xsubs = '      -^-----!        ';
      const y = cold('         c------d-| ');
      const ysubs = '      ----^--!        ';
      const e1 = hot('      -x--y-----z--| ');
      const e1subs = '      ^------!       ';
      const unsub = '       -------!       ';
      const expected = '    -a--c---       ';
      const inners: Record<string, Observable<string>> = { x, y };

      const pool = e1.pipe(
        workerPool(2, (v, ctx) => {
          signals.push(ctx.signal);
          return inners[v]!;
        }),
      );
      expectObservable(pool, unsub).toBe(expected);
      expectSubscriptions(x.subscriptions).toBe(xsubs);
      expectSubscriptions(y.subscriptions).toBe(ysubs);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect(signals[0]!.reason).toBeInstanceOf(CanceledError);
  });

  it('emits in source order with ordered: true, holding a finished task in its slot', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const x = cold('      -----a|              ');
      const xsubs = '      -^-----!              ';
      const y = cold('        b|                 ');
      const ysubs = '      ---^!                 ';
      const z = cold('             (c|)         ');
      const zsubs = '      -------(^!)           ';
      const e1 = hot('      -x-y-z------|        ');
      const expected = '    ------a(bc)-|        ';
      const inners: Record<string, Observable<string>> = { x, y, z };

      expectObservable(e1.pipe(workerPool(2, (v) => inners[v]!, { ordered: true }))).toBe(expected);
      expectSubscriptions(x.subscriptions).toBe(xsubs);
      expectSubscriptions(y.subscriptions).toBe(ysubs);
      expectSubscriptions(z.subscriptions).toBe(zsubs);
    });
  });

  it('CX2 the ctx option being cancelled errors the output with CanceledError at that frame', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions, flush }) => {
      const [ctx, cancel] = withCancel(background());
      const x = cold('      a-------b-| ');
      const xsubs = '      -^---!       ';
      const e1 = hot('      -x-------|  ');
      const e1subs = '      ^----!      ';
      const expected = '    -a---#      ';
      cold('                -----c').subscribe(() => cancel());

      expectObservable(e1.pipe(workerPool(2, () => x, { ctx }))).toBe(
        expected,
        undefined,
        new CanceledError(),
      );
      expectSubscriptions(x.subscriptions).toBe(xsubs);
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      flush();
    });
  });

  it('CX6 a ctx deadline errors the output with DeadlineExceededError in virtual time', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const [ctx] = withTimeout(background(), 6);
      const x = cold('      a--b--c--| ');
      const xsubs = '      -^----!      ';
      const e1 = hot('      -x-------|   ');
      const expected = '    -a--b-#      ';

      expectObservable(e1.pipe(workerPool(1, () => x, { ctx }))).toBe(
        expected,
        undefined,
        new DeadlineExceededError(),
      );
      expectSubscriptions(x.subscriptions).toBe(xsubs);
    });
  });

  it('CH2 over a channel it takes a value only when a slot is free, so the sender waits', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const ch = new Channel<string>(0);
      const e1 = hot('      -a-b-c-|                 ');
      const sent = '        -a---b---(c|)            ';
      const expected = '    ----A---B---C|           ';
      const work = (v: string) => cold('---v|', { v: v.toUpperCase() });

      expectObservable(e1.pipe(sendTo(ch))).toBe(sent);
      expectObservable(ch.pipe(workerPool(1, work))).toBe(expected);
    });
  });
});
