// select: one group of waiters, one per case, sharing "first commit wins". The cases object is
// read once, at the call (SE1): its own enumerable string keys, each case once, every case
// checked before anything happens; after that no user code runs until a case commits. Readiness
// is judged for every case in one synchronous pass (G1); among the ready cases one is chosen
// uniformly at random (SE3); if none is ready a waiter is parked on every case and the first
// commit withdraws the others before anything is delivered (G3, G7). Parking never matches a
// select with itself (SE9), because matching only happens when some other operation arrives.
// Nothing is kept between calls: a select run from inside another (by user code) cannot disturb it.
// A `select$` emits its result before the code of a parked sender its receive case took from runs
// (that code may unsubscribe it: G5, RX2).
import { Observable, type Subscriber } from 'rxjs';
import type { Cancel } from '../channel/types.js';
import { BLOCKED, CLOSED, type RecvCore, type SendCore, type Token } from '../internal/blocking.js';
import { toToken } from '../internal/cancel.js';
import { noop } from '../internal/report.js';
import { rejected, resolved, settle } from '../internal/resume.js';
import { type Delivery, deliver, release, takeHolding } from '../internal/trampoline.js';
import { show } from '../internal/validate.js';
import { Waiter, withdraw } from '../internal/WaitQueue.js';
import { CaseRecord, type Cases, isCaseRecord, type Selected } from './cases.js';
import { RECV } from './kinds.js';

let random: () => number = Math.random;

/**
 * Replaces the random source that picks among ready cases (for deterministic tests); returns
 * the previous one.
 * @internal
 */
export function setRandom(fn: () => number): () => number {
  const previous = random;
  random = fn;
  return previous;
}

/**
 * Reads the cases once (SE1), in key order, checking every one before anything happens: the own
 * enumerable string keys of a plain object (a literal or `Object.create(null)`), so inherited
 * keys (a polluted `Object.prototype`) play no part. Returns (name, case) pairs of the cases that
 * can be ready: a null or undefined case, or one on a nil channel, is left out.
 * @throws TypeError for a non-object, an array, a Map or another non-plain object, or a case
 * that `recv()` or `send()` did not make.
 */
function readCases(where: string, cases: Cases): unknown[] {
  // A primitive's prototype (String.prototype, …) fails the check as a class instance's does.
  const proto = cases == null ? undefined : Object.getPrototypeOf(cases);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`${where}: cases must be a plain object, got ${show(cases)}`);
  }
  const list: unknown[] = [];
  for (const key in cases) {
    const c: unknown = cases[key];
    if (!Object.hasOwn(cases, key) || c == null) continue;
    if (!isCaseRecord(c)) {
      throw new TypeError(`${where}: case ${show(key)} must be made by recv() or send(), got ${show(c)}`);
    }
    if (c.port !== null) list.push(key, c);
  }
  return list;
}

/**
 * Symbol keys are not case names. They are looked for only when no case is ready, just before
 * the select would wait (or report `default`): the outcome they would otherwise change silently,
 * and a check that costs as much as the rest of a select is then off the fast path.
 */
function noSymbolKeys(where: string, cases: Cases): void {
  if (Object.getOwnPropertySymbols(cases).length > 0) {
    throw new TypeError(`${where}: case names must be strings, got a symbol key`);
  }
}

function isReady(c: CaseRecord): boolean {
  return c.op === RECV
    ? (c.port as RecvCore<unknown>).readyRecv()
    : (c.port as SendCore<unknown>).readySend();
}

/** The result of a receive case. */
function received(key: string, value: unknown, ok: boolean): unknown {
  return { case: key, value: ok ? value : undefined, ok };
}

/**
 * Commits a ready case and returns the select's result; BLOCKED (no case could commit) if the
 * port turned out not to be ready; throws for a closed send case or a close error. `holding`: a
 * receive holds back the deliveries its take makes until the caller's `release` (trampoline.ts).
 */
function commitCase(key: string, c: CaseRecord, holding = false): unknown {
  if (c.op !== RECV) return (c.port as SendCore<unknown>).offerNow(c.value) ? { case: key } : BLOCKED;
  const port = c.port as RecvCore<unknown>;
  const r = holding ? takeHolding(port) : port.takeNow();
  return r === BLOCKED ? BLOCKED : received(key, r, r !== CLOSED);
}

/**
 * Picks one of the ready cases of `list` ((name, case) pairs), uniformly at random (SE3): the
 * index of its case, or 0 when none is ready.
 */
function pickReady(list: unknown[]): number {
  let ready = 0;
  let chosen = 0;
  for (let i = 1; i < list.length; i += 2) {
    // One pass, reservoir sampling: the k-th ready case takes the choice with probability 1/k.
    if (isReady(list[i] as CaseRecord) && (++ready === 1 || random() * ready < 1)) chosen = i;
  }
  return chosen;
}

/**
 * Commits one of the ready cases of `list` ((name, case) pairs), chosen uniformly at random
 * (SE3); BLOCKED when none is.
 * @internal
 */
export function commitReady(list: unknown[]): unknown {
  const i = pickReady(list);
  return i === 0 ? BLOCKED : commitCase(list[i - 1] as string, list[i] as CaseRecord);
}

/**
 * @internal A parked select: a waiter per case (and one on the cancel token), and where its outcome goes:
 * the Promise of `select` (a `select$` subscriber overrides `finish`).
 */
export class Group {
  declare readonly waiters: CaseWaiter[];
  declare readonly token: Token | null;
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: unknown) => void;

  constructor(token: Token | null, resolve: (value: unknown) => void, reject: (error: unknown) => void) {
    this.waiters = [];
    this.token = token;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Withdraws every waiter but `winner` (all of them for null). */
  drop(winner: CaseWaiter | null): void {
    for (const w of this.waiters) if (w !== winner) withdraw(w);
  }

  /** Hands on the outcome (a result, or the error when `failed`) once the others are withdrawn. */
  finish(failed: boolean, outcome: unknown): void {
    settle(failed ? this.#reject : this.#resolve, outcome);
  }
}

/** One case of a parked select; `key` null marks the cancellation case. */
class CaseWaiter extends Waiter {
  declare readonly group: Group;
  declare readonly key: string | null;
  declare readonly op: number;

  /** `port` is set before it parks, so that `park` knows where to; parking sets it again. */
  constructor(group: Group, key: string | null, c: CaseRecord) {
    super();
    this.group = group;
    this.key = key;
    this.op = c.op;
    this.port = c.port;
    this.value = c.value;
  }
  commit(): void {
    const { group, key } = this;
    group.drop(this);
    if (key === null) group.finish(true, group.token!.err);
    else group.finish(false, this.op === RECV ? received(key, this.value, this.ok) : { case: key });
  }
  fail(error: unknown): void {
    this.group.drop(this);
    this.group.finish(true, error);
  }
}

// Parks in a random order (Go's pollorder): when several cases sit on one channel, the first
// partner to arrive meets whichever was parked first, so a fixed order would always pick the
// same case (SE3, TestPseudoRandomSend). `group.waiters` keeps the source order; `order` is
// shuffled as it is filled (Fisher-Yates, inside-out): each new waiter joins at the end and
// swaps places with a random one, itself included.
function park(group: Group, list: unknown[]): void {
  for (let i = 1; i < list.length; i += 2) {
    group.waiters.push(new CaseWaiter(group, list[i - 1] as string | null, list[i] as CaseRecord));
  }
  parkAll(group.waiters);
}

/** @internal Parks every waiter of a select, in a random order. */
export function parkAll(waiters: readonly CaseWaiter[]): void {
  const order: CaseWaiter[] = [];
  for (const w of waiters) {
    const n = order.push(w);
    const j = Math.floor(random() * n);
    order[n - 1] = order[j]!;
    order[j] = w;
  }
  for (const w of order) {
    if (w.op === RECV) (w.port as RecvCore<unknown>).parkRecv(w);
    else (w.port as SendCore<unknown>).parkSend(w);
  }
}

/** Emits a `select$` result and completes. */
function emit(subscriber: Subscriber<unknown>, result: unknown): void {
  subscriber.next(result);
  subscriber.complete();
}

/**
 * A parked `select$`: its emission runs user code, so it goes through the trampoline, and a chain
 * of `select$` subscribers that hand off to each other in `next` never grows the stack. The case is
 * committed and the others withdrawn before the emission is queued.
 */
class SubscriberGroup extends Group implements Delivery {
  readonly #subscriber: Subscriber<unknown>;
  #failed = false;

  constructor(subscriber: Subscriber<unknown>) {
    // It hands its outcome to its subscriber, never to a Promise.
    super(null, noop, noop);
    this.#subscriber = subscriber;
  }
  override finish(failed: boolean, outcome: unknown): void {
    this.#failed = failed;
    deliver(this, outcome);
  }
  deliver(outcome: unknown): void {
    if (this.#failed) this.#subscriber.error(outcome);
    else emit(this.#subscriber, outcome);
  }
  unsubscribe(): void {
    this.drop(null);
  }
}

/**
 * Waits until one of the cases can proceed, performs exactly that one, and resolves with which
 * it was: Go's `select`. Among several ready cases one is chosen uniformly at random; losing
 * cases consume nothing. `null` cases never fire; with no live case it waits forever.
 *
 * When `cancel` fires first no case happened and the Promise rejects with the token's error. A
 * chosen send case on a closed channel, or a receive case on a channel closed with an error,
 * rejects with that error.
 *
 * The cases object is read once, at the call: its own enumerable string keys (inherited ones play
 * no part), each case once (SE1).
 *
 * @example
 * ```ts
 * import { after, Channel, recv, select } from 'gorx';
 *
 * const ch1 = new Channel<string>();
 * const ch2 = new Channel<number>();
 * const r = await select({ a: recv(ch1), b: recv(ch2), timeout: recv(after(5000)) });
 * switch (r.case) {
 *   case 'a': console.log('string', r.value); break;
 *   case 'b': console.log('number', r.value); break;
 *   case 'timeout': console.log('timed out'); break;
 * }
 * ```
 * @see {@link select$} (Observable) and {@link trySelect} (non-blocking).
 * @throws TypeError at the call, before anything happens, when `cases` is not a plain object (an
 * array, a Map or a class instance is not), has a symbol key and no case is ready, when a case
 * was not made by `recv()`/`send()`, or when `cancel` is neither a Context nor an AbortSignal.
 * Go: `select { … }`. Rules: SE1–SE13, G1, G3, G7.
 */
export function select<C extends Cases>(cases: C, cancel?: Cancel): Promise<Selected<C>> {
  const token = toToken(cancel, 'select');
  const list = readCases('select', cases);
  if (token !== null && token.err !== undefined) return rejected(token.err);
  let r: unknown;
  try {
    r = commitReady(list);
  } catch (error) {
    return rejected(error);
  }
  if (r !== BLOCKED) return resolved(r as Selected<C>);
  noSymbolKeys('select', cases);
  // The cancellation is one more receive case, on the token's `done`, without a name.
  if (token !== null) list.push(null, new CaseRecord(RECV, token.done as RecvCore<never>, undefined));
  return new Promise((resolve, reject) => park(new Group(token, resolve as never, reject), list));
}

/**
 * `select` as a cold Observable: on subscription it performs one case (emitting its result and
 * completing in the same synchronous step if one is ready), and unsubscribing before a case
 * commits withdraws every registration. The cases object is read once, at the call (every
 * subscription uses what was read then): its own enumerable string keys, each case once (SE1).
 *
 * ```text
 * ch1         ----a----
 * select$     ----(r|)     r = { case: 'a', value: a, ok: true }
 * ```
 *
 * @example
 * ```ts
 * import { Channel, recv, select$ } from 'gorx';
 *
 * const ch = new Channel<number>(1);
 * ch.trySend(1);
 * select$({ one: recv(ch) }).subscribe((r) => console.log(r.case)); // 'one'
 * ```
 * @throws TypeError at the call when `cases` is not a plain object (an array, a Map or a class
 * instance is not) or has a symbol key, or when a case was not made by `recv()`/`send()`.
 * Go: `select { … }`. Rules: SE1–SE11, RX1, RX2.
 */
export function select$<C extends Cases>(cases: C): Observable<Selected<C>> {
  const list = readCases('select$', cases);
  noSymbolKeys('select$', cases);
  return new Observable<Selected<C>>((subscriber) => {
    const s = subscriber as Subscriber<unknown>;
    const i = pickReady(list);
    if (i > 0) {
      // A receive case holds back the deliveries its take makes (a parked sender's emission) until
      // the result is emitted (trampoline.ts): the sender's code, which may unsubscribe this
      // `select$`, runs once it has the value (G5). A send case hands its value over first, as
      // every send does.
      const r = commitCase(list[i - 1] as string, list[i] as CaseRecord, true);
      if (r !== BLOCKED) {
        emit(s, r);
        return release();
      }
    }
    const group = new SubscriberGroup(s);
    park(group, list);
    return group;
  });
}

/**
 * Performs one ready case now, or returns `undefined` when none is ready: Go's `select` with a
 * `default` case. Throws for a chosen send case on a closed channel. The cases object is read
 * once: its own enumerable string keys, each case once (SE1).
 *
 * @example
 * ```ts
 * import { Channel, recv, trySelect } from 'gorx';
 *
 * const ch = new Channel<number>();
 * const r = trySelect({ v: recv(ch) });
 * console.log(r === undefined ? 'default' : r.case); // 'default'
 * ```
 * @throws TypeError at the call when `cases` is not a plain object (an array, a Map or a class
 * instance is not), has a symbol key and no case is ready, or when a case was not made by
 * `recv()`/`send()`.
 * Go: `select { …; default: }`. Rules: SE4, G1, SE14.
 */
export function trySelect<C extends Cases>(cases: C): Selected<C> | undefined {
  const r = commitReady(readCases('trySelect', cases));
  if (r !== BLOCKED) return r as Selected<C> | undefined;
  noSymbolKeys('trySelect', cases);
  return undefined;
}
