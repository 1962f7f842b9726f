// How a gorx object is recognised when it may come from another copy of gorx (the ESM and the
// CommonJS build in one app, or two versions): not by `instanceof`, which sees only this copy's
// classes, but by a brand keyed by `Symbol.for`, shared by every copy in the realm. A brand's value
// is the version of the internal protocol the object speaks; a copy drives an object of another
// copy only when it speaks the same version:
//
// - a receive port (channels, timer channels, `ctx.done`, bridges): readyRecv, takeNow (a value,
//   or the sentinels `Symbol.for('gorx.blocked')` and `Symbol.for('gorx.closed')`), parkRecv,
//   withdraw, with waiters shaped as in WaitQueue.ts (prev, next, queue, port, value, ok, weight,
//   commit, fail);
// - a send port (channels): readySend, offerNow, parkSend, withdraw, and `closed`, `close`;
// - a context: done (a receive port), err, deadline, signal, value(key), where the key
//   `Symbol.for('gorx.cancelCtx')` answers the node that holds the cancellation cause, and under
//   TOKEN the token that guards a wait on it (an object with `err` and a `done` port), or null
//   when it can never be cancelled;
// - a select case: op (0 receive, 1 send), port (a port or null), value;
// - a demand source (the output of workerPool, sendTo, cancelWith): open(sink) → feed.
import type { RecvCore, SendCore } from './blocking.js';

/** The version of the internal protocol this copy speaks. */
export const PROTOCOL = 1;

/** Brands a gorx receive port. */
export const RECV_PORT: unique symbol = Symbol.for('gorx.recvPort') as never;
/** Brands a gorx channel that can be sent on. */
export const SEND_PORT: unique symbol = Symbol.for('gorx.sendPort') as never;
/** Brands a gorx Context. */
export const CONTEXT: unique symbol = Symbol.for('gorx.context') as never;
/** The key under which a gorx Context answers its cancellation token (see above). */
export const TOKEN: unique symbol = Symbol.for('gorx.token') as never;
/** Brands a select case made by `recv()` or `send()`: op, port, value. */
export const CASE: unique symbol = Symbol.for('gorx.case') as never;
/** Brands an Observable that gorx operators can open with demand. */
export const SOURCE: unique symbol = Symbol.for('gorx.source') as never;

function branded(value: unknown, brand: symbol): boolean {
  // `?.` reads the brand of any value but null and undefined (a primitive has none).
  return (value as Record<symbol, unknown> | null | undefined)?.[brand] === PROTOCOL;
}

/** Whether `value` is a gorx receive port of any copy that speaks this protocol. */
export function isRecvPort(value: unknown): value is RecvCore<unknown> {
  return branded(value, RECV_PORT);
}

/** Whether `value` is a gorx channel (of any copy) that can be sent on. */
export function isSendPort(value: unknown): value is SendCore<unknown> {
  return branded(value, SEND_PORT);
}

/** Whether `value` is a gorx demand source of any copy. */
export function isSource(value: unknown): boolean {
  return branded(value, SOURCE);
}

/**
 * The `done` port of a context the user made (CX14), read once: its `value` is a function, it
 * has an `err`, and its `done` is a gorx receive port. Undefined when `value` has not that shape.
 */
export function userContextDone(value: unknown): RecvCore<never> | undefined {
  const ctx = value as { value?: unknown; done?: unknown } | null;
  if (typeof ctx !== 'object' || ctx === null || typeof ctx.value !== 'function' || !('err' in ctx))
    return undefined;
  const done = ctx.done;
  return isRecvPort(done) ? (done as RecvCore<never>) : undefined;
}

/**
 * Whether `value` is a Context: one of a gorx copy (branded, so its `done` is a receive port), or
 * one the user made with a gorx `done`.
 */
export function isContext(value: unknown): boolean {
  return branded(value, CONTEXT) || userContextDone(value) !== undefined;
}
