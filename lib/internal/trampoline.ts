// Deliveries: the part of a commit that runs code outside the engine (a subscriber's `next`, a
// callback that may reach user code). A delivery may commit another waiter, whose delivery runs
// more code, and so on: run directly, a chain of n hand-offs (a lock$ holder that unlocks in
// `next`, a recv$ subscriber that sends again, a chain of contexts) takes n stack frames and
// overflows. So deliveries nest only a little: a delivery runs at once while fewer than
// MAX_NESTED deliveries are on the stack and no queued one waits; otherwise it is queued, and the
// outermost delivery drains the queue in FIFO order before it returns. Everything stays
// synchronous (the `$` faces keep working under TestScheduler.run), and the stack stays bounded.
//
// An active receive (one that takes a value on its own and emits it: a subscription's receive, a
// `select$` at subscription, an operator's feed) takes through `takeHolding`: the deliveries its
// take makes, such as the parked sender's `send$` emission, wait in a slot of their own, and
// `release` runs them through `deliver` once it has emitted:
// the sender's code, which may unsubscribe the receiver, then runs after the receiver has its
// value (G5, RX2). Deliveries made by the emission's own user code are not held: they nest as usual.
//
// Invariants:
// - a waiter's state is final before its delivery runs or is queued (unlinked, value and ok set,
//   a hold counted, select siblings and guards withdrawn), so the order of deliveries never
//   changes what was committed; only the order in which user code sees it;
// - shallow hand-offs (fewer than MAX_NESTED deep) are delivered inside the operation that made
//   them, as before: no "committed but not yet delivered" window outside deep chains (RX2); in a
//   chain deeper than that, a receive unsubscribed while its queued delivery waits does not see
//   the value it was committed (the window closes as soon as the queue has run);
// - a delivery is queued only while deliveries are nested deeply or some queued one has not run
//   yet; once the drain has reached the end of the queue, new deliveries nest again;
// - a delivery is held back only while an active receive takes (no user code runs then), and is
//   run by that receive right after its emission;
// - a throw from a delivery is reported (RX5) and stops nothing: the queue is always drained;
// - the queue and the held slot are rings of (delivery, argument) pairs, reused: no allocation
//   per operation.

import { Ring } from './Ring.js';
import { reportPanic } from './report.js';
import type { Waiter, WaitQueue } from './WaitQueue.js';

/** Something a commit hands to the trampoline: `deliver` runs the code outside the engine. */
export interface Delivery {
  deliver(arg: unknown): void;
}

/**
 * The argument of a delivery that is a commit (any other argument is the error of a failure). Only
 * its identity counts: it is never shown, so it carries no description.
 */
export const COMMITTED: unique symbol = Symbol();

/** Deliveries allowed on the stack at once before further ones are queued. */
const MAX_NESTED = 16;

// The nesting depth and the count of open holds live on an object: V8 updates a property faster
// than a module binding that keeps changing (as resume.ts found for its budget).
const state = { depth: 0, holding: 0 };
/** The queued deliveries, as (delivery, argument) pairs, oldest first. */
const queue = /* @__PURE__ */ new Ring<unknown>();
/** The deliveries held back by active receives (see `takeHolding`), as pairs too. */
const held = /* @__PURE__ */ new Ring<unknown>();

/**
 * Runs `d.deliver(arg)` now, or queues it when deliveries are already nested deeply or some queued
 * one is still to run (FIFO); the outermost delivery drains the queue before returning. While an
 * active receive takes, it is held back instead (see `takeHolding`). Never throws.
 */
export function deliver(d: Delivery, arg: unknown): void {
  if (state.holding > 0) {
    held.push(d);
    held.push(arg);
    return;
  }
  const depth = state.depth;
  if (depth >= MAX_NESTED || queue.length > 0) {
    queue.push(d);
    queue.push(arg);
    return;
  }
  state.depth = depth + 1;
  run(d, arg);
  // The outermost delivery drains, at depth 1, what was queued meanwhile, and what that queues.
  if (depth === 0) {
    while (queue.length > 0) {
      const next = queue.shift() as Delivery;
      run(next, queue.shift());
    }
  }
  state.depth = depth;
}

/** Runs one delivery; a throw is reported (RX5) and stops nothing. */
function run(d: Delivery, arg: unknown): void {
  try {
    d.deliver(arg);
  } catch (error) {
    reportPanic(error);
  }
}

/**
 * The take of an active receive (a subscription's, a `select$`'s, an operator's feed): the
 * deliveries it makes, a parked sender's, are held back until `release`, which the receive calls
 * once it has handed the value on (no user code runs during the take itself).
 */
export function takeHolding<T>(port: { takeNow(): T }): T {
  state.holding++;
  try {
    return port.takeNow();
  } finally {
    state.holding--;
  }
}

/**
 * Runs through `deliver`, oldest first, the deliveries held back: what an active receive calls
 * once it has emitted (or has begun to: the value is in the receiver's hands). A release from the
 * code these run goes on from where this one is.
 */
export function release(): void {
  while (held.length > 0) {
    const d = held.shift() as Delivery;
    const arg = held.shift();
    deliver(d, arg);
  }
}

/**
 * Commits `w`, whose state is already settled. A
 * throw (from a waiter of code outside the engine) is reported and cannot break the caller's loop
 * or undo the commit.
 */
export function commitSafely(w: Waiter): void {
  try {
    w.commit();
  } catch (error) {
    reportPanic(error);
  }
}

/** Fails `w` with `error`; a throw is reported, as for commitSafely. */
export function failSafely(w: Waiter, error: unknown): void {
  try {
    w.fail(error);
  } catch (e) {
    reportPanic(e);
  }
}

/**
 * Wakes every waiter of `q` with a close, oldest first: a failure with `error`, or, without one,
 * a commit with `ok: false` (a receive of a closed channel, a context's `done`).
 */
export function wakeAll(q: WaitQueue, error?: unknown): void {
  for (let w = q.shift(); w !== null; w = q.shift()) {
    if (error !== undefined) failSafely(w, error);
    else {
      w.value = undefined;
      w.ok = false;
      commitSafely(w);
    }
  }
}
