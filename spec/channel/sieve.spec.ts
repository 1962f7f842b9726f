// Go's test/chan/sieve1.go and powser-style deep pipelines: a chain of filter tasks that grows
// by one task per prime, torn down by one context.
import {
  background,
  Channel,
  type Context,
  go,
  type ReceiveChannel,
  recv,
  select,
  send,
  withCancel,
} from 'gorx';
import { snapshotLive, verifyNoLeaks } from 'gorx/testing';
import { describe, expect, it } from 'vitest';

function generate(ctx: Context): ReceiveChannel<number> {
  const out = new Channel<number>();
  go(async () => {
    for (let i = 2; ; i++) {
      const r = await select({ sent: send(out, i), stop: recv(ctx.done) });
      if (r.case === 'stop') return;
    }
  });
  return out;
}

function filter(ctx: Context, input: ReceiveChannel<number>, prime: number): ReceiveChannel<number> {
  const out = new Channel<number>();
  go(async () => {
    for (;;) {
      const r = await select({ v: recv(input), stop: recv(ctx.done) });
      if (r.case === 'stop' || !r.ok) return;
      if (r.value % prime === 0) continue;
      const s = await select({ sent: send(out, r.value), stop: recv(ctx.done) });
      if (s.case === 'stop') return;
    }
  });
  return out;
}

describe('prime sieve', () => {
  it('PT6 a sieve of 100 chained tasks yields the first 100 primes, and cancel leaves no task behind', async () => {
    const before = snapshotLive();
    const [ctx, cancel] = withCancel(background());
    let ch = generate(ctx);
    const primes: number[] = [];
    for (let i = 0; i < 100; i++) {
      const { value } = await ch.recv();
      primes.push(value!);
      ch = filter(ctx, ch, value!);
    }
    cancel();
    expect(primes.slice(0, 10)).toEqual([2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    expect(primes[99]).toBe(541);
    await verifyNoLeaks({ ignore: before });
  });
});
