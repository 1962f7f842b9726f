// Continuation scheduling for the Promise faces. Resolving a Promise queues a microtask; a
// ping-pong of tasks that never waits on anything else would keep the microtask queue busy
// forever and starve timers and I/O (G4). So the faces settle through here: after a slice of
// about 4 ms of continuous work, settlements are deferred to the next macrotask, which lets the
// event loop run its timers phase first.

import { activity } from './debug.js';

type Resolve = (value: any) => void;

const SLICE_MS = 4;
/** Settlements between two looks at the clock. */
const CHECK_EVERY = 64;
/** Runs `fn` on a fresh macrotask: setImmediate where the host has it, else a MessageChannel message. */
export const hop: (fn: () => void) => void =
  typeof setImmediate === 'function'
    ? (fn) => setImmediate(fn)
    : typeof MessageChannel === 'function'
      ? (() => {
          const mc = new MessageChannel();
          let queued: (() => void)[] = [];
          mc.port1.onmessage = () => {
            const run = queued;
            queued = [];
            for (const f of run) f();
          };
          return (fn: () => void) => {
            queued.push(fn);
            if (queued.length === 1) mc.port2.postMessage(0);
          };
        })()
      : (fn) => setTimeout(fn, 0);

// The fairness state. `budget` counts the settlements left before the next look at the clock, or,
// once a slice has ended, before the next opens; it is 0 while settlements are being deferred. The
// small settling functions below (and a receive's common case, blocking.ts) test it in place and
// call `mustYield` only when it runs out: a call per settlement cost more than the whole check.
// The budget is a property rather than a module `let`: V8 reads and writes a counter on an object
// faster than a module binding that keeps changing.
export const fairness = { budget: 0 };
let sliceStart = -1;
let deferred: unknown[] = [];

function endSlice(): void {
  sliceStart = -1;
  // The next settlements open no slice: most turns settle a few and end, and would pay for a hop
  // they do not need (a setImmediate takes a few µs on a thread that has been idle, before a
  // message or a cancellation is answered). Work that goes on opens one once they are used, and
  // yields as before, CHECK_EVERY settlements later.
  fairness.budget = CHECK_EVERY;
  activity.slices++;
  const run = deferred;
  deferred = [];
  for (let i = 0; i < run.length; i += 2) (run[i] as Resolve)(run[i + 1]);
}

/** Whether a settlement must wait for the next macrotask hop, once the budget has run out. */
export function mustYield(): boolean {
  if (sliceStart < 0) {
    sliceStart = performance.now();
    hop(endSlice);
  } else if (deferred.length > 0 || performance.now() - sliceStart > SLICE_MS) {
    return true;
  }
  fairness.budget = CHECK_EVERY;
  return false;
}

/** Resolves through `resolve`, now or at the next macrotask hop (G4). */
export function settle(resolve: Resolve, value: unknown): void {
  if (fairness.budget > 0) fairness.budget--;
  else if (mustYield()) {
    deferred.push(resolve, value);
    return;
  }
  resolve(value);
}

const VOID: Promise<undefined> = Promise.resolve(undefined);

/**
 * A Promise resolved with `value`, now or at the next macrotask hop (G4). The budget is tested in
 * place, as in `settle`: the function stays small enough for V8 to inline, so a hot path that
 * passes an object literal it has just made has the Promise built inline.
 */
export function resolved<T>(value: T): Promise<T> {
  if (fairness.budget > 0) fairness.budget--;
  else if (mustYield()) return later(value, false);
  return value === undefined ? (VOID as Promise<T>) : Promise.resolve(value);
}

/** A Promise rejected with `error`, now or at the next macrotask hop (G4). */
export function rejected(error: unknown): Promise<never> {
  if (fairness.budget > 0) fairness.budget--;
  else if (mustYield()) return later(error, true);
  return Promise.reject(error);
}

/**
 * A Promise settled with `value` at the next macrotask hop. Kept apart from its callers: a closure
 * over their parameter would make V8 give every call a context object, deferred or not.
 */
export function later(value: unknown, reject: boolean): Promise<never> {
  return new Promise((res, rej) => deferred.push(reject ? rej : res, value));
}
