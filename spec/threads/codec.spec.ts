import {
  BufferOverflowError,
  CanceledError,
  ClosedChannelError,
  DeadlineExceededError,
  NegativeCounterError,
  UnlockError,
} from 'gorx';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { decodeError, encodeError, registerError, type Wired } from '../../lib/threads/codec.js';
import { WorkerExitError } from '../../lib/threads/errors.js';
import { transfer } from '../../lib/threads/wire.js';
import { ParseError, QuotaError, registerClasses, StrayError, TenantGone } from './workers/classes.js';

registerClasses();

// One real MessagePort hop: what structured clone does to the encoded record is part of the test.
const { port1, port2 } = new MessageChannel();
afterAll(() => port1.close());

function hop(value: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    port2.onmessage = (event) => resolve(decodeError(event.data as Wired));
    port1.postMessage(encodeError(value));
  });
}

async function roundTrip<T>(value: T): Promise<T & { remote?: boolean }> {
  return (await hop(value)) as T & { remote?: boolean };
}

describe('errors across threads', () => {
  const gorx = [
    [ClosedChannelError, () => new ClosedChannelError('close of closed channel')],
    [CanceledError, () => new CanceledError()],
    [DeadlineExceededError, () => new DeadlineExceededError()],
    [NegativeCounterError, () => new NegativeCounterError()],
    [UnlockError, () => new UnlockError()],
    [BufferOverflowError, () => new BufferOverflowError(16, 'x')],
    [WorkerExitError, () => new WorkerExitError(7)],
  ] as const;

  for (const [cls, make] of gorx) {
    it(`E1 ${cls.name} arrives as ${cls.name} with Go's text and the remote stack`, async () => {
      const sent = make();
      const got = await roundTrip(sent);
      expect(got).toBeInstanceOf(cls);
      expect(got).toBeInstanceOf(Error);
      expect(got).not.toBe(sent);
      expect(got.name).toBe(cls.name);
      expect(got.message).toBe(sent.message);
      expect(got.stack).toBe(sent.stack);
      expect(got.remote).toBe(true);
      expect(Object.keys(got)).not.toContain('remote');
      expect(Object.prototype.toString.call(got)).toBe('[object Error]');
    });
  }

  it('E1 own properties of gorx errors cross: timeout, capacity and value, code and uncertain', async () => {
    const deadline = await roundTrip(new DeadlineExceededError());
    expect(deadline.timeout).toBe(true);
    const overflow = await roundTrip(new BufferOverflowError(16, { n: 1 }));
    expect([overflow.capacity, overflow.value]).toEqual([16, { n: 1 }]);
    const exit = await roundTrip(new WorkerExitError(3, { cause: new TypeError('inner'), uncertain: 2 }));
    expect([exit.code, exit.uncertain, exit.message]).toEqual([3, 2, 'worker exited with code 3']);
    expect(exit.cause).toBeInstanceOf(TypeError);
  });

  it('E1 a CanceledError keeps its cause, and a DeadlineExceededError its cause, as their classes', async () => {
    const canceled = await roundTrip(new CanceledError({ cause: new QuotaError(3) }));
    expect(canceled).toBeInstanceOf(CanceledError);
    expect(canceled.cause).toBeInstanceOf(QuotaError);
    expect((canceled.cause as QuotaError).limit).toBe(3);
    const expired = await roundTrip(new DeadlineExceededError({ cause: 'too slow' }));
    expect(expired.cause).toBe('too slow');
    expect(expired.timeout).toBe(true);
  });

  it('E1 a registered class arrives as itself, without running its constructor, with its own properties', async () => {
    const got = await roundTrip(new QuotaError(5));
    expect(got).toBeInstanceOf(QuotaError);
    expect(got.constructor).toBe(QuotaError);
    expect([got.name, got.message, got.limit]).toEqual(['QuotaError', 'quota of 5 exceeded', 5]);
    const parse = await roundTrip(Object.assign(new ParseError('unexpected end'), { line: 7 }));
    expect(parse).toBeInstanceOf(ParseError);
    expect(parse).toBeInstanceOf(SyntaxError);
    expect([parse.name, parse.message, parse.line]).toEqual(['SyntaxError', 'unexpected end', 7]);
  });

  it('E1 a chain of causes keeps every class', async () => {
    const sent = new QuotaError(1, {
      cause: new CanceledError({ cause: new ParseError('deep', { cause: new RangeError('deepest') }) }),
    });
    const got = await roundTrip(sent);
    expect(got).toBeInstanceOf(QuotaError);
    const c1 = got.cause as Error;
    expect(c1).toBeInstanceOf(CanceledError);
    const c2 = c1.cause as Error;
    expect(c2).toBeInstanceOf(ParseError);
    expect(c2.message).toBe('deep');
    expect(c2.cause).toBeInstanceOf(RangeError);
    expect((c2.cause as Error).message).toBe('deepest');
    expect((c2.cause as Error & { remote?: boolean }).remote).toBe(true);
  });

  it('E1 a cycle of causes ends instead of recursing for ever', async () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const got = await roundTrip(a);
    expect(got.message).toBe('a');
    expect((got.cause as Error).message).toBe('b');
    expect((got.cause as Error).cause).toBe('Error: a');
  });

  it('E1 an unregistered class arrives as a plain Error that keeps its name and own properties', async () => {
    const got = await roundTrip(new StrayError('astray'));
    expect(got).toBeInstanceOf(Error);
    expect(got).not.toBeInstanceOf(StrayError);
    expect(Object.getPrototypeOf(got)).toBe(Error.prototype);
    expect([got.name, got.message, got.extra]).toEqual(['StrayError', 'astray', 'kept']);
    expect(String(got)).toBe('StrayError: astray');
  });

  it('E1 built-in classes arrive as themselves; an AggregateError keeps its errors', async () => {
    for (const cls of [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, Error]) {
      const got = await roundTrip(new cls('m'));
      expect(Object.getPrototypeOf(got)).toBe(cls.prototype);
      expect(got.message).toBe('m');
    }
    const agg = await roundTrip(new AggregateError([new QuotaError(1), 'x'], 'several'));
    expect(agg).toBeInstanceOf(AggregateError);
    expect(agg.message).toBe('several');
    expect(agg.errors[0]).toBeInstanceOf(QuotaError);
    expect(agg.errors[1]).toBe('x');
  });

  it('E1 DOMException (AbortError, TimeoutError, DataCloneError) arrives as a DOMException', async () => {
    for (const name of ['AbortError', 'TimeoutError', 'DataCloneError']) {
      const sent = new DOMException(`m ${name}`, name);
      const got = await roundTrip(sent);
      expect(got).toBeInstanceOf(DOMException);
      expect([got.name, got.message, got.code]).toEqual([name, `m ${name}`, sent.code]);
      expect(got.remote).toBe(true);
    }
    const aborted = AbortSignal.abort().reason as DOMException;
    const got = await roundTrip(aborted);
    expect(got).toBeInstanceOf(DOMException);
    expect(got.name).toBe('AbortError');
  });

  it('E1 values that are not errors cross as themselves, or as text when they cannot be cloned', async () => {
    expect(await roundTrip('plain')).toBe('plain');
    expect(await roundTrip(42)).toBe(42);
    expect(await roundTrip(undefined)).toBe(undefined);
    expect(await roundTrip({ code: 1 })).toEqual({ code: 1 });
    expect(await roundTrip(Symbol.for('s'))).toBe('Symbol(s)');
    const fn = () => 1;
    expect(await roundTrip(fn)).toBe(String(fn));
  });

  it('E1 own properties that cannot be cloned are left out, the others kept', async () => {
    const sent = Object.assign(new Error('m'), { keep: [1, 2], drop: () => 1, nested: new TypeError('t') });
    const got = await roundTrip(sent);
    expect(got.keep).toEqual([1, 2]);
    expect('drop' in got).toBe(false);
    expect(got.nested).toBeInstanceOf(TypeError);
  });

  it('E1 a getter that throws on an own property does not stop the error from crossing', async () => {
    const sent = new Error('m');
    Object.defineProperty(sent, 'bad', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const got = await roundTrip(sent);
    expect(got.message).toBe('m');
    expect('bad' in got).toBe(false);
  });

  it('E1 an error whose name, message, stack or cause cannot be read crosses with what can be read; one that cannot be read at all, as its text', async () => {
    const sent = new Error('readable message');
    for (const key of ['stack', 'cause', 'name']) {
      Object.defineProperty(sent, key, {
        get() {
          throw new Error(key);
        },
      });
    }
    const got = await roundTrip(sent);
    expect([got instanceof Error, got.message]).toEqual([true, 'readable message']);
    const opaque = new Proxy(new Error('hidden'), {
      getPrototypeOf() {
        throw new Error('no prototype');
      },
    });
    expect(() => encodeError(opaque)).not.toThrow();
    expect(typeof (await hop(opaque))).toBe('string');
  });

  it('E1 a registered subclass of a gorx error arrives as itself and as the gorx class', async () => {
    const got = await roundTrip(new TenantGone());
    expect([got instanceof TenantGone, got instanceof CanceledError, got.tenant]).toEqual([
      true,
      true,
      'acme',
    ]);
  });

  it('E1 T1 an error rebuilt before its class made an instance on this side is an instance of it', async () => {
    // A fresh copy of the codec and the classes, as a thread that has made none of them yet.
    vi.resetModules();
    const fresh = await import('../../lib/threads/codec.js');
    const classes = await import('../../lib/threads/errors.js');
    const errors = await import('../../lib/errors.js');
    const got = fresh.decodeError(encodeError(new WorkerExitError(3, { cause: new CanceledError() })));
    expect(got).toBeInstanceOf(classes.WorkerExitError);
    expect((got as Error).cause).toBeInstanceOf(errors.CanceledError);
    expect((got as Error).cause).not.toBeInstanceOf(errors.DeadlineExceededError);
  });

  it('registerError rejects what is not an Error class or a usable name', () => {
    expect(() => registerError(42 as never)).toThrow(TypeError);
    expect(() => registerError(class NotAnError {} as never)).toThrow(TypeError);
    expect(() => registerError(Error)).toThrow(TypeError);
    expect(() => registerError(class extends Error {}, { name: '' })).toThrow(TypeError);
    expect(() => registerError(QuotaError, { name: 3 as never })).toThrow(TypeError);
  });

  it('transfer rejects what is not an object, and buffers that are not an array', () => {
    expect(() => transfer(1, [])).toThrow(TypeError);
    expect(() => transfer(null, [])).toThrow(TypeError);
    expect(() => transfer({}, 'x' as never)).toThrow(TypeError);
    const bytes = new Uint8Array(4);
    expect(transfer(bytes, [bytes.buffer])).toBe(bytes);
  });
});

describe('a context error crossing without its stack', () => {
  it('C2 E1 a cancellation error travels without its own stack (its cause keeps its stack), and arrives as its class', () => {
    const cause = new QuotaError(2);
    const err = new CanceledError({ cause });
    const wired = encodeError(err, false) as { x: { s?: string; c?: { x: { s?: string } } } };
    expect(wired.x.s).toBeUndefined();
    expect(wired.x.c?.x.s).toBe(cause.stack);
    const back = decodeError(wired as Wired) as CanceledError;
    expect(back).toBeInstanceOf(CanceledError);
    expect(back.message).toBe('context canceled');
    expect(back.cause).toBeInstanceOf(QuotaError);
  });
});
