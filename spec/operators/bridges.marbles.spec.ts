import {
  BufferOverflowError,
  background,
  CanceledError,
  Channel,
  ClosedChannelError,
  cancelWith,
  DeadlineExceededError,
  fanIn,
  type Overflow,
  sendTo,
  toChannel,
  withCancel,
  withTimeout,
} from 'gorx';
import { concatMap } from 'rxjs';
import { describe, it } from 'vitest';
import { testScheduler } from '../helpers/marbles.js';

describe('toChannel marbles', () => {
  const cases: [Overflow, string][] = [
    ['error', '          ----------(ab#)'],
    ['drop-newest', '    ----------(ab|)'],
    ['drop-oldest', '    ----------(cd|)'],
    ['unbounded', '      ----------(abcd|)'],
  ];
  for (const [overflow, expected] of cases) {
    it(`CH19 a push source over capacity 2 follows overflow '${overflow}'`, () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        const e1 = hot('   -a-b-c-d-|');
        const e1subs = overflow === 'error' ? '^----!' : '^--------!';
        const ch = toChannel(e1, { capacity: 2, overflow });
        expectObservable(ch, '----------^').toBe(expected, undefined, new BufferOverflowError(2, 'c'));
        expectSubscriptions(e1.subscriptions).toBe(e1subs);
      });
    });
  }

  it('CH7 a waiting receiver takes a pushed value at once, even with capacity 0', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const e1 = hot('   -a-b-c-|');
      const expected = ' -a-b-c-|';
      expectObservable(toChannel(e1, { capacity: 0 })).toBe(expected);
    });
  });

  it('CX2 the ctx ending unsubscribes the source and closes the channel with ctx.err after its values', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const [ctx, cancel] = withCancel(background());
      const e1 = hot('   -a-b----c-|');
      const e1subs = '   ^----!     ';
      cold('             -----x').subscribe(() => cancel());
      const ch = toChannel(e1, { capacity: 4, ctx });
      expectObservable(ch, '--------^').toBe('--------(ab#)', undefined, new CanceledError());
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('CH3 a gorx channel source is pulled only while the bridge has room', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const src = new Channel<string>(0);
      const e1 = hot('    -a-b-c-d-|');
      // capacity 1 + one value in hand: a and b are taken at once, c waits for a receiver.
      const sent = '      -a-b-----c---(d|)';
      const bridge = toChannel(src, { capacity: 1 });
      const recv = hot('  ---------x---x---x---x').pipe(concatMap(() => bridge.recv$()));
      expectObservable(e1.pipe(sendTo(src))).toBe(sent);
      expectObservable(recv).toBe('---------a---b---c---d');
    });
  });
});

describe('sendTo marbles', () => {
  it('CH2 sends each value when a receiver takes it, mirrors it after the send, closes on completion', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const ch = new Channel<string>(0);
      const e1 = hot('    -a-b-c-|         ');
      const e1subs = '    ^------!         ';
      const receivers = hot('----x---x---x---x');
      const expected = '  ----a---b---(c|) ';
      const received = '  ----a---b---c---|';
      expectObservable(e1.pipe(sendTo(ch))).toBe(expected);
      expectObservable(receivers.pipe(concatMap(() => ch.recv$()))).toBe(received.replace('|', '-'));
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('CH9 a closed channel errors the output with ClosedChannelError; close: false leaves ch open', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const ch = new Channel<string>(1);
      const e1 = hot('    -a-b-|  ');
      expectObservable(e1.pipe(sendTo(ch, { close: false }))).toBe('-a--b|');
      expectObservable(cold('----x').pipe(concatMap(() => ch.recv$()))).toBe('----a');
      const ch2 = new Channel<string>(0);
      cold('--x').subscribe(() => ch2.close());
      expectObservable(e1.pipe(sendTo(ch2))).toBe('--#', undefined, new ClosedChannelError());
    });
  });

  it('CX6 the ctx deadline withdraws the pending send and closes ch with DeadlineExceededError', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const [ctx] = withTimeout(background(), 5);
      const ch = new Channel<string>(1);
      const e1 = hot('    -a-b-c-|');
      expectObservable(e1.pipe(sendTo(ch, { ctx }))).toBe('-a---#', undefined, new DeadlineExceededError());
      expectObservable(ch, '------^').toBe('------(a#)', undefined, new DeadlineExceededError());
    });
  });
});

describe('fanIn marbles', () => {
  it('PT2 merges channels and closes after the last input closed; a nil input never produces', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const a = toChannel(hot('   --1-----3--|  '), { capacity: 0 });
      const b = toChannel(hot('   ----2-------4-|'), { capacity: 0 });
      const expected = '          --1-2---3---4-|';
      expectObservable(fanIn(a, null, b)).toBe(expected);
    });
  });

  it('PT2 the output blocks each forwarder until its value is taken', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const a = new Channel<string>(0);
      const b = new Channel<string>(0);
      const out = fanIn(a, b);
      expectObservable(hot('   -1-3-|        ').pipe(sendTo(a))).toBe('-1-----(3|)');
      expectObservable(hot('   --2-4-|       ').pipe(sendTo(b))).toBe('--2-------(4|)');
      const recv = hot('       -------x--x--x--x--x').pipe(concatMap(() => out.recv$()));
      expectObservable(recv).toBe('-------1--2--3--4---');
    });
  });

  it('PT2 an input closed with an error closes the output with it', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const a = toChannel(hot('   --1---#', undefined, new Error('bad')), { capacity: 0 });
      const b = toChannel(hot('   ----2-----3|'), { capacity: 0 });
      expectObservable(fanIn(a, b)).toBe('--1-2-#', undefined, new Error('bad'));
    });
  });
});

describe('cancelWith marbles', () => {
  it('CX6 a withTimeout ctx errors with DeadlineExceededError at the virtual deadline', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const [ctx] = withTimeout(background(), 8);
      const e1 = cold('   -a-b-c-d-e-|');
      const e1subs = '    ^-------!   ';
      const expected = '  -a-b-c-d#   ';
      expectObservable(e1.pipe(cancelWith(ctx))).toBe(expected, undefined, new DeadlineExceededError());
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
    });
  });

  it('T9 an aborted signal errors with CanceledError; a done token errors at once without subscribing', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const ac = new AbortController();
      cold('---x').subscribe(() => ac.abort('stop'));
      const e1 = cold('   -a-b-c-|');
      const e1subs = '    ^--!    ';
      expectObservable(e1.pipe(cancelWith(ac.signal))).toBe('-a-#', undefined, new CanceledError());
      expectSubscriptions(e1.subscriptions).toBe(e1subs);
      const [done, cancel] = withCancel(background());
      cancel();
      const e2 = cold('   -a-|');
      expectObservable(e2.pipe(cancelWith(done))).toBe('#', undefined, new CanceledError());
      expectSubscriptions(e2.subscriptions).toBe([]);
    });
  });

  it('mirrors the source and completes with it when the token never fires', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const [ctx] = withCancel(background());
      expectObservable(cold('-a-b-|').pipe(cancelWith(ctx))).toBe('-a-b-|');
    });
  });
});
