// The error codec: how an error crosses a thread boundary and arrives as the same class. Structured
// clone keeps only the built-in error types (and turns a DOMException into `{}` in Node), so every
// error that crosses (a task's failure, a context's error and cause) is encoded here into a plain,
// cloneable record and rebuilt on the other side:
//
// - a class gorx knows (its own errors) or one the application registered on both sides travels by
//   its registry key and is rebuilt with that class's prototype, without running its constructor;
// - a built-in class (TypeError, RangeError, …, AggregateError: any global class) travels by its
//   global name;
// - a DOMException (AbortError, TimeoutError, DataCloneError, …) is rebuilt with `new DOMException`;
// - anything else arrives as a plain `Error` that keeps the original `name`.
//
// Each rebuilt error keeps `message`, the remote `stack`, `cause` (encoded the same way, so a chain
// of causes keeps its classes) and its own enumerable properties whose values can be cloned (others
// are left out); it gets a non-enumerable `remote = true`. A thrown value that is not an error
// crosses as itself when it can be cloned, else as its string form.
import {
  BufferOverflowError,
  CanceledError,
  ClosedChannelError,
  DeadlineExceededError,
  NegativeCounterError,
  UnlockError,
} from '../errors.js';
import { fn, show } from '../internal/validate.js';
import { WorkerExitError } from './errors.js';

type ErrorClass = abstract new (...args: any[]) => Error;

/** An error on the wire. */
export interface WireError {
  /** Registry key of the class (gorx's or a registered one). */
  readonly k?: string;
  /** Name of the built-in global class. */
  readonly b?: string;
  /** 1 for a DOMException. */
  readonly d?: 1;
  /** `name`, `message`, `stack`. */
  readonly n: string;
  readonly m: string;
  readonly s?: string;
  /** The cause, when the error has one of its own. */
  readonly c?: Wired;
  /** Own enumerable properties that could be cloned. */
  readonly p?: Record<string, Wired>;
  /** An AggregateError's errors. */
  readonly e?: Wired[];
}

/** A value that may be an error: `{ x }` for an encoded error, `{ v }` for a value as it is. */
export type Wired = { readonly x: WireError } | { readonly v: unknown };

/**
 * gorx's own classes, keyed `gorx.<id>`: recognised by their cross-copy brand, so another copy's
 * errors count too.
 */
const gorxClasses: readonly (ErrorClass & { readonly id: string })[] = [
  CanceledError,
  DeadlineExceededError,
  ClosedChannelError,
  WorkerExitError,
  NegativeCounterError,
  UnlockError,
  BufferOverflowError,
];

const byKey = new Map<string, ErrorClass>(gorxClasses.map((ctor) => [`gorx.${ctor.id}`, ctor]));
const byClass = new Map<Function, string>();

/** Causes and properties nest; a chain deeper than this is cut (the rest arrives as its text). */
const MAX_DEPTH = 16;

/**
 * Registers an application error class so that its instances cross threads as that class: call it
 * with the same class and key on both sides (the main thread and the worker file). The key defaults
 * to the class's `name`; pass `opts.name` when a minifier may rename classes, since the two sides
 * are usually minified apart. The instance arrives with the class's prototype (its constructor is
 * not run), its `message`, `stack`, `cause` and own enumerable properties.
 *
 * @example
 * ```ts
 * // errors.ts, imported by the app and by the worker file
 * import { registerError } from 'gorx';
 *
 * export class QuotaError extends Error {
 *   constructor(readonly limit: number) {
 *     super(`quota of ${limit} exceeded`);
 *   }
 * }
 * registerError(QuotaError, { name: 'QuotaError' });
 * ```
 * @throws TypeError when `ctor` is not a subclass of Error, or the name is not a non-empty string.
 */
export function registerError(ctor: ErrorClass, opts?: { name?: string }): void {
  fn('registerError', 'ctor', ctor);
  if (!(ctor.prototype instanceof Error)) {
    throw new TypeError('registerError: ctor must be a subclass of Error');
  }
  const key = opts?.name ?? ctor.name;
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(`registerError: name must be a non-empty string, got ${show(key)}`);
  }
  byKey.set(key, ctor);
  byClass.set(ctor, key);
}

function isError(value: unknown): value is Error {
  return value instanceof Error || value instanceof DOMException;
}

/**
 * The registry key of `err`'s class: the nearest registered class (an application's subclass of a
 * gorx error included), else gorx's brand.
 */
function keyOf(err: Error): string | undefined {
  if (byClass.size > 0) {
    for (
      let p = Object.getPrototypeOf(err);
      p !== null && p !== Error.prototype;
      p = Object.getPrototypeOf(p)
    ) {
      // An inherited constructor is that of a prototype further down: the answer is the same.
      const key = byClass.get(p.constructor);
      if (key !== undefined) return key;
    }
  }
  for (const ctor of gorxClasses) if (err instanceof ctor) return `gorx.${ctor.id}`;
  return undefined;
}

/** The name of the global class (TypeError, AggregateError, …) `err` is a direct instance of, if any. */
function builtinOf(err: Error): string | undefined {
  const proto = Object.getPrototypeOf(err);
  // An inherited constructor fails the prototype test below.
  const name: unknown = proto.constructor?.name;
  const ctor = typeof name === 'string' ? (globalThis as Record<string, unknown>)[name] : undefined;
  return typeof ctor === 'function' && ctor.prototype === proto ? (name as string) : undefined;
}

/** Whether structured clone accepts `value` (it refuses functions, symbols and objects holding them). */
function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function text(value: unknown): string {
  try {
    return String(value);
  } catch {
    return show(value);
  }
}

/** `err[key]`, or undefined where reading it throws (a getter of the application's). */
function read(err: Error, key: string): unknown {
  try {
    return (err as unknown as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function wire(value: unknown, depth: number, seen: Set<unknown>): Wired | undefined {
  if (isError(value)) {
    if (depth >= MAX_DEPTH || seen.has(value)) return { v: text(value) };
    return { x: encode(value, depth + 1, seen) };
  }
  return cloneable(value) ? { v: value } : undefined;
}

function encode(err: Error, depth: number, seen: Set<unknown>, stack = true): WireError {
  seen.add(err);
  const out: {
    k?: string;
    b?: string;
    d?: 1;
    n: string;
    m: string;
    s?: string;
    c?: Wired;
    p?: Record<string, Wired>;
    e?: Wired[];
  } = { n: text(read(err, 'name') ?? 'Error'), m: text(read(err, 'message')) };
  const s = stack ? read(err, 'stack') : undefined;
  if (typeof s === 'string') out.s = s;
  if (err instanceof DOMException) out.d = 1;
  else {
    const key = keyOf(err);
    if (key !== undefined) out.k = key;
    else {
      const builtin = builtinOf(err);
      if (builtin !== undefined) out.b = builtin;
    }
  }
  if (Object.hasOwn(err, 'cause')) {
    const cause = read(err, 'cause');
    out.c = wire(cause, depth, seen) ?? { v: text(cause) };
  }
  const errors = err instanceof AggregateError ? read(err, 'errors') : undefined;
  if (Array.isArray(errors)) out.e = errors.map((e) => wire(e, depth, seen) ?? { v: text(e) });
  for (const name of Object.keys(err)) {
    if (name === 'cause' || name === 'stack' || name === 'message') continue;
    let value: unknown;
    try {
      value = (err as unknown as Record<string, unknown>)[name];
    } catch {
      continue;
    }
    const w = wire(value, depth, seen);
    if (w !== undefined) (out.p ??= {})[name] = w;
  }
  seen.delete(err);
  return out;
}

/**
 * Encodes an error, or any thrown value, for the other thread. Without `stack`, the error itself
 * travels without its stack (its causes keep theirs): a context's error, whose stack says nothing
 * there and costs more to format than the rest of a cancellation (tens of µs).
 */
export function encodeError(value: unknown, stack = true): Wired {
  // Never throws: an error of the application's that cannot be read (a Proxy, a throwing
  // accessor) still crosses, as its text.
  try {
    if (!stack && isError(value)) return { x: encode(value, 1, new Set(), false) };
    return wire(value, 0, new Set()) ?? { v: text(value) };
  } catch {
    return { v: text(value) };
  }
}

function define(target: object, name: string | symbol, value: unknown, enumerable: boolean): void {
  Object.defineProperty(target, name, { value, writable: true, enumerable, configurable: true });
}

function rebuild(w: WireError): Error {
  const cause = w.c === undefined ? undefined : decodeError(w.c);
  let err: Error;
  if (w.d === 1) {
    err = new DOMException(w.m, w.n);
    if (w.c !== undefined) define(err, 'cause', cause, false);
  } else {
    const ctor =
      (w.k === undefined ? undefined : byKey.get(w.k)) ??
      (w.b === undefined
        ? undefined
        : ((globalThis as Record<string, unknown>)[w.b] as ErrorClass | undefined));
    // An Error made with the class's prototype (an AggregateError's `errors` are defined below).
    err = Reflect.construct(Error, w.c === undefined ? [w.m] : [w.m, { cause }], ctor ?? Error);
    // gorx's classes recognise their instances by a brand their constructor sets (errors.ts): one
    // for each of them the class is (an application's subclass of one included).
    if (ctor !== undefined) {
      for (const c of gorxClasses) {
        if (Object.prototype.isPrototypeOf.call(c.prototype, err))
          define(err, Symbol.for(`gorx.${c.id}`), true, false);
      }
    }
    if (err.name !== w.n) define(err, 'name', w.n, false);
    if (w.e !== undefined) define(err, 'errors', w.e.map(decodeError), false);
  }
  if (w.s !== undefined) {
    try {
      define(err, 'stack', w.s, false);
    } catch {
      // a host whose DOMException stack cannot be redefined keeps its own
    }
  }
  if (w.p !== undefined)
    for (const [name, value] of Object.entries(w.p)) define(err, name, decodeError(value), true);
  define(err, 'remote', true, false);
  return err;
}

/** Rebuilds what `encodeError` produced on the other side. */
export function decodeError(w: Wired): unknown {
  return 'x' in w ? rebuild(w.x) : w.v;
}
