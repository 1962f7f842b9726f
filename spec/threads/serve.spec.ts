import { CanceledError, type Context } from 'gorx';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeError, encodeError, type Wired } from '../../lib/threads/codec.js';
import { ID } from '../../lib/threads/link.js';
import {
  CANCEL,
  type Envelope,
  ERR,
  envelopes,
  OK,
  READY,
  RUN,
  SAME,
  WIRE,
  WORDS,
} from '../../lib/threads/wire.js';
import { serve } from '../../lib/worker/index.js';

// serve() on one end of an in-process MessageChannel; the spec speaks the wire format on the other.
const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function served(handlers: Parameters<typeof serve>[0]) {
  const channel = new MessageChannel();
  channels.push(channel);
  const got: Envelope[] = [];
  const waiters: (() => void)[] = [];
  channel.port2.onmessage = (event) => {
    got.push(...(envelopes(event.data) ?? []));
    for (const w of waiters.splice(0)) w();
  };
  serve(handlers, { port: channel.port1 });
  return {
    got,
    send: (...m: Envelope[]) => channel.port2.postMessage([WIRE, m, undefined]),
    /** Waits until `n` envelopes arrived. */
    async seen(n: number): Promise<Envelope[]> {
      while (got.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      return got;
    },
  };
}

describe('serve', () => {
  it('says ready before anything else, then answers each run with ok or err, batched per turn', async () => {
    const side = served({
      add: (a: number, b: number) => a + b,
      fail: () => Promise.reject(new RangeError('r')),
    });
    // Its first envelope names its thread.
    expect((await side.seen(1))[0]).toEqual([READY, ID]);
    side.send(
      [RUN, 1, 'add', [1, 2], undefined],
      [RUN, 2, 'fail', [], undefined],
      [RUN, 3, 'missing', [], undefined],
    );
    const [, ok, missing, fail] = await side.seen(4);
    expect(ok!.slice(0, 3)).toEqual([OK, 1, 3]);
    expect(typeof ok![3]).toBe('number');
    expect(missing!.slice(0, 2)).toEqual([ERR, 3]);
    const err = decodeError(missing![2] as Wired) as Error;
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('serve: no handler named "missing" (handlers: "add", "fail")');
    expect(decodeError(fail![2] as Wired)).toBeInstanceOf(RangeError);
  });

  it('C1 C2 a run whose deadline has passed does not run: it ends with its own context error; a missing handler is still a TypeError', async () => {
    let runs = 0;
    const side = served({ counted: () => ++runs });
    await side.seen(1);
    const past = Date.now() - 10;
    side.send(
      [RUN, 1, 'counted', [], past],
      [RUN, 2, 'missing', [], past],
      [RUN, 3, 'counted', [], undefined],
    );
    const [, expired, missing, ran] = await side.seen(4);
    // its own context's error: flagged, not sent (the caller uses its own ctx.err)
    expect([expired![0], expired![1], expired![2], expired![4]]).toEqual([ERR, 1, 0, 1]);
    expect(missing!.slice(0, 2)).toEqual([ERR, 2]);
    expect(decodeError(missing![2] as Wired)).toBeInstanceOf(TypeError);
    expect(ran!.slice(0, 3)).toEqual([OK, 3, 1]);
    expect(runs).toBe(1);
  });

  it('C1 a cancel envelope cancels the running task context with the error and cause it carries', async () => {
    let seen: Context | undefined;
    const side = served({
      wait: (ctx: Context) => {
        seen = ctx;
        return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.err)));
      },
    });
    await side.seen(1);
    side.send([RUN, 7, 'wait', [], undefined]);
    while (seen === undefined) await new Promise((r) => setTimeout(r, 1));
    const why = new RangeError('stop');
    side.send([CANCEL, 7, encodeError(new CanceledError({ cause: why })), SAME]);
    const [, answer] = await side.seen(2);
    expect(seen.err).toBeInstanceOf(CanceledError);
    expect(seen.err?.cause).toBeInstanceOf(RangeError);
    // the handler ended with its own context's error: flagged, not sent (the caller uses its own ctx.err)
    expect([answer![0], answer![1], answer![2], answer![4]]).toEqual([ERR, 7, 0, 1]);
  });

  it('C1 C2 CX5 a task that saw its cancel word keeps that error when its deadline passes before the cancellation arrives', async () => {
    const words = new Int32Array(new SharedArrayBuffer(4 * 4));
    let seen: Context | undefined;
    const side = served({
      wait: async (ctx: Context) => {
        seen = ctx;
        while (ctx.err === undefined) await new Promise((r) => setTimeout(r, 1));
        const first = ctx.err;
        await ctx.done.recv();
        return [first instanceof CanceledError, ctx.err === first];
      },
    });
    await side.seen(1);
    side.send([WORDS, words], [RUN, 3, 'wait', [], Date.now() + 40, 2]);
    while (seen === undefined) await new Promise((r) => setTimeout(r, 1));
    Atomics.store(words, 2, 1);
    const [, answer] = await side.seen(2);
    expect(answer!.slice(0, 3)).toEqual([OK, 3, [true, true]]);
    expect(seen.err).toBeInstanceOf(CanceledError);
  });

  it('C2 a deadline in the run envelope becomes the deadline of the task context', async () => {
    const side = served({ deadline: (ctx: Context) => ctx.deadline });
    await side.seen(1);
    const d = Date.now() + 60_000;
    side.send([RUN, 1, 'deadline', [], d]);
    expect((await side.seen(2))[1]!.slice(0, 3)).toEqual([OK, 1, d]);
  });

  it('ends the task context when the task ends, as go does', async () => {
    let seen: Context | undefined;
    const side = served({
      keep: (ctx: Context) => {
        seen = ctx;
        return 1;
      },
    });
    await side.seen(1);
    side.send([RUN, 1, 'keep', [], undefined]);
    await side.seen(2);
    expect(seen?.err).toBeInstanceOf(CanceledError);
  });

  it('bad input: handlers that are not an object of functions, a bad port, a bad spin, a port served twice', () => {
    const { port1 } = new MessageChannel();
    expect(() => serve(null as never, { port: port1 })).toThrow(TypeError);
    expect(() => serve({ a: 1 } as never, { port: port1 })).toThrow(/handler "a" must be a function/);
    expect(() => serve({}, 'x' as never)).toThrow(TypeError);
    expect(() => serve({}, { port: 42 })).toThrow(TypeError);
    expect(() => serve({}, { port: port1, spin: '50' as never })).toThrow(TypeError);
    for (const spin of [-1, 1001, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => serve({}, { port: port1, spin })).toThrow(RangeError);
    }
    // Nothing was served by the calls that threw.
    serve({}, { port: port1 });
    expect(() => serve({}, { port: port1 })).toThrow('serve: this port is already served');
    port1.close();
  });
});
