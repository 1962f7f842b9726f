// The operators never drop a value whose sender was told "sent", and their tasks follow the rule
// of API.md "Tasks and failure": ending with their own context's error is ending normally; any
// other failure with nowhere to go is reported.
import { background, Channel, ClosedChannelError, fanIn, produce, withCancel } from 'gorx';
import { describe, expect, it } from 'vitest';
import { capture, flush, track } from '../helpers/async.js';

describe('fanIn', () => {
  it('PT2 a value a forwarder took is delivered before the output closes with another input’s error', async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const out = fanIn(a, b);
    const sent = track(a.send(1));
    await flush();
    expect(sent.current.status).toBe('fulfilled'); // the forwarder took it
    b.close(new Error('bad'));
    expect(out.tryRecv()).toEqual({ value: 1, ok: true });
    expect(() => out.tryRecv()).toThrow('bad');
    // The failed merge takes nothing more from the other inputs.
    expect(a.trySend(2)).toBe(false);
  });

  it('PT2 the output closes only after every forwarder finished', async () => {
    const a = new Channel<number>();
    const b = new Channel<number>(1);
    const out = fanIn(a, b);
    b.trySend(10);
    a.close();
    await flush();
    expect(out.tryRecv()).toEqual({ value: 10, ok: true });
    expect(out.tryRecv()).toBeUndefined();
    b.close();
    expect(out.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('RX5 a value lost because another hand closed the output is reported, once per lost value', async () => {
    const seen = capture('uncaughtException');
    try {
      const a = new Channel<number>(1);
      const b = new Channel<number>(1);
      const out = fanIn(a, b) as Channel<number>;
      a.trySend(1);
      await flush();
      out.close(); // not the forwarders' close: fails the parked send of 1
      b.trySend(2); // b's forwarder finds the output closed when it tries to send
      a.close();
      b.close();
      await flush(5);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(seen.seen).toHaveLength(2);
      expect(seen.seen.every((e) => e instanceof ClosedChannelError)).toBe(true);
      expect(out.tryRecv()).toEqual({ value: undefined, ok: false });
    } finally {
      seen.restore();
    }
  });
});

describe('produce', () => {
  it('GO4 work that fails with its own context’s error after it is done has ended normally', async () => {
    const seen = capture('uncaughtException');
    try {
      const [parent, cancel] = withCancel(background());
      const out = produce<number>(
        async (ch, ctx) => {
          await ch.send(1, ctx);
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
          throw ctx.err;
        },
        { ctx: parent },
      );
      expect((await out.recv()).value).toBe(1);
      cancel();
      await flush(5);
      expect(seen.seen).toEqual([]);
    } finally {
      seen.restore();
    }
  });

  it('GO4 a failure the closed channel can no longer carry is reported, not dropped', async () => {
    const seen = capture('uncaughtException');
    try {
      const boom = new Error('after close');
      produce<number>((ch) => {
        ch.close();
        throw boom;
      });
      await flush(5);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(seen.seen).toEqual([boom]);
    } finally {
      seen.restore();
    }
  });
});
