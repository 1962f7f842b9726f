import {
  background,
  CanceledError,
  Channel,
  ClosedChannelError,
  go,
  recv,
  select,
  send,
  trySelect,
  withCancel,
} from 'gorx';
import { Subject, type Subscription, take, takeUntil, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { drain, flush, handOffChain, inspect, track } from './helpers.js';

const CAPS = [0, 1, 2, 3, 5, 8];

describe('Channel construction', () => {
  it('CH1 a negative or fractional capacity throws a RangeError at the call; a non-number a TypeError', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Channel(bad)).toThrow(RangeError);
    }
    expect(() => new Channel('2' as unknown as number)).toThrow(TypeError);
    expect(() => new Channel(-1)).toThrow('Channel: capacity must be a non-negative integer, got -1');
    expect(new Channel().capacity).toBe(0);
    expect(new Channel(7).capacity).toBe(7);
  });
});

describe('Channel unbuffered', () => {
  it('CH2 a send with no receiver stays pending; a receiver arriving settles both', async () => {
    const ch = new Channel<number>();
    const sent = track(ch.send(1));
    await flush();
    expect(sent.current.status).toBe('pending');
    expect(ch.length).toBe(0);
    const got = track(ch.recv());
    await flush();
    expect(sent.current.status).toBe('fulfilled');
    expect(got.current).toEqual({ status: 'fulfilled', value: { value: 1, ok: true } });
  });

  it('CH2 a receive with no sender stays pending; a sender arriving settles both', async () => {
    const ch = new Channel<number>();
    const got = track(ch.recv());
    await flush();
    expect(got.current.status).toBe('pending');
    expect(ch.trySend(2)).toBe(true);
    await flush();
    expect(got.current).toEqual({ status: 'fulfilled', value: { value: 2, ok: true } });
  });

  it('MM2 the sender continues only after a receiver took the value', async () => {
    const ch = new Channel<string>();
    const log: string[] = [];
    const task = go(async () => {
      await ch.send('v');
      log.push('sender resumed');
    });
    await flush();
    expect(log).toEqual([]);
    const r = ch.tryRecv();
    log.push(`took ${r?.value}`);
    await task;
    expect(log).toEqual(['took v', 'sender resumed']);
  });

  it('MM2 a parked send$ emits only inside the receive that takes its value', () => {
    const ch = new Channel<string>();
    const log: string[] = [];
    let receiving = false;
    ch.send$('v').subscribe({
      next: () => log.push(receiving ? 'sent after the receive began' : 'sent early'),
    });
    expect(log).toEqual([]);
    receiving = true;
    ch.recv$().subscribe((v) => log.push(`got ${v}`));
    expect(log).toContain('sent after the receive began');
    expect(log).toContain('got v');
    expect(log).not.toContain('sent early');
  });
});

describe('Channel memory model', () => {
  it('MM1 what the sender wrote before sending is visible to the receiver, by reference', async () => {
    const ch = new Channel<{ n: number }>(1);
    const shared = { written: false };
    const msg = { n: 1 };
    go(async () => {
      shared.written = true;
      await ch.send(msg);
    });
    const r = await ch.recv();
    expect(shared.written).toBe(true);
    expect(r.value).toBe(msg);
  });

  it('MM3 the k-th receive happens before the (k+C)-th send completes', async () => {
    const cap = 2;
    const ch = new Channel<number>(cap);
    const log: string[] = [];
    const sender = go(async () => {
      for (let i = 0; i < 5; i++) {
        await ch.send(i);
        log.push(`sent ${i}`);
      }
    });
    await flush();
    expect(log).toEqual(['sent 0', 'sent 1']);
    for (let k = 0; k < 3; k++) {
      const r = ch.tryRecv();
      log.push(`received ${r?.value}`);
      await flush();
    }
    await sender;
    expect(log).toEqual([
      'sent 0',
      'sent 1',
      'received 0',
      'sent 2',
      'received 1',
      'sent 3',
      'received 2',
      'sent 4',
    ]);
  });
});

describe('Channel buffering', () => {
  it('CH3 for every capacity the first cap sends proceed and the next one blocks', async () => {
    for (const cap of CAPS) {
      const ch = new Channel<number>(cap);
      for (let i = 0; i < cap; i++) expect(ch.trySend(i)).toBe(true);
      expect(ch.trySend(cap)).toBe(false);
      const blocked = track(ch.send(cap));
      await flush(1);
      expect(blocked.current.status).toBe('pending');
      expect(ch.length).toBe(cap);
      expect(drain(ch)).toEqual(Array.from({ length: cap + 1 }, (_, i) => i));
      await flush(1);
      expect(blocked.current.status).toBe('fulfilled');
      const empty = track(ch.recv());
      await flush(1);
      expect(empty.current.status).toBe('pending');
      ch.trySend(-1);
    }
  });

  it('CH4 values from one sender arrive in send order for every capacity', async () => {
    for (const cap of CAPS) {
      const ch = new Channel<number>(cap);
      go(async () => {
        for (let i = 0; i < 100; i++) await ch.send(i);
        ch.close();
      });
      const got: number[] = [];
      for await (const v of ch) got.push(v);
      expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
    }
  });

  it('CH5 blocked senders are served in FIFO order', async () => {
    for (const cap of [0, 2]) {
      const ch = new Channel<number>(cap);
      for (let i = 0; i < cap; i++) ch.trySend(i);
      const order: number[] = [];
      const sends = Array.from({ length: 10 }, (_, i) => ch.send(cap + i).then(() => order.push(cap + i)));
      expect(inspect(ch).waiting.senders).toBe(10);
      expect(drain(ch)).toEqual(Array.from({ length: cap + 10 }, (_, i) => i));
      await Promise.all(sends);
      expect(order).toEqual(Array.from({ length: 10 }, (_, i) => cap + i));
    }
  });

  it('CH5 blocked receivers are served in FIFO order (a daisy chain keeps its order)', async () => {
    const ch = new Channel<number>(3);
    const order: number[] = [];
    const recvs = Array.from({ length: 10 }, (_, i) => ch.recv().then((r) => order.push(i * 100 + r.value!)));
    expect(inspect(ch).waiting.receivers).toBe(10);
    for (let i = 0; i < 10; i++) expect(ch.trySend(i)).toBe(true);
    await Promise.all(recvs);
    expect(order).toEqual(Array.from({ length: 10 }, (_, i) => i * 100 + i));

    // SynchFifo: each link receives from its left and sends to its right, started in order.
    const n = 50;
    const first = new Channel<number>();
    let left = first;
    const out = new Channel<number>(n);
    for (let i = 0; i < n; i++) {
      const right = new Channel<number>();
      const from = left;
      go(async () => {
        const r = await from.recv();
        await out.send(i);
        await right.send(r.value!);
      });
      left = right;
    }
    await first.send(0);
    expect((await left.recv()).value).toBe(0);
    expect(drain(out)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('CH6 a receive from a full buffer admits the first blocked sender', async () => {
    const ch = new Channel<string>(2);
    ch.trySend('a');
    ch.trySend('b');
    const s = track(ch.send('c'));
    expect(ch.tryRecv()).toEqual({ value: 'a', ok: true });
    expect(ch.length).toBe(2);
    expect(inspect(ch).waiting.senders).toBe(0);
    await flush(1);
    expect(s.current.status).toBe('fulfilled');
    expect(drain(ch)).toEqual(['b', 'c']);
    inspect(ch).checkInvariants();
  });

  it('CH7 a send to a waiting receiver leaves the buffer empty', async () => {
    const ch = new Channel<number>(1);
    const r = ch.recv();
    expect(ch.trySend(5)).toBe(true);
    expect(ch.length).toBe(0);
    inspect(ch).checkInvariants();
    expect(await r).toEqual({ value: 5, ok: true });
  });

  it('CH8 length counts buffered values only; capacity is fixed; unbuffered length is 0', () => {
    const ch = new Channel<number>(3);
    expect([ch.length, ch.capacity]).toEqual([0, 3]);
    ch.trySend(1);
    ch.trySend(2);
    expect([ch.length, ch.capacity]).toEqual([2, 3]);
    ch.tryRecv();
    expect(ch.length).toBe(1);
    ch.trySend(3);
    ch.trySend(4);
    ch.send(5);
    expect([ch.length, ch.capacity]).toEqual([3, 3]);
    const u = new Channel<number>();
    for (let i = 0; i < 3; i++) u.send(i);
    expect(inspect(u).waiting.senders).toBe(3);
    expect([u.length, u.capacity]).toEqual([0, 0]);
    drain(u);
    drain(ch);
  });
});

describe('Channel close', () => {
  it('CH9 a send on a closed channel throws in every face and the value is dropped', async () => {
    const ch = new Channel<number>(2);
    ch.close();
    expect(() => ch.trySend(1)).toThrow(ClosedChannelError);
    expect(() => ch.trySend(1)).toThrow('send on closed channel');
    await expect(ch.send(1)).rejects.toBeInstanceOf(ClosedChannelError);
    let error: unknown;
    ch.send$(1).subscribe({ error: (e) => (error = e) });
    expect(error).toBeInstanceOf(ClosedChannelError);
    expect(ch.length).toBe(0);
    expect(ch.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('CH10 closing a closed channel throws "close of closed channel"', () => {
    const ch = new Channel();
    ch.close();
    expect(() => ch.close()).toThrow(ClosedChannelError);
    expect(() => ch.close()).toThrow('close of closed channel');
    expect(() => ch.close(new Error('x'))).toThrow('close of closed channel');
    // Go's close(nil): the nil channel is `null`, which has no close method, so calling it throws.
    const nil = null as unknown as Channel<number>;
    expect(() => nil.close()).toThrow(TypeError);
  });

  it('CH11 a closed channel drains its buffer in order, then gives { undefined, false } forever', async () => {
    for (const cap of CAPS) {
      const ch = new Channel<number>(cap);
      for (let i = 0; i < cap; i++) ch.trySend(i);
      ch.close();
      expect(ch.length).toBe(cap);
      for (let i = 0; i < cap; i++) expect(await ch.recv()).toEqual({ value: i, ok: true });
      for (let i = 0; i < 10; i++) {
        expect(ch.tryRecv()).toEqual({ value: undefined, ok: false });
        expect(await ch.recv()).toEqual({ value: undefined, ok: false });
      }
    }
  });

  it('CH12 close wakes every blocked receiver with ok = false', async () => {
    const ch = new Channel<number>();
    const rs = [ch.recv(), ch.recv(), ch.recv()];
    ch.close();
    expect(await Promise.all(rs)).toEqual([1, 2, 3].map(() => ({ value: undefined, ok: false })));
  });

  it('CH12 close fails blocked senders in their own task, keeps the buffer, and does not throw itself', async () => {
    const ch = new Channel<string>(1);
    ch.trySend('buffered');
    const p = ch.send('dropped');
    let viaObservable: unknown;
    ch.send$('dropped too').subscribe({ error: (e) => (viaObservable = e) });
    const sel = select({ s: send(ch, 'dropped by select') });
    expect(() => ch.close()).not.toThrow();
    await expect(p).rejects.toBeInstanceOf(ClosedChannelError);
    await expect(sel).rejects.toThrow('send on closed channel');
    expect(viaObservable).toBeInstanceOf(ClosedChannelError);
    expect(ch.length).toBe(1);
    expect(ch.tryRecv()).toEqual({ value: 'buffered', ok: true });
    expect(ch.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('CH13 close is synchronous: tryRecv sees it in the same turn', () => {
    const ch = new Channel<number>();
    expect(ch.tryRecv()).toBeUndefined();
    ch.close();
    expect(ch.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('CH14 operations on the nil channel never complete', async () => {
    const r = track(select({ r: recv(null) }));
    const s = track(select({ s: send(null, 1) }));
    expect(trySelect({ r: recv(null), s: send(null, 1) })).toBeUndefined();
    await flush();
    expect(r.current.status).toBe('pending');
    expect(s.current.status).toBe('pending');
  });

  it('CH15 for await ends after close and drain', async () => {
    const ch = new Channel<number>(4);
    go(async () => {
      for (let i = 0; i < 6; i++) await ch.send(i);
      ch.close();
    });
    const got: number[] = [];
    for await (const v of ch) got.push(v);
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('CH15 break out of for await leaves no receive registered and loses no value', async () => {
    const ch = new Channel<number>(5);
    for (let i = 0; i < 5; i++) ch.trySend(i);
    const got: number[] = [];
    for await (const v of ch) {
      got.push(v);
      if (v === 1) break;
    }
    expect(got).toEqual([0, 1]);
    expect(inspect(ch).waiting.receivers).toBe(0);
    expect(drain(ch)).toEqual([2, 3, 4]);

    // A loop parked on an empty channel, broken out of by a value it receives.
    const u = new Channel<number>();
    const loop = (async () => {
      for await (const v of u) if (v === 0) break;
    })();
    await flush();
    expect(inspect(u).waiting.receivers).toBe(1);
    await u.send(0);
    await loop;
    expect(inspect(u).waiting.receivers).toBe(0);
  });

  it('CH15 return() on an iterator with a pending next withdraws it and ends the iteration', async () => {
    const ch = new Channel<number>();
    const it = ch[Symbol.asyncIterator]();
    const pending = it.next();
    expect(inspect(ch).waiting.receivers).toBe(1);
    expect(await it.return!()).toEqual({ value: undefined, done: true });
    expect(inspect(ch).waiting.receivers).toBe(0);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    // The value sent afterwards goes to the next receiver, not to the abandoned iterator.
    const r = ch.recv();
    expect(ch.trySend(1)).toBe(true);
    expect(await r).toEqual({ value: 1, ok: true });
  });

  it('CH15 overlapping nexts: each gets one value in order, and return() withdraws the pending ones', async () => {
    const ch = new Channel<number>();
    const it = ch[Symbol.asyncIterator]();
    const results: Promise<IteratorResult<number>>[] = [];
    // Two nexts always in flight: each value commits the oldest, then one more is asked for.
    results.push(it.next(), it.next());
    for (let i = 0; i < 10; i++) {
      expect(ch.trySend(i)).toBe(true);
      results.push(it.next());
    }
    expect(inspect(ch).waiting.receivers).toBe(2);
    await it.return!();
    expect(inspect(ch).waiting.receivers).toBe(0);
    const got = await Promise.all(results);
    expect(got.slice(0, 10)).toEqual([...Array(10).keys()].map((value) => ({ value, done: false })));
    expect(got.slice(10)).toEqual([
      { value: undefined, done: true },
      { value: undefined, done: true },
    ]);
    expect(ch.trySend(99)).toBe(false); // nobody is left receiving
  });

  it('CH15 CX1 return() settles a pending next on the done of a context that is never cancelled', async () => {
    const it = background().done[Symbol.asyncIterator]();
    const first = track(it.next());
    const second = track(it.next());
    expect(await it.return!()).toEqual({ value: undefined, done: true });
    await flush();
    const done = { status: 'fulfilled', value: { value: undefined, done: true } };
    expect(first.current).toEqual(done);
    expect(second.current).toEqual(done);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('CH4 recv$ emits a ready value and completes at once; a close error after the values is its error', () => {
    const ch = new Channel<number>(2);
    ch.trySend(1);
    const boom = new Error('boom');
    ch.close(boom);
    const seen: unknown[] = [];
    const sink = {
      next: (v: unknown) => seen.push(v),
      error: (e: unknown) => seen.push(e),
      complete: () => seen.push('|'),
    };
    ch.recv$().subscribe(sink);
    ch.recv$().subscribe(sink);
    expect(seen).toEqual([1, '|', boom]);
  });

  it('CH17 undefined, null, NaN and object identity are ordinary values', async () => {
    const obj = { a: 1 };
    for (const cap of [0, 1, 4]) {
      const ch = new Channel<unknown>(cap);
      const values = [undefined, null, Number.NaN, obj, obj, 0, ''];
      go(async () => {
        for (const v of values) await ch.send(v);
        ch.close();
      });
      const got: unknown[] = [];
      for (;;) {
        const r = await ch.recv();
        if (!r.ok) break;
        got.push(r.value);
      }
      expect(got).toEqual(values);
      expect(got[3]).toBe(obj);
      expect(got[4]).toBe(obj);
    }
    const ch = new Channel<undefined>(1);
    ch.trySend(undefined);
    ch.close();
    expect(ch.tryRecv()).toEqual({ value: undefined, ok: true });
    expect(ch.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('CH18 four senders and four receivers share one channel; every value arrives exactly four times', async () => {
    for (const cap of [0, 1, 10]) {
      const ch = new Channel<number>(cap);
      const counts = new Array<number>(1000).fill(0);
      const senders = Array.from({ length: 4 }, () =>
        go(async () => {
          for (let i = 0; i < 1000; i++) await ch.send(i);
        }),
      );
      const receivers = Array.from({ length: 4 }, () =>
        go(async () => {
          for await (const v of ch) counts[v]!++;
        }),
      );
      await Promise.all(senders);
      ch.close();
      await Promise.all(receivers);
      expect(counts.every((c) => c === 4)).toBe(true);
    }
  });

  it('CH19 there is no limit on pending operations (10^5 pending sends)', async () => {
    const ch = new Channel<number>();
    const n = 100_000;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < n; i++) sends.push(ch.send(i));
    expect(inspect(ch).waiting.senders).toBe(n);
    let expected = 0;
    for (let r = ch.tryRecv(); r !== undefined; r = ch.tryRecv()) {
      if (r.value !== expected) throw new Error(`out of order: ${r.value} at ${expected}`);
      expected++;
    }
    expect(expected).toBe(n);
    await Promise.all(sends);
  });
});

describe('Channel close(error)', () => {
  const boom = new Error('boom');

  function closedWithError(): Channel<number> {
    const ch = new Channel<number>(2);
    ch.trySend(1);
    ch.trySend(2);
    ch.close(boom);
    return ch;
  }

  it('CH11 recv delivers the buffered values, then rejects with the error every time', async () => {
    const ch = closedWithError();
    expect(await ch.recv()).toEqual({ value: 1, ok: true });
    expect(await ch.recv()).toEqual({ value: 2, ok: true });
    await expect(ch.recv()).rejects.toBe(boom);
    await expect(ch.recv()).rejects.toBe(boom);
  });

  it('CH11 tryRecv and trySelect throw the error after draining', () => {
    const ch = closedWithError();
    expect(trySelect({ c: recv(ch) })).toEqual({ case: 'c', value: 1, ok: true });
    expect(ch.tryRecv()).toEqual({ value: 2, ok: true });
    expect(() => ch.tryRecv()).toThrow(boom);
    expect(() => trySelect({ c: recv(ch) })).toThrow(boom);
  });

  it('CH11 recv$ and a ranging subscriber error after the buffered values', () => {
    const ranged: unknown[] = [];
    closedWithError().subscribe({ next: (v) => ranged.push(v), error: (e) => ranged.push(e) });
    expect(ranged).toEqual([1, 2, boom]);

    const ch = closedWithError();
    const log: unknown[] = [];
    const observer = { next: (v: number) => log.push(v), error: (e: unknown) => log.push(e) };
    ch.recv$().subscribe(observer);
    ch.recv$().subscribe(observer);
    ch.recv$().subscribe(observer);
    expect(log).toEqual([1, 2, boom]);
  });

  it('CH15 for await throws the error after the buffered values', async () => {
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const v of closedWithError()) got.push(v);
      })(),
    ).rejects.toBe(boom);
    expect(got).toEqual([1, 2]);
  });

  it('CH12 blocked receivers and a blocked select fail with the error, select rejects', async () => {
    const ch = new Channel<number>();
    const p = ch.recv();
    const sel = select({ c: recv(ch) });
    let viaObservable: unknown;
    ch.recv$().subscribe({ error: (e) => (viaObservable = e) });
    ch.close(boom);
    await expect(p).rejects.toBe(boom);
    await expect(sel).rejects.toBe(boom);
    expect(viaObservable).toBe(boom);
    await expect(select({ c: recv(ch) })).rejects.toBe(boom);
  });
});

describe('Channel global invariants', () => {
  it('G2 close right after a hand-off does not fail the sender', async () => {
    for (let i = 0; i < 100; i++) {
      const ch = new Channel<number>();
      const p = ch.send(i);
      expect(ch.tryRecv()).toEqual({ value: i, ok: true });
      ch.close();
      await expect(p).resolves.toBeUndefined();
    }
    // The same through a blocked select's send case and a send$.
    const ch = new Channel<number>();
    const sel = select({ s: send(ch, 1) });
    let sent = false;
    ch.send$(2).subscribe({ next: () => (sent = true), error: () => (sent = false) });
    expect(drain(ch)).toEqual([1, 2]);
    ch.close();
    await expect(sel).resolves.toEqual({ case: 's' });
    expect(sent).toBe(true);
  });

  it('T9 a send cancelled first did not happen; one committed first is not cancelled', async () => {
    const ch = new Channel<number>();
    const [ctx, cancel] = withCancel(background());
    const p = ch.send(1, ctx);
    cancel();
    await expect(p).rejects.toBeInstanceOf(CanceledError);
    expect(ch.tryRecv()).toBeUndefined();
    expect(inspect(ch).waiting.senders).toBe(0);

    const ac = new AbortController();
    const q = ch.send(2, ac.signal);
    expect(ch.tryRecv()).toEqual({ value: 2, ok: true });
    ac.abort();
    await expect(q).resolves.toBeUndefined();

    const r = ch.recv(ac.signal);
    await expect(r).rejects.toBeInstanceOf(CanceledError);
    expect(inspect(ch).waiting.receivers).toBe(0);
  });
});

describe('Channel as an Observable', () => {
  it('CH15 subscribing ranges: values until close, then complete', () => {
    const ch = new Channel<number>(3);
    const log: unknown[] = [];
    ch.subscribe({ next: (v) => log.push(v), complete: () => log.push('done') });
    ch.trySend(1);
    ch.trySend(2);
    expect(log).toEqual([1, 2]);
    ch.close();
    expect(log).toEqual([1, 2, 'done']);
  });

  it('CH18 subscribers compete for values (work distribution, not broadcast)', () => {
    const ch = new Channel<number>();
    const a: number[] = [];
    const b: number[] = [];
    ch.subscribe((v) => a.push(v));
    ch.subscribe((v) => b.push(v));
    for (let i = 0; i < 6; i++) expect(ch.trySend(i)).toBe(true);
    expect(a.length + b.length).toBe(6);
    expect([...a, ...b].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // Parked subscribers are served in FIFO order, so they alternate.
    expect(a).toEqual([0, 2, 4]);
    expect(b).toEqual([1, 3, 5]);
  });

  it('RX2 unsubscribing never loses a value: take(2) leaves the rest for the next receiver', () => {
    const ch = new Channel<number>(5);
    for (let i = 0; i < 5; i++) ch.trySend(i);
    let got: number[] = [];
    ch.pipe(take(2), toArray()).subscribe((v) => (got = v));
    expect(got).toEqual([0, 1]);
    expect(inspect(ch).waiting.receivers).toBe(0);
    expect(drain(ch)).toEqual([2, 3, 4]);

    const u = new Channel<number>();
    const sub = u.subscribe(() => {});
    expect(inspect(u).waiting.receivers).toBe(1);
    sub.unsubscribe();
    expect(inspect(u).waiting.receivers).toBe(0);
    expect(u.trySend(9)).toBe(false);
    const r = u.recv$();
    const rs = r.subscribe();
    rs.unsubscribe();
    const p = u.recv();
    expect(u.trySend(9)).toBe(true);
    return expect(p).resolves.toEqual({ value: 9, ok: true });
  });

  it('G5 RX2 a recv$ that takes from a parked send$ emits before the send$ does, so the sender cannot cancel it in between', () => {
    for (const capacity of [0, 1]) {
      const ch = new Channel<string>(capacity);
      if (capacity > 0) ch.trySend('a'); // the receive takes 'a' and admits the sender (CH6)
      const stop = new Subject<void>();
      const log: string[] = [];
      ch.send$('b').subscribe(() => {
        log.push('sent');
        stop.next();
      });
      ch.recv$()
        .pipe(takeUntil(stop))
        .subscribe({ next: (v) => log.push(`got ${v}`), complete: () => log.push('complete') });
      expect(log).toEqual([capacity > 0 ? 'got a' : 'got b', 'complete', 'sent']);
      expect(drain(ch)).toEqual(capacity > 0 ? ['b'] : []);
    }
  });

  it('G5 RX2 a ranging subscriber stopped by a parked sender once its value is taken still gets that value', () => {
    const ch = new Channel<string>();
    const done$ = new Subject<void>();
    const got: string[] = [];
    ch.send$('last').subscribe(() => done$.next()); // "my last value was taken"
    ch.pipe(takeUntil(done$)).subscribe((v) => got.push(v));
    expect(got).toEqual(['last']);
    expect(inspect(ch).waiting).toEqual({ senders: 0, receivers: 0 });

    // A sender parked from inside the range's own `next`, whose completion unsubscribes the range.
    const u = new Channel<string>();
    const seen: string[] = [];
    const sub: Subscription = u.subscribe((v) => {
      seen.push(v);
      if (v === 'first') u.send$('x').subscribe(() => sub.unsubscribe());
    });
    expect(u.trySend('first')).toBe(true);
    expect(seen).toEqual(['first', 'x']);
    expect(inspect(u).waiting).toEqual({ senders: 0, receivers: 0 });
  });

  it('G5 a send$ unsubscribed by the receiver in its next after the value was taken: the receiver has the value', () => {
    // The send happened; its own emission may then go to a subscriber already gone ("maybe sent").
    const ch = new Channel<string>();
    const stop = new Subject<void>();
    const got: string[] = [];
    ch.recv$().subscribe((v) => {
      got.push(v);
      stop.next();
    });
    ch.send$('x').pipe(takeUntil(stop)).subscribe();
    expect(got).toEqual(['x']);
    expect(ch.tryRecv()).toBeUndefined();
    expect(inspect(ch).waiting).toEqual({ senders: 0, receivers: 0 });
  });

  it('RX2 past the nesting bound, a hand-off made once the queued deliveries have run is emitted at once', () => {
    // A chain of 20 recv$ stages; the last sends to a parked recv$ and unsubscribes it right away.
    const target = new Channel<number>();
    const got: number[] = [];
    const sub = target.recv$().subscribe((v) => got.push(v));
    let sent: boolean | undefined;
    handOffChain(20, (i) => {
      if (i < 19) return;
      sent = target.trySend(i);
      sub.unsubscribe();
    });
    expect(sent).toBe(true);
    expect(got).toEqual([19]);
  });

  it('CH4 10^6 values through an unbuffered channel into a synchronous subscriber (trySend loop)', () => {
    const ch = new Channel<number>();
    const n = 1_000_000;
    let expected = 0;
    let bad = 0;
    ch.subscribe((v) => {
      if (v !== expected) bad++;
      expected++;
    });
    for (let i = 0; i < n; i++) if (!ch.trySend(i)) bad++;
    expect(bad).toBe(0);
    expect(expected).toBe(n);
  });

  it('CH4 10^6 values through an unbuffered channel from a go task into a synchronous subscriber', async () => {
    const ch = new Channel<number>();
    const n = 1_000_000;
    let expected = 0;
    let bad = 0;
    const done = new Promise<void>((resolve) =>
      ch.subscribe({
        next: (v) => {
          if (v !== expected) bad++;
          expected++;
        },
        complete: resolve,
      }),
    );
    go(async () => {
      for (let i = 0; i < n; i++) await ch.send(i);
      ch.close();
    });
    await done;
    expect(bad).toBe(0);
    expect(expected).toBe(n);
  });

  it('CH4 a ranging subscriber drains parked senders in FIFO order without recursion', async () => {
    const ch = new Channel<number>();
    const n = 100_000;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < n; i++) sends.push(ch.send(i));
    let expected = 0;
    let bad = 0;
    ch.subscribe((v) => {
      if (v !== expected++) bad++;
    });
    expect(expected).toBe(n);
    expect(bad).toBe(0);
    await Promise.all(sends);
  });
});
