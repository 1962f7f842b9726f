// select reads its cases object once, at the call: own enumerable string keys only, each case
// once, every case checked before anything happens; it keeps no state between calls, so a select
// run by user code from inside another cannot disturb it.
import { background, Channel, type Context, recv, select, select$, send, trySelect, withCancel } from 'gorx';
import { describe, expect, it } from 'vitest';
import { flush, track } from '../helpers/async.js';

function ready(value = 1): Channel<number> {
  const ch = new Channel<number>(1);
  ch.trySend(value);
  return ch;
}

/** A cases object whose every case counts how often it is read. */
function counted(make: () => Record<string, unknown>) {
  const reads: Record<string, number> = {};
  const cases = {};
  for (const [key, c] of Object.entries(make())) {
    reads[key] = 0;
    Object.defineProperty(cases, key, {
      enumerable: true,
      get() {
        reads[key]!++;
        return c;
      },
    });
  }
  return { cases: cases as never, reads };
}

describe('select reads its cases once', () => {
  it('SE1 every face reads each case exactly once, ready or not', async () => {
    const make = () => ({ a: recv(new Channel<number>()), b: send(new Channel<number>(), 1), off: null });
    for (const run of [
      (c: never) => trySelect(c),
      (c: never) => select$(c).subscribe().unsubscribe(),
      (c: never) => select(c, withCancel(background())[0]),
    ]) {
      const { cases, reads } = counted(make);
      run(cases);
      expect(reads).toEqual({ a: 1, b: 1, off: 1 });
    }
    const r = counted(() => ({ a: recv(ready(5)), b: recv(ready(6)) }));
    await select(r.cases);
    expect(r.reads).toEqual({ a: 1, b: 1 });
  });

  it('SE1 a select$ reads its cases at the call; each subscription uses what was read', () => {
    const { cases, reads } = counted(() => ({ a: recv(ready(1)) }));
    const s$ = select$(cases);
    s$.subscribe();
    s$.subscribe().unsubscribe();
    expect(reads).toEqual({ a: 1 });
  });

  it('SE1 inherited keys play no part: a polluted Object.prototype changes nothing', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    const other = ready(9);
    try {
      proto.x = 1;
      const ch = ready(1);
      expect(trySelect({ a: recv(ch) })).toEqual({ case: 'a', value: 1, ok: true });
      proto.x = recv(other);
      const empty = new Channel<number>();
      for (let i = 0; i < 20; i++) expect(trySelect({ a: recv(empty) })).toBeUndefined();
      const p = track(select({ a: recv(empty) }));
      empty.trySend(2);
      await flush();
      expect(p.current).toEqual({ status: 'fulfilled', value: { case: 'a', value: 2, ok: true } });
      expect(other.length).toBe(1);
    } finally {
      delete proto.x;
    }
  });
});

describe('select checks every case before anything happens', () => {
  it('SE1 symbol keys, arrays, Maps and class instances are a TypeError', () => {
    const ch = ready(1);
    const empty = new Channel<number>();
    const sym = Symbol('k');
    expect(() => trySelect({ [sym]: recv(empty) } as never)).toThrow(TypeError);
    expect(() => select({ [sym]: recv(empty) } as never)).toThrow(TypeError);
    expect(() => select$({ [sym]: recv(ch) } as never)).toThrow(TypeError);
    expect(() => trySelect([recv(ch)] as never)).toThrow('an array');
    expect(() => trySelect(new Map([['a', recv(ch)]]) as never)).toThrow(TypeError);
    class Cases {
      a = recv(ch);
    }
    expect(() => select(new Cases() as never)).toThrow(TypeError);
    expect(ch.length).toBe(1);
    const bare = Object.create(null) as Record<string, unknown>;
    bare.a = recv(ch);
    expect(trySelect(bare as never)).toEqual({ case: 'a', value: 1, ok: true });
  });

  it('SE1 a forged case after a ready one fails the select before the ready one is taken', () => {
    for (const forged of [{ op: 0 }, { op: 0, port: ready(3) }, { op: 1, port: null, value: 1 }, 42]) {
      const ch = ready(1);
      const empty = new Channel<number>();
      const p = () => select({ a: recv(ch), b: forged as never });
      expect(p).toThrow(TypeError);
      expect(() => select({ a: recv(empty), b: forged as never })).toThrow(TypeError);
      expect(() => trySelect({ a: recv(ch), b: forged as never })).toThrow(TypeError);
      expect(() => select$({ a: recv(ch), b: forged as never })).toThrow(TypeError);
      expect(ch.length).toBe(1);
      expect(empty.trySend(1)).toBe(false); // nothing was parked on it
    }
  });
});

describe('select commits what it reports', () => {
  it('SE4 trySelect does not report a send that did not happen', () => {
    const ch = new Channel<number>();
    const receiver = ch.recv$().subscribe();
    const cases = {
      a: send(ch, 1),
      // Read after `a`: takes the receiver away, so `a` is no longer ready.
      get b() {
        receiver.unsubscribe();
        return null;
      },
    };
    expect(trySelect(cases as never)).toBeUndefined();
    expect(ch.tryRecv()).toBeUndefined();
  });

  it('G1 a select run by user code inside another (a Context getter) does not disturb it', async () => {
    const a = ready(1);
    const c = ready(3);
    const [inner] = withCancel(background());
    let nested: unknown;
    const ctx: Context = {
      get done() {
        return inner.done;
      },
      get err() {
        nested ??= trySelect({ c: recv(c) });
        return inner.err;
      },
      get signal() {
        return inner.signal;
      },
      deadline: undefined,
      value: () => undefined,
    };
    expect(await select({ a: recv(a), b: recv(new Channel<number>()) }, ctx)).toEqual({
      case: 'a',
      value: 1,
      ok: true,
    });
    expect(nested).toEqual({ case: 'c', value: 3, ok: true });
  });
});
