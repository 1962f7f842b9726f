// Argument checks: one function per kind of argument, one message style
// (`<where>: <what> must be <rule>, got <value>`). A value of the wrong type (a string, a boolean,
// null, an object, a bigint where a number belongs) is a TypeError; a number of the right type but
// out of range (negative, fractional, NaN, infinite) is a RangeError.
import { isContext, isRecvPort, isSendPort } from './brand.js';

/**
 * Describes a bad value for an error message without running any user code: no `String()` of an
 * object (its `toString`, `valueOf` or `Symbol.toPrimitive`), no getter, no Proxy trap.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'symbol' || typeof value === 'function') return `a ${typeof value}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object' && value !== null) {
    try {
      return Array.isArray(value) ? 'an array' : 'an object';
    } catch {
      return 'an object'; // a revoked Proxy
    }
  }
  return Object.is(value, -0) ? '-0' : String(value); // a number, a boolean, null or undefined
}

/** A value of type number (any, NaN included): the type half of every numeric check. */
export function number(where: string, what: string, value: unknown): number {
  if (typeof value !== 'number')
    throw new TypeError(`${where}: ${what} must be a number, got ${show(value)}`);
  return value;
}

/** A non-negative safe integer (capacities, counts, weights). */
export function count(where: string, what: string, value: unknown): number {
  const n = number(where, what, value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${where}: ${what} must be a non-negative integer, got ${show(n)}`);
  }
  return n;
}

/** Any safe integer, negative allowed (WaitGroup deltas, errgroup limits). */
export function integer(where: string, what: string, value: unknown): number {
  const n = number(where, what, value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${where}: ${what} must be an integer, got ${show(n)}`);
  return n;
}

/** A finite number of milliseconds; negative means "already due". */
export function duration(where: string, value: unknown): number {
  const n = number(where, 'duration', value);
  if (!Number.isFinite(n)) {
    throw new RangeError(`${where}: duration must be a finite number, got ${show(n)}`);
  }
  return n;
}

/** A finite, strictly positive number of milliseconds (ticker periods). */
export function period(where: string, value: unknown): number {
  const n = number(where, 'period', value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new RangeError(`${where}: period must be a positive finite number, got ${show(n)}`);
  }
  return n;
}

/** A concurrency limit: a positive safe integer or Infinity. */
export function limit(where: string, value: unknown): number {
  const n = number(where, 'concurrency', value);
  if (n !== Infinity && (!Number.isSafeInteger(n) || n < 1)) {
    throw new RangeError(`${where}: concurrency must be a positive integer or Infinity, got ${show(n)}`);
  }
  return n;
}

export function fn<F extends Function>(where: string, what: string, value: F): F {
  if (typeof value !== 'function')
    throw new TypeError(`${where}: ${what} must be a function, got ${show(value)}`);
  return value;
}

export function present<T>(where: string, what: string, value: T): NonNullable<T> {
  if (value === null || value === undefined)
    throw new TypeError(`${where}: ${what} is required, got ${show(value)}`);
  return value as NonNullable<T>;
}

/** A boolean flag, or undefined for its default. */
export function flag(where: string, what: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`${where}: ${what} must be a boolean, got ${show(value)}`);
  }
  return value;
}

/** An options object, or undefined for none. */
export function options<T extends object>(where: string, value: T | undefined): T | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`${where}: options must be an object, got ${show(value)}`);
  }
  return value;
}

/**
 * A Context: one of any gorx copy, or one the user made whose `done` is a gorx receive channel
 * (CX14). AbortSignals are not contexts here: parents must be contexts (`fromSignal` converts).
 */
export function context<T>(where: string, what: string, value: T): NonNullable<T> {
  present(where, what, value);
  if (!isContext(value)) throw new TypeError(`${where}: ${what} must be a Context, got ${show(value)}`);
  return value as NonNullable<T>;
}

/** A gorx receive channel of any copy, or null (the nil channel). */
export function recvPortOrNil<T>(where: string, value: T): T {
  if (value !== null && !isRecvPort(value)) {
    throw new TypeError(`${where}: channel must be a gorx receive channel or null, got ${show(value)}`);
  }
  return value;
}

/** A gorx channel of any copy to send on, or null (the nil channel). */
export function sendPortOrNil<T>(where: string, value: T): T {
  if (value !== null && !isSendPort(value)) {
    throw new TypeError(`${where}: channel must be a gorx channel or null, got ${show(value)}`);
  }
  return value;
}
