// Arguments for the bad-input suite: every value is an `Arg` that knows how to make itself (fresh
// per run, so hostile objects count their own calls), how it prints in a counterexample, and which
// outcomes the contract allows for it in a given kind of argument position (API.md: `TypeError` for
// a missing or wrong-typed value, `RangeError` for a number out of range). Portable: no Node APIs.
import fc from 'fast-check';
import {
  background,
  Channel,
  type Context,
  contextKey,
  fromSignal,
  recv,
  send,
  withCancel,
  withCancelCause,
  withoutCancel,
  withTimeout,
  withValue,
} from 'gorx';
import { from, of } from 'rxjs';

/**
 * The other copy of gorx: the built package (dist/), as an app that loads both the ESM and the
 * CommonJS build, or two versions, has it. Its channels and contexts are valid arguments (CX14 and
 * the cross-copy rule). Absent when the package was not built: those values are then left out.
 */
type Gorx = typeof import('gorx');
export const other: Gorx | undefined = await import(
  /* @vite-ignore */ new URL('../../dist/index.js', import.meta.url).href
).then(
  (m: Gorx) => m,
  () => undefined,
);

/** What a call may do with an argument: work as documented, or throw one of the two typed errors. */
export type Verdict = 'ok' | 'type' | 'range';

/** The error every hostile object and callback throws: user code's own error. */
export class Hostile extends Error {
  override name = 'Hostile';
}

/**
 * Calls of user code that validation and error formatting must never make: coercions
 * (`toString`, `valueOf`, `Symbol.toPrimitive`, `toJSON`) and `then` lookups on an argument.
 */
export const spy = {
  coercions: 0,
  thens: 0,
  reset(): void {
    spy.coercions = 0;
    spy.thens = 0;
  },
};

/** Cancel functions of the contexts and signals made for the current run, fired when it settles. */
export const fires: (() => void)[] = [];

/** An argument: made fresh per run, printed by its label, with the outcomes allowed for it. */
export class Arg {
  constructor(
    readonly label: string,
    readonly make: () => unknown,
    readonly allow: readonly Verdict[],
    /** It may throw `Hostile` when touched (a throwing trap or getter): allowed at the call. */
    readonly hostile = false,
    /** It is user data: passed through untouched, so `then` lookups on it are not allowed either. */
    readonly shape: Shape = 'object',
  ) {}
  [fc.toStringMethod](): string {
    return this.label;
  }
  toString(): string {
    return this.label;
  }
  with(allow: readonly Verdict[]): Arg {
    return new Arg(this.label, this.make, allow, this.hostile, this.shape);
  }
}

/** The kind of a junk value, from which each position's verdict is derived. */
export type Shape =
  | 'undefined'
  | 'null'
  | 'boolean'
  | 'string'
  | 'number'
  | 'bigint'
  | 'symbol'
  | 'function'
  | 'object'
  | 'exotic'
  | 'hostile';

const throwing = (what: string) => () => {
  throw new Hostile(what);
};

/** An object whose coercion hooks count their calls and throw. */
function coercer(): object {
  const count = () => {
    spy.coercions++;
    throw new Hostile('coerced');
  };
  return { toString: count, valueOf: count, toJSON: count, [Symbol.toPrimitive]: count };
}

/** An object whose `then` getter counts and throws (a hostile thenable). */
function thenGetter(): object {
  return Object.defineProperty({}, 'then', {
    get() {
      spy.thens++;
      throw new Hostile('then getter');
    },
  });
}

/** A thenable whose `then` counts its calls and never settles. */
function thenable(): object {
  return {
    then() {
      spy.thens++;
    },
  };
}

const NAMES = [
  'signal',
  'done',
  'err',
  'value',
  'deadline',
  'ctx',
  'capacity',
  'name',
  'op',
  'port',
  'aborted',
  'reason',
  'onDestroy',
  'readyRecv',
  'subscribe',
  'length',
  'attempts',
  'maxSleep',
  'ignore',
  'ignoreTask',
  'stacks',
  'drainSteps',
  'overflow',
  'close',
  'ordered',
];

/** A plain object whose usual property names are getters that throw. */
function getters(): object {
  const o: Record<string, unknown> = {};
  for (const name of NAMES)
    Object.defineProperty(o, name, { get: throwing(`getter ${name}`), enumerable: true });
  return o;
}

/** A Proxy whose every trap throws. */
function hostileProxy(): object {
  const trap = throwing('proxy trap');
  return new Proxy(
    {},
    {
      get: trap,
      set: trap,
      has: trap,
      ownKeys: trap,
      getOwnPropertyDescriptor: trap,
      getPrototypeOf: trap,
      setPrototypeOf: trap,
      defineProperty: trap,
      deleteProperty: trap,
      isExtensible: trap,
      preventExtensions: trap,
      apply: trap,
      construct: trap,
    },
  );
}

/** A Proxy over a plain object that only counts its traps (a transparent observer). */
function countingProxy(): object {
  return new Proxy({}, {});
}

/** Non-numeric, non-function junk: every kind of value a careless or hostile caller may pass. */
const JUNK: readonly [label: string, make: () => unknown, shape: Shape][] = [
  ['undefined', () => undefined, 'undefined'],
  ['null', () => null, 'null'],
  ['true', () => true, 'boolean'],
  ['false', () => false, 'boolean'],
  ["''", () => '', 'string'],
  ["'5'", () => '5', 'string'],
  ["'x'", () => 'x', 'string'],
  ['10n', () => 10n, 'bigint'],
  ['-1n', () => -1n, 'bigint'],
  ['Symbol()', () => Symbol('s'), 'symbol'],
  ['Symbol.iterator', () => Symbol.iterator, 'symbol'],
  ['{}', () => ({}), 'object'],
  ['Object.freeze({})', () => Object.freeze({}), 'object'],
  ['Object.create(null)', () => Object.create(null), 'object'],
  ['{ signal }', () => ({ signal: new AbortController().signal }), 'object'],
  ['{ done: {} }', () => ({ done: {} }), 'object'],
  [
    '{ done, err, signal, value } of junk',
    () => ({ done: {}, err: undefined, signal: {}, value: () => 1 }),
    'object',
  ],
  ['{ op: 0, port: {} } (forged case)', () => ({ op: 0, port: {} }), 'object'],
  ['{ readyRecv() {} } (forged channel)', () => ({ readyRecv() {}, readySend() {} }), 'object'],
  ['{ onDestroy: 1 }', () => ({ onDestroy: 1 }), 'object'],
  ['coercer (toString/valueOf/toPrimitive throw)', coercer, 'object'],
  ['thenable (then counts)', thenable, 'object'],
  ['[]', () => [], 'exotic'],
  ['[1]', () => [1], 'exotic'],
  ['new Date(NaN)', () => new Date(Number.NaN), 'exotic'],
  ['new Map()', () => new Map(), 'exotic'],
  ['/x/', () => /x/, 'exotic'],
  ['pending Promise', () => new Promise(() => {}), 'exotic'],
  ['AbortController', () => new AbortController(), 'exotic'],
  ['of(1)', () => of(1), 'exotic'],
  ['EventTarget', () => new EventTarget(), 'exotic'],
  [
    'fake AbortSignal',
    () => ({
      aborted: false,
      reason: undefined,
      addEventListener() {},
      removeEventListener() {},
      throwIfAborted() {},
    }),
    'object',
  ],
  ['then getter throws', thenGetter, 'hostile'],
  ['getters throw', getters, 'hostile'],
  ['Proxy (every trap throws)', hostileProxy, 'hostile'],
  ['Proxy (transparent)', countingProxy, 'object'],
];

/** Numbers that sit on every boundary a validator has. */
export const SPECIAL_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  2,
  0.5,
  -0.5,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e-4,
  1e300,
  -1e300,
];

export function show(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

/** Junk as Args, each given the verdict `verdict(shape)`; `undefined` out of it leaves the value out. */
export function junk(
  verdict: (shape: Shape, label: string) => readonly Verdict[] | undefined,
): fc.Arbitrary<Arg> {
  const args: Arg[] = [];
  for (const [label, make, shape] of JUNK) {
    const allow = verdict(shape, label);
    if (allow !== undefined) args.push(new Arg(label, make, allow, shape === 'hostile', shape));
  }
  return fc.constantFrom(...args);
}

/** Numbers, classified by `classify`. */
export function numbers(classify: (n: number) => readonly Verdict[]): fc.Arbitrary<Arg> {
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_NUMBERS) },
      fc.integer({ min: -100, max: 100 }),
      fc.double({ noDefaultInfinity: false }),
    )
    .map((n) => new Arg(show(n), () => n, classify(n), false, 'number'));
}

const OK: readonly Verdict[] = ['ok'];
const TYPE: readonly Verdict[] = ['type'];
const RANGE: readonly Verdict[] = ['range'];
const OK_OR_TYPE: readonly Verdict[] = ['ok', 'type'];
const OK_OR_RANGE: readonly Verdict[] = ['ok', 'range'];
export const V = { OK, TYPE, RANGE, OK_OR_TYPE, OK_OR_RANGE } as const;

const optional = (opt: boolean) => (shape: Shape) => (shape === 'undefined' && opt ? OK : TYPE);

/** A non-negative safe integer (capacities, weights, sizes). */
export function countArg(opt = true): fc.Arbitrary<Arg> {
  return fc.oneof(
    numbers((n) => (Number.isSafeInteger(n) && n >= 0 ? OK : RANGE)),
    junk(optional(opt)),
  );
}

/** Any safe integer (WaitGroup deltas, errgroup limits). */
export function integerArg(opt = true): fc.Arbitrary<Arg> {
  return fc.oneof(
    numbers((n) => (Number.isSafeInteger(n) ? OK : RANGE)),
    junk(optional(opt)),
  );
}

/** A finite number of milliseconds; negative is due at once. */
export function durationArg(opt = false): fc.Arbitrary<Arg> {
  return fc.oneof(
    numbers((n) => (Number.isFinite(n) ? OK : RANGE)),
    junk(optional(opt)),
  );
}

/**
 * A ticker period: positive and finite. A period too small to move the clock (below 1 ms here) may
 * be refused with a RangeError or clamped (API.md leaves the choice); from 1 ms on it must work.
 */
export function periodArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    numbers((n) => (!Number.isFinite(n) || n <= 0 ? RANGE : n < 1 ? OK_OR_RANGE : OK)),
    junk(optional(false)),
  );
}

/** The period of `tick`: as a ticker's, except that one of 0 or less gives the nil channel (TK1). */
export function tickPeriodArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    numbers((n) =>
      Number.isNaN(n) || n === Number.POSITIVE_INFINITY ? RANGE : n > 0 && n < 1 ? OK_OR_RANGE : OK,
    ),
    junk(optional(false)),
  );
}

/** A concurrency: a positive integer or Infinity. */
export function concurrencyArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    numbers((n) => ((Number.isSafeInteger(n) && n >= 1) || n === Number.POSITIVE_INFINITY ? OK : RANGE)),
    junk(optional(false)),
  );
}

/** A point in time: a finite number of ms or a valid Date. */
export function deadlineArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    numbers((n) => (Number.isFinite(n) ? OK : RANGE)),
    fc.constantFrom(
      new Arg('new Date(0)', () => new Date(0), OK),
      new Arg('new Date(8.64e15)', () => new Date(8.64e15), OK),
      new Arg('new Date(NaN)', () => new Date(Number.NaN), RANGE, false, 'exotic'),
    ),
    junk((shape) => (shape === 'exotic' ? undefined : TYPE)),
  );
}

/** A string (names); other kinds are a TypeError (`undefined` too when required). */
export function stringArg(opt: boolean): fc.Arbitrary<Arg> {
  return fc.oneof(
    fc.string().map((s) => new Arg(JSON.stringify(s), () => s, OK, false, 'string')),
    junk((shape) => (shape === 'string' || (shape === 'undefined' && opt) ? OK : TYPE)),
    numbers(() => TYPE),
  );
}

/** A boolean option. */
export function booleanArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    junk((shape) => (shape === 'boolean' || shape === 'undefined' ? OK : TYPE)),
    numbers(() => TYPE),
  );
}

/** User data: any value is accepted and passed through untouched. */
export function dataArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    junk(() => OK),
    numbers(() => OK),
    callbackArg().map((a) => a.with(OK)),
  );
}

/** A Map key for `withValue`: anything but null and undefined. */
export function keyArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    junk((shape) => (shape === 'null' || shape === 'undefined' ? TYPE : OK)),
    numbers(() => OK),
    fc.constant(new Arg("contextKey('k')", () => contextKey('k'), OK)),
  );
}

/**
 * An options object: `undefined` or an object; any other kind is a TypeError. An object of another
 * kind (an array, a Date) carries no option, so it may be accepted.
 */
export function optsArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    junk((shape) =>
      shape === 'undefined' || shape === 'object'
        ? OK
        : shape === 'exotic' || shape === 'hostile'
          ? OK_OR_TYPE
          : TYPE,
    ),
    numbers(() => TYPE),
    fc.constant(new Arg('() => {}', () => () => {}, OK_OR_TYPE, false, 'function')),
  );
}

/** The `overflow` option of toChannel: one of four names. */
export function overflowArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    fc
      .constantFrom('error', 'drop-newest', 'drop-oldest', 'unbounded')
      .map((s) => new Arg(JSON.stringify(s), () => s, OK, false, 'string')),
    // A string that names no policy: a wrong value of the right type (either error is defensible).
    junk((shape) => (shape === 'undefined' ? OK : shape === 'string' ? ['type', 'range'] : TYPE)),
    numbers(() => TYPE),
  );
}

// Valid contexts and cancellation tokens. Each registers how to fire it, so a parked call can be
// released at the end of the run.

function cancellable(label: string, derive: (parent: Context) => Context = (c) => c): Arg {
  return new Arg(
    label,
    () => {
      const [ctx, cancel] = withCancel(background());
      fires.push(cancel);
      return derive(ctx);
    },
    OK,
  );
}

/** The error of a user-made context. */
export class UserCanceled extends Error {
  override name = 'UserCanceled';
}

/** A user-made Context (CX14): its own object, with a gorx channel as `done`. */
export function userContext(): Context & { fire(): void } {
  const done = new Channel<never>();
  const ac = new AbortController();
  let err: UserCanceled | undefined;
  const ctx = {
    get done() {
      return done;
    },
    get err() {
      return err as unknown as Context['err'];
    },
    get signal() {
      return ac.signal;
    },
    deadline: undefined,
    value: () => undefined,
    fire() {
      if (err !== undefined) return;
      err = new UserCanceled('user context canceled');
      ac.abort(err);
      done.close();
    },
  };
  fires.push(ctx.fire);
  return ctx as unknown as Context & { fire(): void };
}

/** Contexts of every kind gorx makes, plus a user-made one and a frozen one. */
export const CONTEXTS: readonly Arg[] = [
  new Arg('background()', () => background(), OK),
  cancellable('withCancel(bg)'),
  new Arg(
    'cancelled withCancel(bg)',
    () => {
      const [ctx, cancel] = withCancel(background());
      cancel();
      return ctx;
    },
    OK,
  ),
  new Arg(
    'withCancelCause(bg)',
    () => {
      const [ctx, cancel] = withCancelCause(background());
      fires.push(() => cancel(new Hostile('cause')));
      return ctx;
    },
    OK,
  ),
  new Arg(
    'withTimeout(bg, 1e9)',
    () => {
      const [ctx, cancel] = withTimeout(background(), 1e9);
      fires.push(cancel);
      return ctx;
    },
    OK,
  ),
  new Arg('withTimeout(bg, -1) (expired)', () => withTimeout(background(), -1)[0], OK),
  cancellable('withValue(withCancel)', (c) => withValue(c, contextKey('k'), 1)),
  cancellable('withoutCancel(withCancel)', (c) => withoutCancel(c)),
  cancellable('Object.freeze(withCancel)', (c) => Object.freeze(c)),
  new Arg(
    'fromSignal(signal)',
    () => {
      const ac = new AbortController();
      fires.push(() => ac.abort());
      return fromSignal(ac.signal);
    },
    OK,
  ),
  new Arg('user-made Context', userContext, OK),
  ...(other === undefined
    ? []
    : [
        new Arg(
          'withCancel of the other copy',
          () => {
            const [ctx, cancel] = other!.withCancel(other!.background());
            fires.push(cancel);
            return ctx;
          },
          OK,
        ),
      ]),
];

/** AbortSignals: live, aborted, aborted with a TimeoutError. */
export const SIGNALS: readonly Arg[] = [
  new Arg(
    'AbortSignal',
    () => {
      const ac = new AbortController();
      fires.push(() => ac.abort());
      return ac.signal;
    },
    OK,
  ),
  new Arg('AbortSignal.abort()', () => AbortSignal.abort(), OK),
  new Arg(
    'AbortSignal.abort(TimeoutError)',
    () => AbortSignal.abort(new DOMException('t', 'TimeoutError')),
    OK,
  ),
];

/** A required parent context: a Context; anything else (an AbortSignal too) is a TypeError. */
export function contextArg(opt = false): fc.Arbitrary<Arg> {
  return fc.oneof(
    fc.constantFrom(...CONTEXTS),
    fc.constantFrom(...SIGNALS).map((a) => a.with(TYPE)),
    junk(optional(opt)),
    numbers(() => TYPE),
    fc.constant(new Arg('() => {}', () => () => {}, TYPE, false, 'function')),
  );
}

/**
 * A cancel argument: a Context or an AbortSignal, or undefined or null (no token, as Go's nil);
 * anything else is a TypeError. `null` has its own branch, so that every row meets it.
 */
export function cancelArg(opt = true): fc.Arbitrary<Arg> {
  return fc.oneof(
    fc.constant(new Arg('null', () => null, opt ? OK : TYPE, false, 'null')),
    fc.constantFrom(...CONTEXTS, ...SIGNALS),
    junk(optional(opt)),
    numbers(() => TYPE),
    fc.constant(new Arg('() => {}', () => () => {}, TYPE, false, 'function')),
  );
}

/** An AbortSignal (fromSignal). */
export function signalArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    fc.constantFrom(...SIGNALS),
    fc.constantFrom(...CONTEXTS).map((a) => a.with(TYPE)),
    junk(() => TYPE),
    numbers(() => TYPE),
  );
}

/** Channels made for a run that the run may close when it is done with them. */
export const closable = new WeakSet<object>();

/** A receive channel or null (the nil channel). */
export function recvChannelArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    fc.constantFrom(
      new Arg(
        'new Channel()',
        () => {
          const ch = new Channel();
          closable.add(ch);
          return ch;
        },
        OK,
      ),
      new Arg(
        'new Channel(1) holding 7',
        () => {
          const ch = new Channel<number>(1);
          ch.trySend(7);
          closable.add(ch);
          return ch;
        },
        OK,
      ),
      new Arg(
        'closed Channel',
        () => {
          const ch = new Channel();
          ch.close();
          return ch;
        },
        OK,
      ),
      new Arg(
        'ctx.done',
        () => {
          const [ctx, cancel] = withCancel(background());
          fires.push(cancel);
          return ctx.done;
        },
        OK,
      ),
      ...(other === undefined
        ? []
        : [
            new Arg(
              'new Channel(1) of the other copy, holding 7',
              () => {
                const ch = new other!.Channel<number>(1);
                ch.trySend(7);
                closable.add(ch);
                return ch;
              },
              OK,
            ),
          ]),
    ),
    junk((shape) => (shape === 'null' ? OK : TYPE)),
    numbers(() => TYPE),
  );
}

/** A channel to send on, or null. */
export function sendChannelArg(nullAllowed: readonly Verdict[] = OK): fc.Arbitrary<Arg> {
  return fc.oneof(
    fc.constantFrom(
      new Arg('new Channel()', () => new Channel(), OK),
      new Arg('new Channel(1)', () => new Channel(1), OK),
      ...(other === undefined
        ? []
        : [new Arg('new Channel(1) of the other copy', () => new other!.Channel(1), OK)]),
    ),
    fc.constant(new Arg('ctx.done', () => background().done, TYPE)),
    junk((shape) => (shape === 'null' ? nullAllowed : TYPE)),
    numbers(() => TYPE),
  );
}

/** The object of cases of a select. */
export function casesArg(): fc.Arbitrary<Arg> {
  const ready = () => {
    const ch = new Channel<number>(1);
    ch.trySend(1);
    return ch;
  };
  return fc.oneof(
    fc.constantFrom(
      new Arg('{ a: recv(ready) }', () => ({ a: recv(ready()) }), OK),
      new Arg(
        '{ a: recv(empty), b: send(full, 1) }',
        () => ({ a: recv(new Channel()), b: send(ready(), 2) }),
        OK,
      ),
      new Arg('{ a: recv(null) }', () => ({ a: recv(null) }), OK),
      new Arg('{ a: null, b: recv(ready) }', () => ({ a: null, b: recv(ready()) }), OK),
      new Arg('{}', () => ({}), OK),
      new Arg('{ 0: recv(ready) }', () => ({ 0: recv(ready()) }), OK),
      new Arg(
        'Object.create(null) + recv(ready)',
        () => Object.assign(Object.create(null), { a: recv(ready()) }),
        OK,
      ),
      new Arg('frozen { a: recv(ready) }', () => Object.freeze({ a: recv(ready()) }), OK),
      new Arg('{ a: recv(ready), b: undefined }', () => ({ a: recv(ready()), b: undefined }), OK),
      new Arg('{ [sym]: recv(ready) }', () => ({ [Symbol('s')]: recv(ready()) }), TYPE),
      new Arg('new Map([[a, recv(ready)]])', () => new Map([['a', recv(ready())]]), TYPE, false, 'exotic'),
      new Arg('[recv(ready)]', () => [recv(ready())], TYPE, false, 'exotic'),
      new Arg('{ a: recv(empty), b: { op: 0 } }', () => ({ a: recv(new Channel()), b: { op: 0 } }), TYPE),
      new Arg(
        '{ a: recv(empty), b: { op: 1, port: {} } }',
        () => ({ a: recv(new Channel()), b: { op: 1, port: {} } }),
        TYPE,
      ),
      new Arg('{ a: recv(empty), b: 5 }', () => ({ a: recv(new Channel()), b: 5 }), TYPE),
      new Arg(
        '{ a: recv(empty), get b() { throw } }',
        () =>
          Object.defineProperty({ a: recv(new Channel()) }, 'b', {
            get: throwing('case getter'),
            enumerable: true,
          }),
        TYPE,
        true,
        'hostile',
      ),
    ),
    junk((shape) => (shape === 'object' ? undefined : TYPE)),
    numbers(() => TYPE),
  );
}

/**
 * Callbacks of every behaviour: return, throw, reject, resolve late, return a hostile thenable or
 * a Proxy whose traps throw. All of them are valid functions: the call must work as documented,
 * a failure being the callback's own error.
 */
export function callbackArg(): fc.Arbitrary<Arg> {
  const fns: [string, () => (...args: unknown[]) => unknown][] = [
    ['() => undefined', () => () => undefined],
    ['() => 1', () => () => 1],
    ['async () => 1', () => async () => 1],
    ['() => { throw Hostile }', () => throwing('callback')],
    ['() => Promise.reject(Hostile)', () => () => Promise.reject(new Hostile('rejected'))],
    ['async () => { await sleep; }', () => () => new Promise((resolve) => setTimeout(resolve, 1))],
    ['() => thenable whose then getter throws', () => () => thenGetterQuiet()],
    ['() => Proxy (every trap throws)', () => () => hostileProxy()],
    [
      '() => thenable resolving twice',
      () => () => ({
        then: (ok: (v: unknown) => void, no: (e: unknown) => void) => {
          ok(1);
          no(new Hostile('late'));
          ok(2);
        },
      }),
    ],
  ];
  return fc.constantFrom(...fns.map(([label, make]) => new Arg(label, make, OK, false, 'function')));
}

/** A `then` getter that throws, without counting: a callback's result may legitimately be awaited. */
function thenGetterQuiet(): object {
  return Object.defineProperty({}, 'then', { get: throwing('result then getter') });
}

/** A function position: valid callbacks, or anything else (a TypeError). */
export function fnArg(opt = false): fc.Arbitrary<Arg> {
  return fc.oneof(
    { weight: 2, arbitrary: callbackArg() },
    junk(optional(opt)),
    numbers(() => TYPE),
  );
}

/** An ObservableInput for toChannel: observables, arrays, iterables, Promises, channels. */
export function sourceArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    fc.constantFrom(
      new Arg('of(1, 2)', () => of(1, 2), OK),
      new Arg('[1, 2]', () => [1, 2], OK),
      new Arg("'ab'", () => 'ab', OK, false, 'string'),
      new Arg('Promise.resolve(1)', () => Promise.resolve(1), OK),
      new Arg('new Set([1])', () => new Set([1]), OK),
      new Arg(
        'async generator',
        () =>
          (async function* () {
            yield 1;
          })(),
        OK,
      ),
      new Arg(
        'closed Channel holding 1',
        () => {
          const ch = new Channel<number>(1);
          ch.trySend(1);
          ch.close();
          return ch;
        },
        OK,
      ),
      new Arg('from([])', () => from([]), OK),
    ),
    // Arrays, Maps, strings and Promises are ObservableInputs, and a thenable is a PromiseLike.
    junk((shape, label) =>
      shape === 'exotic' || shape === 'string' || label.startsWith('thenable') ? undefined : TYPE,
    ),
    numbers(() => TYPE),
  );
}

/** A DestroyRef-like object: `{ onDestroy(cb) }`. */
export function destroyRefArg(): fc.Arbitrary<Arg> {
  return fc.oneof(
    fc.constantFrom(
      new Arg(
        '{ onDestroy(cb) }',
        () => ({
          onDestroy(cb: () => void) {
            fires.push(cb);
          },
        }),
        OK,
      ),
      new Arg(
        '{ onDestroy(cb) → unregister }',
        () => ({
          onDestroy(cb: () => void) {
            fires.push(cb);
            return () => {};
          },
        }),
        OK,
      ),
      new Arg(
        '{ onDestroy() → throwing unregister }',
        () => ({
          onDestroy(cb: () => void) {
            fires.push(cb);
            return throwing('unregister');
          },
        }),
        OK,
      ),
      new Arg('{ onDestroy() { throw } }', () => ({ onDestroy: throwing('onDestroy') }), OK),
      new Arg('{ destroyed: true, onDestroy }', () => ({ destroyed: true, onDestroy() {} }), OK),
    ),
    junk(() => TYPE),
    numbers(() => TYPE),
  );
}

/** Values that pollute Object.prototype for one call: keys a careless lookup would pick up. */
export function pollutionArg(): fc.Arbitrary<Arg | null> {
  const values: Arg[] = [
    new Arg('1', () => 1, OK),
    new Arg(
      'recv(ready)',
      () => {
        const ch = new Channel<number>(1);
        ch.trySend(99);
        return recv(ch);
      },
      OK,
    ),
    new Arg('{ op: 0 }', () => ({ op: 0 }), OK),
    new Arg('a Channel', () => new Channel(), OK),
    new Arg('an AbortSignal', () => AbortSignal.abort(), OK),
    new Arg('null', () => null, OK),
  ];
  return fc.option(
    fc
      .tuple(
        fc.constantFrom('x', '0', 'op', 'port', 'done', 'signal', 'readyRecv'),
        fc.constantFrom(...values),
      )
      .map(
        ([key, value]) => new Arg(`Object.prototype.${key} = ${value.label}`, () => [key, value.make()], OK),
      ),
    { freq: 4 },
  );
}
