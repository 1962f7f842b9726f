// select: one group of waiters, one per case, sharing "first commit wins". Readiness is judged
// for every case in one synchronous pass (G1); among the ready cases one is chosen uniformly at
// random (SE3); if none is ready a waiter is parked on every case and the first commit withdraws
// the others before anything is delivered (G3, G7). Parking never matches a select with itself
// (SE9), because matching only happens when some other operation arrives.
import { Observable, type Subscriber } from 'rxjs';
import type { Cancel } from '../channel/types.js';
import { BLOCKED, CLOSED, type RecvCore, type Token } from '../internal/blocking.js';
import { toToken } from '../internal/cancel.js';
import { rejected, resolvedWith, settle } from '../internal/resume.js';
import { badCases } from '../internal/validate.js';
import { Waiter, withdraw } from '../internal/WaitQueue.js';
import { type Case, type Cases, RECV, SEND, type Selected } from './cases.js';

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
 * Counts the ready cases, in one synchronous pass (G1). Throws a TypeError at the call for cases
 * that are not an object, or a case that recv()/send() did not make.
 */
function countReady(where: string, cases: Cases): number {
  if (typeof cases !== 'object' || cases === null) badCases(where, cases);
  let ready = 0;
  // for…in rather than Object.keys: V8 reads `cases[key]` through its enum cache, and no array
  // of keys is made per select.
  for (const key in cases) {
    const c = cases[key];
    if (c == null) continue;
    let isReady: boolean | undefined;
    if (c.op === RECV) isReady = c.port?.readyRecv();
    else if (c.op === SEND) isReady = c.port?.readySend();
    else badCases(where, cases, key);
    if (isReady) {
      ready++;
      lastReady = key;
    }
  }
  return ready;
}

/** The key of the last ready case `countReady` saw: the pick when only one case is ready. */
let lastReady = '';

/** Throws what `countReady` would for bad cases, without looking at readiness: for `select$`. */
function checkCases(where: string, cases: Cases): void {
  if (typeof cases !== 'object' || cases === null) badCases(where, cases);
  for (const key in cases) {
    const c = cases[key];
    if (c != null && c.op !== RECV && c.op !== SEND) badCases(where, cases, key);
  }
}

/** Picks one of the `ready` cases uniformly at random (SE3) and returns its key. */
function pickReady(cases: Cases, ready: number): string {
  if (ready === 1) return lastReady;
  let pick = Math.floor(random() * ready);
  let chosen = '';
  for (const key in cases) {
    const c = cases[key];
    if (c == null || c.port === null || !(c.op === RECV ? c.port.readyRecv() : c.port.readySend())) continue;
    chosen = key;
    if (pick-- === 0) break;
  }
  return chosen;
}

/**
 * Commits a ready case and returns the select's result; throws for a closed send case or a close
 * error. Small, so V8 inlines it and knows the result's shape where it resolves a Promise.
 */
function commitCase(key: string, c: Case): unknown {
  if (c.op === RECV) {
    const r = c.port!.takeNow();
    return r === CLOSED || r === BLOCKED
      ? { case: key, value: undefined, ok: false }
      : { case: key, value: r, ok: true };
  }
  c.port!.offerNow(c.value);
  return { case: key };
}

/** Commits one of the `ready` cases. */
function commitReady(cases: Cases, ready: number): unknown {
  const key = pickReady(cases, ready);
  return commitCase(key, cases[key]!);
}

/** The sink of a parked select: a Promise or a subscriber. */
abstract class Group {
  declare waiters: CaseWaiter[];
  declare token: Token | null;

  constructor() {
    this.waiters = [];
    this.token = null;
  }

  win(w: CaseWaiter): void {
    this.withdrawOthers(w);
    if (w.key === null) return this.reject(this.token!.err);
    this.deliver(
      w.op === RECV
        ? w.ok
          ? { case: w.key, value: w.value, ok: true }
          : { case: w.key, value: undefined, ok: false }
        : { case: w.key },
    );
  }

  lose(w: CaseWaiter, error: unknown): void {
    this.withdrawOthers(w);
    this.reject(error);
  }

  withdrawOthers(winner: CaseWaiter): void {
    for (const w of this.waiters) if (w !== winner) withdraw(w);
  }

  abstract deliver(result: unknown): void;
  abstract reject(error: unknown): void;
}

/** One case of a parked select; `key` null marks the cancellation case. */
class CaseWaiter extends Waiter {
  constructor(
    readonly group: Group,
    readonly key: string | null,
    readonly op: number,
  ) {
    super();
  }
  commit(): void {
    this.group.win(this);
  }
  fail(error: unknown): void {
    this.group.lose(this, error);
  }
}

// Parks in a random order (Go's pollorder): when several cases sit on one channel, the first
// partner to arrive meets whichever was parked first, so a fixed order would always pick the
// same case (SE3, TestPseudoRandomSend). `group.waiters` keeps the source order.
function park(group: Group, cases: Cases): void {
  const ws = group.waiters;
  for (const key in cases) {
    const c = cases[key];
    if (c == null || c.port === null) continue;
    const w = new CaseWaiter(group, key, c.op);
    if (c.op !== RECV) w.value = c.value;
    ws.push(w);
  }
  const order = ws.length > 1 ? ws.slice() : ws;
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const w = order[i]!;
    order[i] = order[j]!;
    order[j] = w;
  }
  for (const w of order) {
    const c = cases[w.key!]!;
    if (c.op === RECV) c.port!.parkRecv(w);
    else c.port!.parkSend(w);
  }
  if (group.token !== null) {
    const w = new CaseWaiter(group, null, RECV);
    group.waiters.push(w);
    (group.token.done as RecvCore<never>).parkRecv(w);
  }
}

function noop(): void {}

class PromiseGroup extends Group {
  declare resolve: (value: unknown) => void;
  declare rejectFn: (error: unknown) => void;

  constructor() {
    super();
    this.resolve = this.rejectFn = noop;
  }
  deliver(result: unknown): void {
    settle(this.resolve, result);
  }
  reject(error: unknown): void {
    settle(this.rejectFn, error);
  }
}

class SubscriberGroup extends Group {
  constructor(readonly subscriber: Subscriber<unknown>) {
    super();
  }
  deliver(result: unknown): void {
    this.subscriber.next(result);
    this.subscriber.complete();
  }
  reject(error: unknown): void {
    this.subscriber.error(error);
  }
  unsubscribe(): void {
    this.withdrawOthers(null as unknown as CaseWaiter);
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
 * @throws TypeError at the call when `cases` is not an object or a case was not made by `recv()`/`send()`.
 * Go: `select { … }`. Rules: SE1–SE13, G1, G3, G7.
 */
export function select<C extends Cases>(cases: C, cancel?: Cancel): Promise<Selected<C>> {
  const ready = countReady('select', cases);
  const token = toToken(cancel);
  if (token !== null && token.err !== undefined) return rejected(token.err);
  if (ready > 0) {
    const key = pickReady(cases, ready);
    let r: unknown;
    try {
      r = commitCase(key, cases[key]!);
    } catch (error) {
      return rejected(error);
    }
    return resolvedWith(r as Selected<C>);
  }
  const group = new PromiseGroup();
  group.token = token;
  park(group, cases);
  return new Promise((resolve, reject) => {
    group.resolve = resolve as (value: unknown) => void;
    group.rejectFn = reject;
  });
}

/**
 * `select` as a cold Observable: on subscription it performs one case (emitting its result and
 * completing in the same synchronous step if one is ready), and unsubscribing before a case
 * commits withdraws every registration.
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
 * @throws TypeError at the call when `cases` is not an object or a case was not made by `recv()`/`send()`.
 * Go: `select { … }`. Rules: SE1–SE11, RX1, RX2.
 */
export function select$<C extends Cases>(cases: C): Observable<Selected<C>> {
  checkCases('select$', cases);
  return new Observable<Selected<C>>((subscriber) => {
    const ready = countReady('select$', cases);
    if (ready > 0) {
      subscriber.next(commitReady(cases, ready) as Selected<C>);
      subscriber.complete();
      return undefined;
    }
    const group = new SubscriberGroup(subscriber as Subscriber<unknown>);
    park(group, cases);
    return group;
  });
}

/**
 * Performs one ready case now, or returns `undefined` when none is ready: Go's `select` with a
 * `default` case. Throws for a chosen send case on a closed channel.
 *
 * @example
 * ```ts
 * import { Channel, recv, trySelect } from 'gorx';
 *
 * const ch = new Channel<number>();
 * const r = trySelect({ v: recv(ch) });
 * console.log(r === undefined ? 'default' : r.case); // 'default'
 * ```
 * @throws TypeError at the call when `cases` is not an object or a case was not made by `recv()`/`send()`.
 * Go: `select { …; default: }`. Rules: SE4, G1, SE14.
 */
export function trySelect<C extends Cases>(cases: C): Selected<C> | undefined {
  const ready = countReady('trySelect', cases);
  return (ready > 0 ? commitReady(cases, ready) : undefined) as Selected<C> | undefined;
}
