// Continuation scheduling for the Promise faces. Resolving a Promise queues a microtask; a
// ping-pong of tasks that never waits on anything else would keep the microtask queue busy
// forever and starve timers and I/O (G4). So the faces settle through here: after a slice of
// about 4 ms of continuous work, settlements are deferred to the next macrotask, which lets the
// event loop run its timers phase first.

import { live } from './debug.js';

type Resolve = (value: any) => void;

const SLICE_MS = 4;
/** Settlements between two looks at the clock. */
const CHECK_EVERY = 64;
const hop: (fn: () => void) => void =
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

// The gate's state: settlements left before the next look at the clock (0 also when no slice is
// open, or while settlements are being deferred), the start of the open slice (-1: none), and
// the settlements deferred to the hop.
let budget = 0;
let sliceStart = -1;
let deferred: unknown[] = [];

function endSlice(): void {
  sliceStart = -1;
  budget = 0;
  live.slices++;
  const run = deferred;
  deferred = [];
  for (let i = 0; i < run.length; i += 2) (run[i] as Resolve)(run[i + 1]);
}

/** Whether a settlement must wait for the next macrotask; costs one decrement most of the time. */
function mustYield(): boolean {
  if (budget > 0) {
    budget--;
    return false;
  }
  return lookAtClock();
}

function lookAtClock(): boolean {
  if (sliceStart < 0) {
    sliceStart = performance.now();
    hop(endSlice);
  } else if (deferred.length > 0 || performance.now() - sliceStart > SLICE_MS) {
    return true;
  }
  budget = CHECK_EVERY;
  return false;
}

/** Resolves through `resolve`, now or at the next macrotask hop (G4). */
export function settle(resolve: Resolve, value: unknown): void {
  if (mustYield()) deferred.push(resolve, value);
  else resolve(value);
}

const VOID: Promise<undefined> = Promise.resolve(undefined);

/** A Promise resolved with `value`, now or at the next macrotask hop (G4). */
export function resolved<T>(value: T): Promise<T> {
  if (!mustYield()) return value === undefined ? (VOID as Promise<T>) : Promise.resolve(value);
  return later(value, false);
}

/** A Promise rejected with `error`, now or at the next macrotask hop (G4). */
export function rejected(error: unknown): Promise<never> {
  if (!mustYield()) return Promise.reject(error);
  return later(error, true);
}

// Kept apart from `resolved` and `rejected`: a closure over their parameter would make V8 give
// every call a context object, deferred or not.
function later(value: unknown, reject: boolean): Promise<never> {
  return new Promise((res, rej) => deferred.push(reject ? rej : res, value));
}
