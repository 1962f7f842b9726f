import {
  background,
  CanceledError,
  Channel,
  ClosedChannelError,
  go,
  recv,
  select,
  select$,
  send,
  trySelect,
  withCancel,
} from 'gorx';
import { Subject, takeUntil } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { drain, flush, inspect, track } from '../channel/helpers.js';

/** Asserts each count is within 10σ of a uniform share of `trials` among `k` outcomes. */
function expectUniform(counts: number[], trials: number): void {
  const k = counts.length;
  const p = 1 / k;
  const sigma = Math.sqrt(trials * p * (1 - p));
  for (const c of counts) expect(Math.abs(c - trials * p)).toBeLessThan(10 * sigma);
}

describe('select', () => {
  it('SE1 case operands and send values are evaluated once per entry, chosen or not', async () => {
    let evaluations = 0;
    const value = (v: number) => {
      evaluations++;
      return v;
    };
    const c = new Channel<number>(10);
    const full = new Channel<number>();
    for (let i = 0; i < 5; i++) {
      const cases = { a: send(c, value(i)), b: send(full, value(-i)) };
      if (i % 2 === 0) expect(trySelect(cases)?.case).toBe('a');
      else await select(cases);
    }
    expect(evaluations).toBe(10);
    expect(drain(c)).toEqual([0, 1, 2, 3, 4]);
  });

  it('SE2 only the chosen case communicates; the others consume nothing', async () => {
    for (let i = 0; i < 200; i++) {
      const a = new Channel<number>(1);
      const b = new Channel<number>(1);
      const out = new Channel<number>(1);
      a.trySend(1);
      b.trySend(2);
      const r = await select({ a: recv(a), b: recv(b), out: send(out, 3) });
      expect(a.length + b.length + (1 - out.length)).toBe(2);
      if (r.case === 'a') expect([r.value, b.length, out.length]).toEqual([1, 1, 0]);
      else if (r.case === 'b') expect([r.value, a.length, out.length]).toEqual([2, 1, 0]);
      else expect([a.length, b.length, out.tryRecv()?.value]).toEqual([1, 1, 3]);
    }
  });

  it('SE3 picks uniformly among two and three ready receive cases (10^4 trials, 10σ)', () => {
    for (const k of [2, 3]) {
      const chans = Array.from({ length: k }, () => new Channel<number>(1));
      const cases = Object.fromEntries(chans.map((c, i) => [`c${i}`, recv(c)]));
      const counts = new Array<number>(k).fill(0);
      const trials = 10_000;
      for (let t = 0; t < trials; t++) {
        for (const c of chans) if (c.length === 0) c.trySend(t);
        const r = trySelect(cases)!;
        counts[Number(r.case.slice(1))]!++;
      }
      expectUniform(counts, trials);
    }
  });

  it('SE3 picks uniformly among ready cases in the blocking forms too', async () => {
    const a = new Channel<number>(1);
    const b = new Channel<number>(1);
    const counts = { a: 0, b: 0 };
    const trials = 10_000;
    for (let t = 0; t < trials; t++) {
      a.trySend(t);
      b.trySend(t);
      const r =
        t % 2 === 0 ? await select({ a: recv(a), b: recv(b) }) : trySelect({ a: recv(a), b: recv(b) })!;
      counts[r.case]++;
      drain(a);
      drain(b);
    }
    expectUniform([counts.a, counts.b], trials);
  });

  it('SE3 two send cases on one channel each win more than 10% (TestPseudoRandomSend)', async () => {
    const c = new Channel<number>();
    const got: number[] = [];
    const reader = go(async () => {
      for await (const v of c) got.push(v);
    });
    for (let i = 0; i < 1000; i++) await select({ zero: send(c, 0), one: send(c, 1) });
    c.close();
    await reader;
    const ones = got.filter((v) => v === 1).length;
    expect(got.length).toBe(1000);
    expect(ones).toBeGreaterThan(100);
    expect(1000 - ones).toBeGreaterThan(100);
  });

  it('RX1 select is not race(): with three ready channels the first is not favoured and no value is lost', async () => {
    const chans = [0, 1, 2].map(() => new Channel<number>(1));
    const counts = [0, 0, 0];
    const trials = 3000;
    for (let t = 0; t < trials; t++) {
      for (const c of chans) if (c.length === 0) c.trySend(t);
      const r = await select({ 0: recv(chans[0]!), 1: recv(chans[1]!), 2: recv(chans[2]!) });
      counts[Number(r.case)]!++;
      // The two losing channels still hold their values.
      expect(chans.reduce((n, c) => n + c.length, 0)).toBe(2);
    }
    expectUniform(counts, trials);
  });

  it('SE4 default (trySelect → undefined) is never taken when a case is ready, closed receives included', () => {
    const closed = new Channel<number>(1);
    closed.close();
    const empty = new Channel<number>();
    for (let i = 0; i < 100; i++) {
      expect(trySelect({ c: recv(closed) })).toEqual({ case: 'c', value: undefined, ok: false });
      expect(trySelect({ e: recv(empty), c: recv(closed) })).toEqual({
        case: 'c',
        value: undefined,
        ok: false,
      });
    }
    expect(trySelect({ e: recv(empty) })).toBeUndefined();
    expect(trySelect({ e: send(empty, 1) })).toBeUndefined();
    expect(inspect(empty).waiting).toEqual({ senders: 0, receivers: 0 });
  });

  it('SE5 a select with nothing ready blocks until one case can proceed, then exactly one communicates', async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const p = track(select({ a: recv(a), b: recv(b) }));
    await flush();
    expect(p.current.status).toBe('pending');
    expect(inspect(a).waiting.receivers).toBe(1);
    expect(b.trySend(7)).toBe(true);
    expect(inspect(a).waiting.receivers).toBe(0);
    expect(a.trySend(8)).toBe(false);
    await flush();
    expect(p.current).toEqual({ status: 'fulfilled', value: { case: 'b', value: 7, ok: true } });
  });

  it('SE6 a select with no cases, or only nil cases, never settles; a null case is disabled', async () => {
    const none = track(select({}));
    const nils = track(select({ a: recv(null), b: send(null, 1), c: null }));
    let emitted = false;
    const sub = select$({ a: recv(null) }).subscribe(() => (emitted = true));
    expect(trySelect({})).toBeUndefined();
    const c = new Channel<number>(1);
    c.trySend(5);
    expect(trySelect({ off: null, on: recv(c) })).toEqual({ case: 'on', value: 5, ok: true });
    await flush();
    expect(none.current.status).toBe('pending');
    expect(nils.current.status).toBe('pending');
    expect(emitted).toBe(false);
    sub.unsubscribe();
  });

  it('SE7 closing a channel wakes a blocked select with ok = false', async () => {
    const c = new Channel<number>();
    const d = new Channel<number>();
    const p = select({ c: recv(c), d: recv(d) });
    d.close();
    expect(await p).toEqual({ case: 'd', value: undefined, ok: false });
    expect(inspect(c).waiting.receivers).toBe(0);
  });

  it('SE8 a send case on a closed channel is ready and throws, with or without default', async () => {
    const closed = new Channel<number>(1);
    closed.close();
    for (let i = 0; i < 50; i++) {
      expect(() => trySelect({ s: send(closed, 1) })).toThrow(ClosedChannelError);
      await expect(select({ s: send(closed, 1) })).rejects.toThrow('send on closed channel');
    }
    let error: unknown;
    select$({ s: send(closed, 1) }).subscribe({ error: (e) => (error = e) });
    expect(error).toBeInstanceOf(ClosedChannelError);
  });

  it('SE8 with another ready case, the closed send case wins or loses at random', () => {
    const closed = new Channel<number>();
    closed.close();
    const ready = new Channel<number>(1);
    let threw = 0;
    let received = 0;
    for (let i = 0; i < 1000; i++) {
      if (ready.length === 0) ready.trySend(i);
      try {
        trySelect({ s: send(closed, 1), r: recv(ready) });
        received++;
      } catch (e) {
        expect(e).toBeInstanceOf(ClosedChannelError);
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(300);
    expect(received).toBeGreaterThan(300);
  });

  it('SE8 a close while the select is blocked on a send case rejects the select, not the closer', async () => {
    const c = new Channel<number>();
    const other = new Channel<number>();
    const p = select({ s: send(c, 1), o: recv(other) });
    expect(() => c.close()).not.toThrow();
    await expect(p).rejects.toBeInstanceOf(ClosedChannelError);
    expect(inspect(other).waiting.receivers).toBe(0);
  });

  it('SE9 a select never pairs with itself', async () => {
    for (const cap of [0]) {
      const c = new Channel<number>(cap);
      const p = track(select({ s: send(c, 1), r: recv(c) }));
      await flush();
      expect(p.current.status).toBe('pending');
      expect(c.tryRecv()).toEqual({ value: 1, ok: true });
      await flush();
      expect(p.current).toEqual({ status: 'fulfilled', value: { case: 's' } });
      expect(inspect(c).waiting).toEqual({ senders: 0, receivers: 0 });
    }
  });

  it('SE9 two tasks selecting send and receive on one channel never receive their own value (TestSelfSelect)', async () => {
    for (const cap of [0, 10]) {
      const c = new Channel<number>(cap);
      let selfReceives = 0;
      const tasks = [0, 1].map((p) =>
        go(async () => {
          for (let i = 0; i < 1000; i++) {
            const r = await select({ s: send(c, p), r: recv(c) });
            if (r.case === 'r' && r.value === p && cap === 0) selfReceives++;
          }
        }),
      );
      // Two tasks doing the same number of selects might end with one parked; drain it out.
      const done = Promise.all(tasks);
      let finished = false;
      done.then(() => (finished = true));
      while (!finished) {
        await flush(1);
        if (!finished) {
          c.tryRecv();
          c.trySend(2);
        }
      }
      expect(selfReceives).toBe(0);
    }
  });

  it('SE10 a duplicate channel in one select leaves the wait queues intact (TestSelectDuplicateChannel)', async () => {
    const c = new Channel<number>();
    const d = new Channel<number>();
    const a = select({ c1: recv(c), c2: recv(c), d: recv(d) });
    await flush();
    const b = c.recv();
    expect(inspect(c).waiting.receivers).toBe(3);
    expect(d.trySend(7)).toBe(true);
    expect(inspect(c).waiting.receivers).toBe(1);
    expect(await a).toEqual({ case: 'd', value: 7, ok: true });
    expect(c.trySend(8)).toBe(true);
    expect(await b).toEqual({ value: 8, ok: true });
    inspect(c).checkInvariants();
  });

  it('SE10 one select may park two sends on one channel; exactly one is taken', async () => {
    const c = new Channel<number>();
    const p = select({ x: send(c, 1), y: send(c, 2) });
    expect(inspect(c).waiting.senders).toBe(2);
    const got = c.tryRecv();
    expect(inspect(c).waiting.senders).toBe(0);
    expect(await p).toEqual({ case: got?.value === 1 ? 'x' : 'y' });
    expect(c.tryRecv()).toBeUndefined();
  });

  it('SE11 a losing send case sends nothing and raises nothing', async () => {
    for (let i = 0; i < 100; i++) {
      const c1 = new Channel<number>();
      const ready = new Channel<number>(1);
      ready.trySend(0);
      expect(trySelect({ s: send(c1, 1), r: recv(ready) })).toEqual({ case: 'r', value: 0, ok: true });
      const p = select({ s: send(c1, 1), r: recv(ready) });
      ready.trySend(1);
      expect(await p).toEqual({ case: 'r', value: 1, ok: true });
      expect(inspect(c1).waiting.senders).toBe(0);
      expect(c1.tryRecv()).toBeUndefined();
      c1.close(); // the lost send case is not reported as a send on a closed channel
      expect(c1.tryRecv()).toEqual({ value: undefined, ok: false });
    }
  });

  it('SE12 N/A: Go\'s default is trySelect, which is synchronous; "default" is an ordinary case name', async () => {
    // There is no default case, so "at most one default" cannot be violated: trySelect plays its
    // part, returning undefined in the same turn when nothing is ready.
    const c = new Channel<number>();
    let settled = false;
    const r = trySelect({ default: recv(c) });
    settled = true;
    expect([r, settled]).toEqual([undefined, true]);
    const p = select({ default: recv(c) });
    c.trySend(4);
    expect(await p).toEqual({ case: 'default', value: 4, ok: true });
  });

  it('SE14 a select receive on a buffered value wins over a concurrent close', async () => {
    for (let i = 0; i < 1000; i++) {
      const c = new Channel<number>(1);
      c.trySend(i);
      const p = select({ c: recv(c) });
      c.close();
      expect(await p).toEqual({ case: 'c', value: i, ok: true });
    }
  });

  it('T9 a cancelled select withdraws every case; a committed one is not cancelled', async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const [ctx, cancel] = withCancel(background());
    const p = select({ a: recv(a), b: send(b, 1) }, ctx);
    cancel();
    await expect(p).rejects.toBeInstanceOf(CanceledError);
    expect(inspect(a).waiting).toEqual({ senders: 0, receivers: 0 });
    expect(inspect(b).waiting).toEqual({ senders: 0, receivers: 0 });

    const ac = new AbortController();
    const q = select({ a: recv(a), b: send(b, 2) }, ac.signal);
    expect(b.tryRecv()).toEqual({ value: 2, ok: true });
    ac.abort();
    expect(await q).toEqual({ case: 'b' });
    await expect(select({ a: recv(a) }, ac.signal)).rejects.toBeInstanceOf(CanceledError);
    await expect(select({ a: recv(a) }, ctx)).rejects.toBeInstanceOf(CanceledError);
  });

  it('RX2 select$ is cold and unsubscribing withdraws every registration', () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const obs = select$({ a: recv(a), b: send(b, 1), a2: recv(a) });
    expect(inspect(a).waiting.receivers).toBe(0);
    expect(inspect(b).waiting.senders).toBe(0);
    const results: unknown[] = [];
    const sub = obs.subscribe((r) => results.push(r));
    expect(inspect(a).waiting.receivers).toBe(2);
    expect(inspect(b).waiting.senders).toBe(1);
    sub.unsubscribe();
    expect(inspect(a).waiting.receivers).toBe(0);
    expect(inspect(b).waiting.senders).toBe(0);
    expect(b.tryRecv()).toBeUndefined();
    // Resubscribing runs the select again.
    obs.subscribe((r) => results.push(r));
    expect(a.trySend(3)).toBe(true);
    expect(results).toEqual([{ case: expect.stringMatching(/^a2?$/), value: 3, ok: true }]);
    expect(inspect(b).waiting.senders).toBe(0);
  });

  it('G5 RX2 a select$ that takes from a parked send$ emits before the send$ does, so the sender cannot cancel it in between', () => {
    const ch = new Channel<string>();
    const stop = new Subject<void>();
    const log: unknown[] = [];
    ch.send$('x').subscribe(() => {
      log.push('sent');
      stop.next();
    });
    select$({ a: recv(ch) })
      .pipe(takeUntil(stop))
      .subscribe({ next: (r) => log.push(r), complete: () => log.push('complete') });
    expect(log).toEqual([{ case: 'a', value: 'x', ok: true }, 'complete', 'sent']);
    // A send case still hands its value over first: the receiver has it before the select$ emits.
    const out = new Channel<string>();
    ch.recv$().subscribe((v) => log.push(`got ${v}`));
    select$({ b: send(ch, 'y'), c: recv(out) }).subscribe((r) => log.push(r));
    expect(log.slice(3)).toEqual(['got y', { case: 'b' }]);
  });

  it('bad input: a non-object of cases, a case not made by recv()/send(), or a non-channel throw TypeError at the call', () => {
    const ch = new Channel<number>(1);
    expect(() => select(null as never)).toThrow(
      new TypeError('select: cases must be a plain object, got null'),
    );
    expect(() => select$({ a: 42 } as never)).toThrow(
      new TypeError('select$: case "a" must be made by recv() or send(), got 42'),
    );
    expect(() => trySelect({ a: recv(ch), b: { op: 7 } } as never)).toThrow(
      new TypeError('trySelect: case "b" must be made by recv() or send(), got an object'),
    );
    expect(() => recv({} as never)).toThrow(
      new TypeError('recv: channel must be a gorx receive channel or null, got an object'),
    );
    expect(() => send(undefined as never, 1)).toThrow(
      new TypeError('send: channel must be a gorx channel or null, got undefined'),
    );
    // Nothing was consumed by the failed calls.
    expect(ch.trySend(1)).toBe(true);
    expect(trySelect({ a: recv(ch), nil: recv(null), none: null })).toEqual({
      case: 'a',
      value: 1,
      ok: true,
    });
  });

  it('SE1 the name of a forged case is quoted in the error, a long one cut short', () => {
    const name = 'x'.repeat(1000);
    expect(() => select({ [name]: 42 } as never)).toThrow(
      new TypeError(`select: case "${'x'.repeat(40)}…" must be made by recv() or send(), got 42`),
    );
  });
});
