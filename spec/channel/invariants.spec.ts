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
  after as timeAfter,
  trySelect,
  withCancel,
} from 'gorx';
import { snapshotLive } from 'gorx/testing';
import { config, map } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pingPong } from '../helpers/pingpong.js';
import { drain, flush, inspect } from './helpers.js';

/** Errors RxJS reports from throwing observers (instead of throwing them on a timer). */
let reported: unknown[] = [];
let previousHandler: typeof config.onUnhandledError;
beforeEach(() => {
  reported = [];
  previousHandler = config.onUnhandledError;
  config.onUnhandledError = (e) => reported.push(e);
});
afterEach(() => {
  config.onUnhandledError = previousHandler;
});
/** RxJS reports a throwing observer on a timer: wait for it. */
const reports = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('G1 snapshot atomicity', () => {
  it('G1 a non-blocking select never takes default while a case is ready, across interleavings', async () => {
    const c1 = new Channel<number>(1);
    const c2 = new Channel<number>(1);
    let defaults = 0;
    for (let i = 0; i < 10_000; i++) {
      c1.trySend(1);
      // Another task makes c2 ready and then drains c1, at some later point.
      const other = (async () => {
        for (let k = i % 3; k > 0; k--) await null;
        c2.trySend(2);
        c1.tryRecv();
      })();
      for (let k = i % 4; k > 0; k--) await null;
      if (trySelect({ c1: recv(c1), c2: recv(c2) }) === undefined) defaults++;
      await other;
      drain(c1);
      drain(c2);
    }
    expect(defaults).toBe(0);
  });

  it('SE14 a non-blocking receive on a buffered value racing with close still receives', async () => {
    let misses = 0;
    for (let i = 0; i < 10_000; i++) {
      const c = new Channel<number>(1);
      c.trySend(1);
      const closer = (async () => {
        for (let k = i % 3; k > 0; k--) await null;
        c.close();
      })();
      for (let k = i % 5; k > 0; k--) await null;
      const r = c.tryRecv();
      if (!r?.ok) misses++;
      await closer;
    }
    expect(misses).toBe(0);
  });
});

describe('G2 a commit is final', () => {
  it('G2 a close in the same turn as a hand-off does not fail the committed sender (select face)', async () => {
    for (let i = 0; i < 1000; i++) {
      const ch = new Channel<number>();
      const other = new Channel<number>();
      const sel = select({ s: send(ch, i), o: recv(other) });
      const got = ch.recv();
      ch.close();
      other.close();
      await expect(sel).resolves.toEqual({ case: 's' });
      await expect(got).resolves.toEqual({ value: i, ok: true });
    }
  });
});

describe('G3 exactly one case wins', () => {
  it('G3 doubleselect: a sender selecting over four channels never delivers a value twice', async () => {
    const n = 20_000;
    const cs = [0, 1, 2, 3].map(() => new Channel<number>());
    const sink = new Channel<number>();
    const sender = go(async () => {
      for (let i = 0; i < n; i++) {
        await select({ a: send(cs[0]!, i), b: send(cs[1]!, i), c: send(cs[2]!, i), d: send(cs[3]!, i) });
      }
      for (const c of cs) c.close();
    });
    const forwarders = cs.map((c) =>
      go(async () => {
        for await (const v of c) await sink.send(v);
      }),
    );
    go(async () => {
      await sender;
      await Promise.all(forwarders);
      sink.close();
    });
    const seen = new Uint8Array(n);
    let duplicates = 0;
    let total = 0;
    for await (const v of sink) {
      if (seen[v]) duplicates++;
      seen[v] = 1;
      total++;
    }
    expect(duplicates).toBe(0);
    expect(total).toBe(n);
  });
});

describe('G4 no timer starvation', () => {
  it('G4 a timer select fires on time while two tasks ping-pong forever', async () => {
    const [ctx, stop] = withCancel(background());
    const game = pingPong(ctx);
    const start = performance.now();
    const fired = await go(() => select({ never: recv(new Channel<number>()), t: recv(timeAfter(10)) }));
    const elapsed = performance.now() - start;
    stop();
    expect(fired.case).toBe('t');
    expect(game.rounds()).toBeGreaterThan(10);
    // Go's rule says "about 50 ms"; the margin absorbs a loaded CI machine.
    expect(elapsed).toBeLessThan(100);
  });
  it('G4 a timer fires on time while a buffered producer and consumer never block', async () => {
    const ch = new Channel<number>(8);
    let stopped = false;
    let received = 0;
    const producer = (async () => {
      for (let n = 0; !stopped; n++) await ch.send(n);
      ch.close();
    })();
    const consumers = [
      (async () => {
        for await (const _ of ch) received++;
      })(),
      (async () => {
        while ((await ch.recv()).ok) received++;
      })(),
    ];
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const elapsed = performance.now() - start;
    stopped = true;
    await Promise.all([producer, ...consumers]);
    expect(received).toBeGreaterThan(10);
    expect(elapsed).toBeLessThan(100);
  });
});

describe('G6 re-entrancy', () => {
  it('G6 a ranging handler that sends and closes on its own channel sees a consistent channel', () => {
    const ch = new Channel<string>(2);
    const log: string[] = [];
    ch.subscribe({
      next: (v) => {
        log.push(v);
        if (v === 'a') {
          expect(ch.trySend('x')).toBe(true);
          expect(ch.trySend('y')).toBe(true);
          expect(ch.trySend('z')).toBe(false);
          expect(ch.length).toBe(2);
          inspect(ch).checkInvariants();
          ch.close();
        }
      },
      complete: () => log.push('complete'),
    });
    expect(ch.trySend('a')).toBe(true);
    expect(log).toEqual(['a', 'x', 'y', 'complete']);
    expect(ch.length).toBe(0);
    expect(ch.capacity).toBe(2);
    inspect(ch).checkInvariants();
  });

  it('G6 a receiver handler that receives and sends again keeps FIFO order among waiters', () => {
    const ch = new Channel<number>();
    const log: string[] = [];
    ch.recv$().subscribe((v) => {
      log.push(`r1 ${v}`);
      expect(ch.tryRecv()).toBeUndefined();
      expect(ch.trySend(100)).toBe(true);
      inspect(ch).checkInvariants();
    });
    ch.recv$().subscribe((v) => log.push(`r2 ${v}`));
    ch.recv$().subscribe((v) => log.push(`r3 ${v}`));
    expect(ch.trySend(1)).toBe(true);
    expect(log).toEqual(['r1 1', 'r2 100']);
    expect(ch.trySend(2)).toBe(true);
    expect(log).toEqual(['r1 1', 'r2 100', 'r3 2']);
    expect(inspect(ch).waiting).toEqual({ senders: 0, receivers: 0 });
  });

  it('G6 a sender handler that closes the channel inside the receive that admitted it', () => {
    const ch = new Channel<string>(1);
    ch.trySend('a');
    const log: unknown[] = [];
    ch.send$('b').subscribe({
      next: () => {
        log.push('b sent');
        ch.close();
      },
    });
    ch.send$('c').subscribe({ error: (e) => log.push(e instanceof ClosedChannelError ? 'c failed' : e) });
    expect(ch.tryRecv()).toEqual({ value: 'a', ok: true });
    expect(log).toEqual(['b sent', 'c failed']);
    inspect(ch).checkInvariants();
    expect(ch.length).toBe(1);
    expect(drain(ch)).toEqual(['b']);
    expect(ch.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('G6 receivers woken by close may use the channel again from their handlers', () => {
    const ch = new Channel<number>();
    const log: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      ch.recv$().subscribe({
        complete: () => {
          log.push(ch.tryRecv());
          try {
            ch.trySend(1);
          } catch (e) {
            log.push((e as Error).message);
          }
        },
      });
    }
    ch.close();
    expect(log).toEqual([1, 2, 3].flatMap(() => [{ value: undefined, ok: false }, 'send on closed channel']));
    inspect(ch).checkInvariants();
  });

  it('G6 a throwing ranging handler loses nothing and the ranging goes on', async () => {
    const ch = new Channel<number>();
    const got: number[] = [];
    ch.subscribe((v) => {
      got.push(v);
      if (v === 2) throw new Error('handler failed');
    });
    for (let i = 0; i < 5; i++) expect(ch.trySend(i)).toBe(true);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    await reports();
    expect(reported).toHaveLength(1);
    inspect(ch).checkInvariants();
    expect(inspect(ch).waiting.receivers).toBe(1);
  });

  it('G6 a throwing operator ends its subscription; the values it did not take stay in the channel', () => {
    const ch = new Channel<number>(4);
    for (let i = 0; i < 4; i++) ch.trySend(i);
    let error: unknown;
    ch.pipe(
      map((v) => {
        if (v === 1) throw new Error('map failed');
        return v;
      }),
    ).subscribe({ error: (e) => (error = e) });
    expect((error as Error).message).toBe('map failed');
    expect(inspect(ch).waiting.receivers).toBe(0);
    expect(drain(ch)).toEqual([2, 3]);
    inspect(ch).checkInvariants();
  });

  it('G6 a throwing sender handler inside CH6 leaves the buffer full and the next sender queued', async () => {
    const ch = new Channel<string>(1);
    ch.trySend('a');
    ch.send$('b').subscribe(() => {
      throw new Error('sender handler failed');
    });
    const c = ch.send('c');
    expect(ch.tryRecv()).toEqual({ value: 'a', ok: true });
    expect(ch.length).toBe(1);
    expect(inspect(ch).waiting.senders).toBe(1);
    inspect(ch).checkInvariants();
    expect(drain(ch)).toEqual(['b', 'c']);
    await c;
    await reports();
    expect(reported).toHaveLength(1);
  });
});

describe('G7 deregistration on every exit path', () => {
  it('G7 10^5 selects that lose on a dummy channel leave zero waiters behind', async () => {
    const base = snapshotLive().parked;
    const c = new Channel<number>();
    const dummy = new Channel<number>();
    const n = 100_000;
    go(async () => {
      for (let i = 0; i < n; i++) await c.send(i);
    });
    let leftovers = 0;
    for (let i = 0; i < n; i++) {
      const r = await select({ c: recv(c), dummy: recv(dummy) });
      if (r.case !== 'c' || r.value !== i) throw new Error(`unexpected ${JSON.stringify(r)}`);
      leftovers += inspect(dummy).waiting.receivers;
    }
    expect(leftovers).toBe(0);
    await flush();
    expect(snapshotLive().parked).toBe(base);
  });

  it('G7 unsubscribed select$ and cancelled selects leave zero waiters behind', async () => {
    const base = snapshotLive().parked;
    const a = new Channel<number>();
    const b = new Channel<number>(1);
    for (let i = 0; i < 100_000; i++) {
      const sub = select$({ a: recv(a), b: send(b, i), a2: recv(a) }).subscribe();
      sub.unsubscribe();
      b.tryRecv();
    }
    expect(snapshotLive().parked).toBe(base);
    expect(inspect(a).waiting).toEqual({ senders: 0, receivers: 0 });

    for (let i = 0; i < 10_000; i++) {
      const [ctx, cancel] = withCancel(background());
      b.trySend(0);
      const p = select({ a: recv(a), b: send(b, i) }, ctx);
      cancel();
      await expect(p).rejects.toBeInstanceOf(CanceledError);
      b.tryRecv();
    }
    expect(snapshotLive().parked).toBe(base);
    expect(inspect(b).waiting).toEqual({ senders: 0, receivers: 0 });
  });
});
