// Application error classes the specs register on both sides of a thread pool.
import { CanceledError } from '../../../lib/errors.js';
import { registerError } from '../../../lib/threads/codec.js';

/** A registered class with its own data and an own enumerable property. */
export class QuotaError extends Error {
  constructor(
    readonly limit: number,
    options?: ErrorOptions,
  ) {
    super(`quota of ${limit} exceeded`, options);
    this.name = 'QuotaError';
  }
}

/** A registered class under an explicit key (as a minified build needs). */
export class ParseError extends SyntaxError {
  line = 0;
}

/** A class nobody registers: it arrives as a plain Error that keeps its name. */
export class StrayError extends Error {
  override name = 'StrayError';
  extra = 'kept';
}

/** A registered subclass of a gorx error: it arrives as itself, and as the gorx class. */
export class TenantGone extends CanceledError {
  tenant = 'acme';
}

/** An error whose name cannot be read (a getter that throws). */
export function unreadable(message: string): Error {
  const e = new Error(message);
  Object.defineProperty(e, 'name', {
    get() {
      throw new Error('no name');
    },
  });
  return e;
}

export function registerClasses(): void {
  registerError(QuotaError);
  registerError(ParseError, { name: 'spec.ParseError' });
  registerError(TenantGone, { name: 'spec.TenantGone' });
}
