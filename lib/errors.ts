/**
 * The errors gorx throws. Each is a real `Error` subclass whose `message` is Go's panic or error
 * text, whose `name` is the class name, and whose `instanceof` check holds across the ESM and CJS
 * builds (and across two copies of the package): the check reads a brand keyed by
 * `Symbol.for('gorx.<Name>')`, not the prototype chain.
 */
//
// The classes share one base that holds all of this; each class states only its name (a static
// field, so a bundler still sees classes without side effects and drops every error a program
// does not use), its message and its data. The errors of the thread layer and of gorx/testing
// extend the same base; it is not exported from any entry point.

/**
 * The base of gorx's errors: the name, the brand and the cross-copy `instanceof`. Each class
 * of this file names itself with an own static `id`; a subclass the user writes has none of its
 * own, so `instanceof` it goes by prototype, and its instances carry the brand of the gorx class.
 */
export abstract class GorxError extends Error {
  /** @internal The class name, which keys the brand. */
  declare static readonly id: string;
  static override [Symbol.hasInstance](value: unknown): boolean {
    // A subclass of the user's: the ordinary prototype-chain check (Function.prototype's).
    if (!Object.hasOwn(this, 'id')) return super[Symbol.hasInstance](value);
    // `?.` reads the brand of any value but null and undefined (a primitive has none).
    return (value as Record<symbol, unknown> | null | undefined)?.[Symbol.for(`gorx.${this.id}`)] === true;
  }
  override get name(): string {
    return (this.constructor as typeof GorxError).id;
  }
  // Assigning `name` makes it an own property, as it would be for a plain Error.
  override set name(value: string) {
    Object.defineProperty(this, 'name', { value, writable: true, configurable: true, enumerable: true });
  }
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    Object.defineProperty(this, Symbol.for(`gorx.${new.target.id}`), { value: true });
  }
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
export class ClosedChannelError extends GorxError {
  /** @internal */
  static override readonly id = 'ClosedChannelError';
  constructor(message = 'send on closed channel') {
    super(message);
  }
}

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
export class CanceledError extends GorxError {
  /** @internal */
  static override readonly id = 'CanceledError';
  constructor(options?: ErrorOptions) {
    super('context canceled', options);
  }
}

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
export class DeadlineExceededError extends GorxError {
  /** @internal */
  static override readonly id = 'DeadlineExceededError';
  /** Always `true`, as Go's `Timeout()`. */
  readonly timeout = true;
  constructor(options?: ErrorOptions) {
    super('context deadline exceeded', options);
  }
}

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
export class NegativeCounterError extends GorxError {
  /** @internal */
  static override readonly id = 'NegativeCounterError';
  constructor(message = 'sync: negative WaitGroup counter') {
    super(message);
  }
}

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
export class UnlockError extends GorxError {
  /** @internal */
  static override readonly id = 'UnlockError';
  constructor(message = 'sync: unlock of unlocked mutex') {
    super(message);
  }
}

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
export class BufferOverflowError extends GorxError {
  /** @internal */
  static override readonly id = 'BufferOverflowError';
  constructor(
    readonly capacity: number,
    readonly value?: unknown,
  ) {
    super(`buffer overflow: capacity ${capacity} exceeded`);
  }
}
