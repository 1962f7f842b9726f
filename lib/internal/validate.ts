// Argument checks: one function per kind of argument, one message style
// (`<where>: <what> must be <rule>, got <value>`), RangeError for numbers, TypeError for kinds.

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/** A non-negative safe integer (capacities, counts, weights). */
export function count(where: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${where}: ${what} must be a non-negative integer, got ${show(value)}`);
  }
  return value;
}

/** Any integer, negative allowed (WaitGroup deltas, errgroup limits). */
export function integer(where: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new RangeError(`${where}: ${what} must be an integer, got ${show(value)}`);
  }
  return value;
}

/** A finite number of milliseconds; negative means "already due". */
export function duration(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${where}: duration must be a finite number of milliseconds, got ${show(value)}`);
  }
  return value;
}

/** A finite, strictly positive number of milliseconds (ticker periods). */
export function period(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `${where}: period must be a positive finite number of milliseconds, got ${show(value)}`,
    );
  }
  return value;
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

/**
 * A gorx receive channel, or null (the nil channel). Checked by shape, so that a channel of the
 * package's other module format is accepted too.
 */
export function recvPortOrNil<T>(where: string, value: T): T {
  if (value !== null && typeof (value as { readyRecv?: unknown } | undefined)?.readyRecv !== 'function') {
    throw new TypeError(`${where}: channel must be a gorx receive channel or null, got ${show(value)}`);
  }
  return value;
}

/** A gorx channel to send on, or null (the nil channel); checked by shape. */
export function sendPortOrNil<T>(where: string, value: T): T {
  if (value !== null && typeof (value as { readySend?: unknown } | undefined)?.readySend !== 'function') {
    throw new TypeError(`${where}: channel must be a gorx channel or null, got ${show(value)}`);
  }
  return value;
}

/** An object of select cases: each value made by `recv()` or `send()`, or null. */
export function badCases(where: string, cases: unknown, key?: string): never {
  if (key === undefined) throw new TypeError(`${where}: cases must be an object, got ${show(cases)}`);
  const value = (cases as Record<string, unknown>)[key];
  throw new TypeError(
    `${where}: case ${JSON.stringify(key)} must be made by recv() or send(), got ${show(value)}`,
  );
}
