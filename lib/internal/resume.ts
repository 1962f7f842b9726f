// Continuation scheduling for the Promise faces. Resolving a Promise queues a microtask; a
// ping-pong of tasks that never waits on anything else would keep the microtask queue busy
// forever and starve timers and I/O (G4). So the faces settle through here: after a slice of
// about 4 ms of continuous work, settlements are deferred to the next macrotask, which lets the
// event loop run its timers phase first.

import { live } from './debug.js';

type Resolve = (value: any) => void;

const SLICE_MS = 4;
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

let sliceStart = -1;
let ops = 0;
let deferred: unknown[] = [];

function endSlice(): void {
  sliceStart = -1;
  live.slices++;
  const run = deferred;
  deferred = [];
  for (let i = 0; i < run.length; i += 2) (run[i] as Resolve)(run[i + 1]);
}

function mustYield(): boolean {
  if (sliceStart < 0) {
    sliceStart = performance.now();
    hop(endSlice);
    return false;
  }
  if (deferred.length > 0) return true;
  if ((++ops & 15) !== 0) return false;
  return performance.now() - sliceStart > SLICE_MS;
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
  return new Promise((resolve) => deferred.push(resolve, value));
}

/** A Promise rejected with `error`, now or at the next macrotask hop (G4). */
export function rejected(error: unknown): Promise<never> {
  if (!mustYield()) return Promise.reject(error);
  return new Promise((_, reject) => deferred.push(reject, error));
}
