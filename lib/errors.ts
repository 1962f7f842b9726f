/**
 * The errors gorx throws. Each is a real `Error` subclass whose `message` is Go's panic or error
 * text, whose `name` is the class name, and whose `instanceof` check holds across the ESM and CJS
 * builds (and across two copies of the package): the check reads a brand keyed by
 * `Symbol.for('gorx.<Name>')`, not the prototype chain.
 */

const brands = new Map<Function, symbol>();

/**
 * Installs the cross-build `instanceof` on an error class.
 * @internal
 */
export function branded<C extends abstract new (...args: any[]) => Error>(ctor: C, name: string): C {
  const brand = Symbol.for(`gorx.${name}`);
  brands.set(ctor, brand);
  Object.defineProperty(ctor.prototype, brand, { value: true });
  Object.defineProperty(ctor.prototype, 'name', { value: name, writable: true, configurable: true });
  Object.defineProperty(ctor, Symbol.hasInstance, {
    value(this: Function, value: unknown): boolean {
      const own = brands.get(this);
      if (own === undefined) return Function.prototype[Symbol.hasInstance].call(this, value);
      return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[own] === true;
    },
  });
  return ctor;
}

/**
 * A send on a closed channel (`send on closed channel`), or a close of a closed channel
 * (`close of closed channel`).
 *
 * @example
 * ```ts
 * import { Channel, ClosedChannelError } from 'gorx';
 *
 * const ch = new Channel<number>(1);
 * ch.close();
 * try { ch.trySend(1); } catch (e) { console.log(e instanceof ClosedChannelError); } // true
 * ```
 * Go: the `send on closed channel` and `close of closed channel` panics. Rules: CH9, CH10.
 */
export class ClosedChannelError extends Error {
  constructor(message = 'send on closed channel') {
    super(message);
  }
}
branded(ClosedChannelError, 'ClosedChannelError');

/**
 * The error of a context that was cancelled (`context canceled`). `cause` holds the cause given to
 * the cancel function, when there was one.
 *
 * @example
 * ```ts
 * import { background, CanceledError, withCancel } from 'gorx';
 *
 * const [ctx, cancel] = withCancel(background());
 * cancel();
 * console.log(ctx.err instanceof CanceledError, ctx.err?.message); // true 'context canceled'
 * ```
 * Go: `context.Canceled`. Rules: CX2, CX6, CX16.
 */
export class CanceledError extends Error {
  constructor(options?: ErrorOptions) {
    super('context canceled', options);
  }
}
branded(CanceledError, 'CanceledError');

/**
 * The error of a context whose deadline passed (`context deadline exceeded`); `timeout` is `true`.
 *
 * @example
 * ```ts
 * import { background, DeadlineExceededError, withTimeout } from 'gorx';
 *
 * const [ctx] = withTimeout(background(), 0);
 * const err = ctx.err;
 * if (err instanceof DeadlineExceededError) console.log(err.message, err.timeout); // 'context deadline exceeded' true
 * ```
 * Go: `context.DeadlineExceeded`. Rules: CX6, CX7.
 */
export class DeadlineExceededError extends Error {
  /** Always `true`, as Go's `Timeout()`. */
  readonly timeout = true;
  constructor(options?: ErrorOptions) {
    super('context deadline exceeded', options);
  }
}
branded(DeadlineExceededError, 'DeadlineExceededError');

/**
 * A WaitGroup counter went below zero (`sync: negative WaitGroup counter`).
 *
 * @example
 * ```ts
 * import { NegativeCounterError, WaitGroup } from 'gorx';
 *
 * const wg = new WaitGroup();
 * try { wg.done(); } catch (e) { console.log(e instanceof NegativeCounterError); } // true
 * ```
 * Go: the `sync: negative WaitGroup counter` panic. Rules: WG1.
 */
export class NegativeCounterError extends Error {
  constructor(message = 'sync: negative WaitGroup counter') {
    super(message);
  }
}
branded(NegativeCounterError, 'NegativeCounterError');

/**
 * An unlock of an unlocked Mutex or RWMutex, or a release of more permits than a Semaphore holds.
 *
 * @example
 * ```ts
 * import { Mutex, UnlockError } from 'gorx';
 *
 * try { new Mutex().unlock(); } catch (e) { console.log(e instanceof UnlockError); } // true
 * ```
 * Go: `fatal error: sync: unlock of unlocked mutex`. Rules: MU3, RW4, SM7.
 */
export class UnlockError extends Error {
  constructor(message = 'sync: unlock of unlocked mutex') {
    super(message);
  }
}
branded(UnlockError, 'UnlockError');

/**
 * A push source overflowed a bridge whose overflow policy is `'error'`. `value` is the value that
 * found no room; it was not accepted, and everything accepted before it is still delivered.
 *
 * @example
 * ```ts
 * import { BufferOverflowError } from 'gorx';
 *
 * const e = new BufferOverflowError(16, 'x');
 * console.log(e.message); // 'buffer overflow: capacity 16 exceeded'
 * ```
 * Rules: CH19 (no limit the user did not ask for).
 */
export class BufferOverflowError extends Error {
  constructor(
    readonly capacity: number,
    readonly value?: unknown,
  ) {
    super(`buffer overflow: capacity ${capacity} exceeded`);
  }
}
branded(BufferOverflowError, 'BufferOverflowError');
