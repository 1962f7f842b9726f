import fc from 'fast-check';
import { CanceledError, Channel } from 'gorx';
import type { Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ModelChannel, type Outcome } from '../helpers/model.js';
import { flush, inspect } from './helpers.js';

/** Go's panic texts compare by message; a close error compares by identity. */
function norm(o: Outcome | 'canceled'): unknown {
  if (o === 'canceled' || o.kind !== 'error') return o;
  const e = o.error as Error;
  return e.message === 'send on closed channel' ? 'send on closed channel' : e;
}

function attempt<T>(fn: () => T): { ok: T } | { thrown: unknown } {
  try {
    return { ok: fn() };
  } catch (e) {
    return { thrown: e instanceof Error && e.message.endsWith('closed channel') ? e.message : e };
  }
}

interface Model {
  m: ModelChannel;
  nextId: number;
  nextValue: number;
  canceled: Set<number>;
}
interface Real {
  ch: Channel<number>;
  done: Map<number, Outcome | 'canceled'>;
  cancels: Map<number, () => void>;
}

function compare(model: Model, real: Real): void {
  inspect(real.ch).checkInvariants();
  expect(real.ch.length).toBe(model.m.buf.length);
  expect(inspect(real.ch).waiting).toEqual({
    senders: model.m.senders.length,
    receivers: model.m.receivers.length,
  });
  const expected = new Map<number, unknown>();
  for (const [id, o] of model.m.done) expected.set(id, norm(o));
  for (const id of model.canceled) expected.set(id, 'canceled');
  const actual = new Map<number, unknown>();
  for (const [id, o] of real.done) actual.set(id, norm(o));
  expect(actual).toEqual(expected);
}

type Face = 'observable' | 'promise';

/** Starts a blocking op on the real channel through one face; records its outcome in `done`. */
function start(real: Real, face: Face, id: number, op: 'send' | 'recv', value: number): void {
  const { ch, done } = real;
  if (face === 'observable') {
    let sub: Subscription;
    if (op === 'send') {
      sub = ch.send$(value).subscribe({
        next: () => done.set(id, { kind: 'sent' }),
        error: (error) => done.set(id, { kind: 'error', error }),
      });
    } else {
      let got = false;
      sub = ch.recv$().subscribe({
        next: (v) => {
          got = true;
          done.set(id, { kind: 'value', value: v });
        },
        complete: () => got || done.set(id, { kind: 'closed' }),
        error: (error) => done.set(id, { kind: 'error', error }),
      });
    }
    real.cancels.set(id, () => sub.unsubscribe());
  } else {
    const ac = new AbortController();
    const fail = (error: unknown) =>
      done.set(id, error instanceof CanceledError ? 'canceled' : { kind: 'error', error });
    if (op === 'send') ch.send(value, ac.signal).then(() => done.set(id, { kind: 'sent' }), fail);
    else {
      ch.recv(ac.signal).then(
        (r) => done.set(id, r.ok ? { kind: 'value', value: r.value } : { kind: 'closed' }),
        fail,
      );
    }
    real.cancels.set(id, () => ac.abort());
  }
}

type Op =
  | { readonly t: 'trySend' }
  | { readonly t: 'tryRecv' }
  | { readonly t: 'send' }
  | { readonly t: 'recv' }
  | { readonly t: 'cancel'; readonly k: number }
  | { readonly t: 'close'; readonly withError: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ t: 'trySend' } as const), weight: 3 },
  { arbitrary: fc.constant({ t: 'tryRecv' } as const), weight: 3 },
  { arbitrary: fc.constant({ t: 'send' } as const), weight: 3 },
  { arbitrary: fc.constant({ t: 'recv' } as const), weight: 3 },
  { arbitrary: fc.nat(20).map((k) => ({ t: 'cancel', k }) as const), weight: 2 },
  { arbitrary: fc.boolean().map((withError) => ({ t: 'close', withError }) as const), weight: 1 },
);

/** Applies one op to the model and the real channel; synchronous results must match at once. */
function step(model: Model, real: Real, op: Op, face: Face): void {
  const { m } = model;
  switch (op.t) {
    case 'trySend': {
      const v = model.nextValue++;
      expect(attempt(() => real.ch.trySend(v))).toEqual(attempt(() => m.trySend(v)));
      break;
    }
    case 'tryRecv': {
      const expected = attempt(() => {
        const r = m.tryRecv();
        return r === undefined
          ? undefined
          : r === 'closed'
            ? { value: undefined, ok: false }
            : { value: r.value, ok: true };
      });
      expect(attempt(() => real.ch.tryRecv())).toEqual(expected);
      break;
    }
    case 'send':
    case 'recv': {
      const id = model.nextId++;
      const v = model.nextValue++;
      if (op.t === 'send') m.send(id, v);
      else m.recv(id);
      start(real, face, id, op.t, v);
      break;
    }
    case 'cancel': {
      if (model.nextId === 0) break;
      const id = op.k % model.nextId;
      // The observable face reports nothing when unsubscribed; the Promise face rejects.
      if (m.cancel(id) && face === 'promise') model.canceled.add(id);
      real.cancels.get(id)?.();
      break;
    }
    case 'close': {
      const error = op.withError ? new Error('closed with an error') : undefined;
      expect(attempt(() => real.ch.close(error))).toEqual(attempt(() => m.close(error)));
      break;
    }
  }
}

function setup(capacity: number): { model: Model; real: Real } {
  return {
    model: { m: new ModelChannel(capacity), nextId: 0, nextValue: 0, canceled: new Set() },
    real: { ch: new Channel<number>(capacity), done: new Map(), cancels: new Map() },
  };
}

describe('Channel against the reference model', () => {
  it('CH2–CH13 the Observable and try faces match the model step by step (capacities 0..4)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(opArb, { maxLength: 60 }), (capacity, ops) => {
        const { model, real } = setup(capacity);
        for (const op of ops) {
          step(model, real, op, 'observable');
          compare(model, real);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('T9 the Promise faces with AbortSignal cancellation match the model once settled (capacities 0..4)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4 }),
        fc.array(opArb, { maxLength: 30 }),
        async (capacity, ops) => {
          const { model, real } = setup(capacity);
          for (const op of ops) {
            step(model, real, op, 'promise');
            await flush(2);
            compare(model, real);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
