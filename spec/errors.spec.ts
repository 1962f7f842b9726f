import {
  BufferOverflowError,
  background,
  CanceledError,
  Channel,
  ClosedChannelError,
  DeadlineExceededError,
  NegativeCounterError,
  UnlockError,
  withCancelCause,
  withTimeout,
} from 'gorx';
import { DeadlockError, LeakError } from 'gorx/testing';
import { describe, expect, it } from 'vitest';

const classes = [
  [ClosedChannelError, 'ClosedChannelError', () => new ClosedChannelError(), 'send on closed channel'],
  [CanceledError, 'CanceledError', () => new CanceledError(), 'context canceled'],
  [
    DeadlineExceededError,
    'DeadlineExceededError',
    () => new DeadlineExceededError(),
    'context deadline exceeded',
  ],
  [
    NegativeCounterError,
    'NegativeCounterError',
    () => new NegativeCounterError(),
    'sync: negative WaitGroup counter',
  ],
  [UnlockError, 'UnlockError', () => new UnlockError(), 'sync: unlock of unlocked mutex'],
  [
    BufferOverflowError,
    'BufferOverflowError',
    () => new BufferOverflowError(16, 'x'),
    'buffer overflow: capacity 16 exceeded',
  ],
  [
    DeadlockError,
    'DeadlockError',
    () => new DeadlockError([], [], 0),
    /^all goroutines are asleep - deadlock!/,
  ],
  [LeakError, 'LeakError', () => new LeakError([], 0), /^found unexpected goroutines/],
] as const;

describe('errors', () => {
  for (const [cls, name, make, message] of classes) {
    it(`T1 ${name} is an Error with name "${name}" and Go's message`, () => {
      const e = make();
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(cls);
      expect(e.name).toBe(name);
      if (typeof message === 'string') expect(e.message).toBe(message);
      else expect(e.message).toMatch(message);
      expect(typeof e.stack).toBe('string');
      expect(String(e)).toMatch(new RegExp(`^${name}: `));
    });
  }

  it('T1 each error class is distinct: no instance passes another class check', () => {
    for (const [, , make] of classes) {
      const e = make();
      const matching = classes.filter(([cls]) => e instanceof cls);
      expect(matching).toHaveLength(1);
    }
    expect(new Error('plain')).not.toBeInstanceOf(CanceledError);
    expect(null).not.toBeInstanceOf(CanceledError);
  });

  it('T1 no primitive and no function is an instance, for the classes and their subclasses', () => {
    class MyCanceled extends CanceledError {}
    for (const value of [undefined, null, 0, 'CanceledError', true, 1n, Symbol('x'), () => {}]) {
      for (const [cls] of classes) expect(value instanceof cls).toBe(false);
      expect(value instanceof MyCanceled).toBe(false);
    }
  });

  it('T1 instanceof holds across builds and copies: it reads the Symbol.for brand', () => {
    // What an error made by another copy of gorx (the CJS build, a second install) looks like.
    const foreign = Object.assign(Object.create(Error.prototype), {
      [Symbol.for('gorx.CanceledError')]: true,
      message: 'context canceled',
    });
    expect(foreign instanceof CanceledError).toBe(true);
    expect(foreign instanceof DeadlineExceededError).toBe(false);
  });

  it('T1 a subclass of an error class is still an instance of it', () => {
    class MyCanceled extends CanceledError {}
    const e = new MyCanceled();
    expect(e).toBeInstanceOf(CanceledError);
    expect(e).toBeInstanceOf(MyCanceled);
    expect(new CanceledError()).not.toBeInstanceOf(MyCanceled);
  });

  it('T1 name is the class name on the prototype; assigning it makes an own property', () => {
    for (const [, name, make] of classes) {
      const e = make();
      expect(Object.hasOwn(e, 'name')).toBe(false);
      expect(e.stack?.startsWith(`${name}: `)).toBe(true);
      e.name = 'Renamed';
      expect(e.name).toBe('Renamed');
      expect(Object.hasOwn(e, 'name')).toBe(true);
    }
    class MyCanceled extends CanceledError {}
    expect(new MyCanceled().name).toBe('CanceledError');
  });

  it('CH9 ClosedChannelError carries "send on closed channel" and "close of closed channel"', async () => {
    const ch = new Channel<number>();
    ch.close();
    expect(() => ch.trySend(1)).toThrow(new ClosedChannelError('send on closed channel'));
    await expect(ch.send(1)).rejects.toBeInstanceOf(ClosedChannelError);
    let closeError: unknown;
    try {
      ch.close();
    } catch (e) {
      closeError = e;
    }
    expect(closeError).toBeInstanceOf(ClosedChannelError);
    expect((closeError as Error).message).toBe('close of closed channel');
  });

  it('CX6 CanceledError holds the cause; DeadlineExceededError has timeout === true', () => {
    const why = new Error('why');
    expect(new CanceledError({ cause: why }).cause).toBe(why);
    expect(new CanceledError().cause).toBeUndefined();
    expect(new DeadlineExceededError().timeout).toBe(true);
    expect(new DeadlineExceededError({ cause: why }).cause).toBe(why);
    expect((new CanceledError() as unknown as { timeout?: boolean }).timeout).toBeUndefined();
  });

  it('CX6 the errors of real contexts carry the same messages and causes', () => {
    const why = new Error('why');
    const [c, cancel] = withCancelCause(background());
    cancel(why);
    expect(c.err).toBeInstanceOf(CanceledError);
    expect(c.err?.message).toBe('context canceled');
    expect(c.err?.cause).toBe(why);
    const [d] = withTimeout(background(), 0, why);
    expect(d.err).toBeInstanceOf(DeadlineExceededError);
    expect(d.err?.message).toBe('context deadline exceeded');
    expect((d.err as DeadlineExceededError).timeout).toBe(true);
    expect(d.err?.cause).toBe(why);
  });

  it('T1 the other errors take custom messages and keep their data', () => {
    expect(new UnlockError('semaphore: released more than held').message).toBe(
      'semaphore: released more than held',
    );
    const overflow = new BufferOverflowError(4, { id: 1 });
    expect(overflow.capacity).toBe(4);
    expect(overflow.value).toEqual({ id: 1 });
  });

  it('DL1 DeadlockError and LeakError list what they found', () => {
    const task = { id: 3, name: 'stuck', created: undefined };
    const dl = new DeadlockError([task], ['chan receive on Channel(0)'], 1);
    expect(dl.tasks).toEqual([task]);
    expect(dl.waits).toEqual(['chan receive on Channel(0)']);
    expect(dl.parked).toBe(1);
    expect(dl.message).toContain('chan receive on Channel(0)');
    expect(dl.message).toContain('task 3 "stuck"');
    const leak = new LeakError([task], 2);
    expect(leak.tasks).toEqual([task]);
    expect(leak.parked).toBe(2);
    expect(leak.message).toContain('1 live task(s), 2 pending operation(s)');
  });
});
