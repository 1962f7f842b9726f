import { Channel, ClosedChannelError } from 'gorx';
import { concatMap, map, mergeMap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { testScheduler } from '../helpers/marbles.js';
import { inspect } from './helpers.js';

const u = { u: undefined };

describe('Channel marbles', () => {
  it('CH2 recv$ waits for the send$ that a source drives, and both emit at the hand-off', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const ch = new Channel<string>();
      const source = cold('----a|');
      expectObservable(ch.recv$()).toBe('----(a|)');
      expectObservable(source.pipe(mergeMap((v) => ch.send$(v)))).toBe('----u|', u);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('CH2 a parked send$ completes when a receiver arrives', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const ch = new Channel<string>();
      expectObservable(ch.send$('a')).toBe('---(u|)', u);
      expectObservable(cold('---x|').pipe(mergeMap(() => ch.recv$()))).toBe('---a|');
    });
  });

  it('RX2 recv$ is cold: nothing is taken before subscription', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const ch = new Channel<string>(1);
      const r = ch.recv$();
      cold('-a').subscribe((v) => ch.trySend(v));
      expectObservable(r, '---^').toBe('---(a|)');
    });
  });

  it('RX2 unsubscribing a parked recv$ withdraws it: the next send finds no receiver', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const ch = new Channel<string>();
      expectObservable(ch.recv$(), '^--!').toBe('---');
      expectObservable(cold('-----x|').pipe(map(() => ch.trySend('a')))).toBe('-----f|', { f: false });
      flush();
      expect(inspect(ch).waiting).toEqual({ senders: 0, receivers: 0 });
    });
  });

  it('RX2 unsubscribing a parked send$ withdraws the value', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const ch = new Channel<string>();
      expectObservable(ch.send$('a'), '^-!').toBe('---');
      expectObservable(cold('----x|').pipe(map(() => ch.tryRecv()))).toBe('----n|', { n: undefined });
    });
  });

  it('CH15 subscribing ranges over the channel until it is closed', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const ch = new Channel<string>();
      cold('-a-b--|').subscribe({ next: (v) => ch.trySend(v), complete: () => ch.close() });
      expectObservable(ch).toBe('-a-b--|');
    });
  });

  it('CH3 backpressure: a slow receiver paces a producer that sends through concatMap', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const ch = new Channel<string>();
      const producer = cold('(abc|)').pipe(concatMap((v) => ch.send$(v)));
      expectObservable(producer).toBe('--u--u--(u|)', u);
      expectObservable(cold('--x--x--x|').pipe(concatMap(() => ch.recv$()))).toBe('--a--b--c|');
    });
  });

  it('CH5 a late ranging subscriber takes every parked sender at once, in order', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const ch = new Channel<string>();
      cold('(abc|)')
        .pipe(concatMap((v) => ch.send$(v)))
        .subscribe({ complete: () => ch.close() });
      expectObservable(ch, '---^').toBe('---(abc|)');
    });
  });

  it('CH11 a channel closed with an error delivers its buffer, then the error, to a ranging subscriber', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const ch = new Channel<string>(2);
      const boom = new Error('boom');
      cold('-a-b-#', undefined, boom).subscribe({ next: (v) => ch.trySend(v), error: (e) => ch.close(e) });
      expectObservable(ch, '------^').toBe('------(ab#)', undefined, boom);
      expectObservable(ch.recv$(), '-------^').toBe('-------#', undefined, boom);
    });
  });

  it('CH11 recv$ on a closed, drained channel completes without a value', () => {
    testScheduler().run(({ expectObservable }) => {
      const ch = new Channel<string>(1);
      ch.trySend('a');
      ch.close();
      expectObservable(ch.recv$()).toBe('(a|)');
      expectObservable(ch.recv$()).toBe('|');
    });
  });

  it('CH9 send$ on a closed channel errors with ClosedChannelError', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const ch = new Channel<string>();
      cold('--x').subscribe(() => ch.close());
      expectObservable(ch.send$('a')).toBe('--#', undefined, new ClosedChannelError());
      expectObservable(ch.send$('b'), '---^').toBe('---#', undefined, new ClosedChannelError());
    });
  });
});
