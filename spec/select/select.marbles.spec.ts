import { Channel, ClosedChannelError, recv, select$, send, after as timeAfter } from 'gorx';
import { defer, map, repeat, take, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { inspect } from '../channel/helpers.js';
import { testScheduler } from '../helpers/marbles.js';

describe('select marbles', () => {
  it('SE5 select$ waits for the first case that becomes ready and withdraws the others', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const a = new Channel<string>();
      const b = new Channel<string>();
      cold('---x').subscribe(() => b.trySend('v'));
      expectObservable(select$({ a: recv(a), b: recv(b) })).toBe('---(r|)', {
        r: { case: 'b', value: 'v', ok: true },
      });
      flush();
      expect(inspect(a).waiting.receivers).toBe(0);
    });
  });

  it('SE11 a send case wins when a receiver arrives; the losing receive case took nothing', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const out = new Channel<string>();
      const other = new Channel<string>(1);
      cold('--x').subscribe(() => out.tryRecv());
      cold('----y').subscribe(() => other.trySend('y'));
      expectObservable(select$({ out: send(out, 'a'), other: recv(other) })).toBe('--(s|)', {
        s: { case: 'out' },
      });
      expectObservable(cold('------x|').pipe(map(() => other.length))).toBe('------l|', { l: 1 });
    });
  });

  it('RX2 select$ is cold: cases are judged at subscription', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const c = new Channel<number>(1);
      const s = select$({ c: recv(c) });
      cold('-x').subscribe(() => c.trySend(1));
      expectObservable(s, '---^').toBe('---(r|)', { r: { case: 'c', value: 1, ok: true } });
    });
  });

  it('RX2 unsubscribing select$ withdraws every registration at that frame', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const a = new Channel<number>();
      const b = new Channel<number>();
      expectObservable(select$({ a: recv(a), b: send(b, 1) }), '^--!').toBe('---');
      expectObservable(
        cold('-w---w|').pipe(map(() => inspect(a).waiting.receivers + inspect(b).waiting.senders)),
      ).toBe('-2---0|', { 2: 2, 0: 0 });
      flush();
      expect(b.tryRecv()).toBeUndefined();
    });
  });

  it('SE7 select$ on a channel closed with an error errors after the value it holds', () => {
    testScheduler().run(({ expectObservable }) => {
      const c = new Channel<number>(1);
      const boom = new Error('boom');
      c.trySend(1);
      c.close(boom);
      expectObservable(select$({ c: recv(c) })).toBe('(r|)', { r: { case: 'c', value: 1, ok: true } });
      expectObservable(select$({ c: recv(c) })).toBe('#', undefined, boom);
    });
  });

  it('SE8 a channel closed under a blocked select$ send case errors the select$', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const c = new Channel<number>();
      cold('--x').subscribe(() => c.close());
      expectObservable(select$({ s: send(c, 1) })).toBe('--#', undefined, new ClosedChannelError());
    });
  });

  it('SE13 a timeout case fires after its delay, in virtual time', () => {
    testScheduler().run(({ expectObservable }) => {
      const msgs = new Channel<string>();
      expectObservable(select$({ m: recv(msgs), t: recv(timeAfter(5)) })).toBe('-----(t|)', {
        t: { case: 't', value: 5, ok: true },
      });
    });
  });

  it('SE13 a select-based timeout restarts on every loop iteration', () => {
    testScheduler().run(({ expectObservable }) => {
      const msgs = new Channel<string>(1);
      // A message every 50 ms, five times; the loop times out after 100 ms of silence.
      timer(50, 50)
        .pipe(take(5))
        .subscribe((i) => msgs.trySend('abcde'[i]!));
      const loop = defer(() => select$({ m: recv(msgs), t: recv(timeAfter(100)) })).pipe(
        repeat(6),
        map((r) => (r.case === 'm' ? r.value! : 't')),
      );
      expectObservable(loop).toBe('50ms a 49ms b 49ms c 49ms d 49ms e 99ms (t|)');
    });
  });
});
