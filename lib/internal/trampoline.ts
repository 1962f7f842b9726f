// Deliveries: the part of a commit that runs code outside the engine (a subscriber's `next`, a
// callback that may reach user code). A delivery may commit another waiter, whose delivery runs
// more code, and so on: run directly, a chain of n hand-offs (a lock$ holder that unlocks in
// `next`, a recv$ subscriber that sends again, a chain of contexts) takes n stack frames and
// overflows. So deliveries nest only a little: a delivery runs at once while fewer than
// MAX_NESTED deliveries are on the stack and none is queued; otherwise it is queued, and the
// outermost delivery drains the queue in FIFO order before it returns. Everything stays
// synchronous (the `$` faces keep working under TestScheduler.run), and the stack stays bounded.
//
// Invariants:
// - a waiter's state is final before its delivery runs or is queued (unlinked, value and ok set,
//   a hold counted, select siblings and guards withdrawn), so the order of deliveries never
//   changes what was committed; only the order in which user code sees it;
// - shallow hand-offs (fewer than MAX_NESTED deep) are delivered inside the operation that made
//   them, as before: no "committed but not yet delivered" window outside deep chains (RX2);
// - a throw from a delivery is reported (RX5) and stops nothing: the queue is always drained;
// - the queue is one array of (delivery, argument) pairs, reused: no allocation per operation.
import { reportPanic } from './report.js';
import type { Waiter, WaitQueue } from './WaitQueue.js';

/** Something a commit hands to the trampoline: `deliver` runs the code outside the engine. */
export interface Delivery {
  deliver(arg: unknown): void;
}

/** The argument of a delivery that is a commit (any other argument is the error of a failure). */
export const COMMITTED: unique symbol = Symbol('COMMITTED');

/** Deliveries allowed on the stack at once before further ones are queued. */
const MAX_NESTED = 16;

// The nesting depth lives on an object: V8 updates a property faster than a module binding that
// keeps changing (as resume.ts found for its budget).
const state = { depth: 0 };
const queue: unknown[] = [];
let head = 0;

/**
 * Runs `d.deliver(arg)` now, or queues it when deliveries are already nested deeply or queued;
 * the outermost delivery drains the queue before returning. Never throws.
 */
export function deliver(d: Delivery, arg: unknown): void {
  const depth = state.depth;
  if (depth >= MAX_NESTED || queue.length > 0) {
    queue.push(d, arg);
    return;
  }
  state.depth = depth + 1;
  try {
    d.deliver(arg);
  } catch (error) {
    reportPanic(error);
  }
  state.depth = depth;
  if (depth === 0 && queue.length > 0) drain();
}

function drain(): void {
  state.depth = 1;
  while (head < queue.length) {
    const d = queue[head] as Delivery;
    const arg = queue[head + 1];
    queue[head] = queue[head + 1] = undefined;
    head += 2;
    try {
      d.deliver(arg);
    } catch (error) {
      reportPanic(error);
    }
  }
  queue.length = 0;
  head = 0;
  state.depth = 0;
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
