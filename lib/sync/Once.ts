// Go's sync.Once, OnceFunc and OnceValue.
//
// Invariants of Once:
// - its function runs at most once, synchronously inside the first `do`;
// - waiters are parked only while that function runs (a returned Promise is pending); when it
//   finishes, the state becomes done before every waiter is committed (ON1, MM4);
// - a function that throws or rejects still counts as done (ON2).
// onceValue and onceFunc cache one synchronous call (no waiting, so no Once): the same once-call,
// given the first call's arguments by onceFunc and none by onceValue.
import type { Cancel } from '../channel/types.js';
import { voidShape } from '../internal/blocking.js';
import { toToken } from '../internal/cancel.js';
import { rejected, resolved } from '../internal/resume.js';
import { commitSafely } from '../internal/trampoline.js';
import { fn as checkFn } from '../internal/validate.js';
import { type Waiter, WaitQueue } from '../internal/WaitQueue.js';
import { gatePromise, type Waitable } from './internal.js';

const IDLE = 0;
const RUNNING = 1;
const DONE = 2;

/**
 * Runs a function at most once: Go's `sync.Once`. Calls made while the first function is still
 * running wait until it has finished.
 *
 * @example
 * ```ts
 * import { Once } from 'gorx';
 *
 * const once = new Once();
 * const init = () => once.do(async () => console.log('initialised'));
 * await Promise.all([init(), init(), init()]); // logs once
 * ```
 * Go: `sync.Once`. Rules: ON1–ON3.
 */
export class Once implements Waitable {
  #state = IDLE;
  readonly #waiters = new WaitQueue();

  /**
   * Runs `fn` if no call of this Once has run a function yet: synchronously, inside this call.
   * Every call's Promise settles once that first function has finished (awaited when it returns
   * a Promise). The first call's Promise rejects if `fn` threw or rejected; later calls resolve
   * without running their `fn` (a failed function still counts as done). Calling `do` on the same
   * Once from inside `fn` and awaiting it waits forever. When `cancel` fires while waiting for
   * another call's function, the Promise rejects with the context's error (the function runs on).
   *
   * @example
   * ```ts
   * import { Channel, Once } from 'gorx';
   *
   * const ch = new Channel<number>();
   * const closeOnce = new Once();
   * await closeOnce.do(() => ch.close());
   * await closeOnce.do(() => ch.close()); // not run: no "close of closed channel"
   * ```
   * @throws TypeError if `fn` is not a function.
   * Go: `once.Do(f)`. Rules: ON1, ON2, ON3, MM4.
   */
  do(fn: () => void | PromiseLike<void>, cancel?: Cancel): Promise<void> {
    checkFn('Once.do', 'fn', fn);
    // Done, running (wait for it), or the context is already done: this call runs nothing.
    if (this.#state !== IDLE || toToken(cancel)?.err !== undefined) {
      return gatePromise(this, 0, cancel, voidShape);
    }
    this.#state = RUNNING;
    try {
      const r = fn();
      // A `then` getter that throws counts as a throw of fn.
      if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
        return Promise.resolve(r).then(
          () => this.#finish(),
          (error) => {
            this.#finish();
            throw error;
          },
        );
      }
    } catch (error) {
      this.#finish();
      return rejected(error);
    }
    this.#finish();
    return resolved(undefined);
  }

  /** @internal Waiting is over once the function has finished. */
  take(): boolean {
    return this.#state === DONE;
  }

  /** @internal */
  park(w: Waiter): void {
    this.#waiters.push(w, this);
  }

  /** @internal */
  withdraw(w: Waiter): void {
    w.queue?.unlink(w);
  }

  #finish(): void {
    this.#state = DONE;
    const q = this.#waiters;
    for (let w = q.shift(); w !== null; w = q.shift()) commitSafely(w);
  }
}

/**
 * Makes a function that calls `fn` once and returns its result on every call: Go's
 * `sync.OnceValue`. If `fn` throws, every call throws that same error. `fn` is released after
 * the first call.
 *
 * @example
 * ```ts
 * import { onceValue } from 'gorx';
 *
 * const config = onceValue(() => ({ port: Number(process.env.PORT ?? 8080) }));
 * console.log(config() === config()); // true
 * ```
 * @throws TypeError if `fn` is not a function; the returned function throws Error when `fn`
 * calls it recursively (Go deadlocks there).
 * Go: `sync.OnceValue(f)`. Rules: ON4.
 */
export function onceValue<T>(fn: () => T): () => T {
  const call = callOnce(checkFn('onceValue', 'fn', fn));
  // The caller's receiver and arguments are not passed on: `fn` is called with none.
  return () => call();
}

/**
 * Makes a function that calls `fn` once, with the arguments of the first call, and returns the
 * first result (or rethrows the first error) on every call: Go's `sync.OnceFunc`, extended to
 * functions with arguments and results.
 *
 * @example
 * ```ts
 * import { onceFunc } from 'gorx';
 *
 * const cleanup = onceFunc(() => console.log('cleaned up'));
 * cleanup();
 * cleanup(); // does nothing
 * ```
 * @throws TypeError if `fn` is not a function.
 * Go: `sync.OnceFunc(f)`. Rules: ON4.
 */
export function onceFunc<F extends (...args: any[]) => any>(fn: F): F {
  return callOnce(checkFn('onceFunc', 'fn', fn)) as F;
}

/**
 * The once-call of onceValue and onceFunc: calls `f` on the first call, with that call's receiver
 * and arguments, and answers every call with its result or error. `f` is the only reference to the
 * function and is cleared before the call, so the function can be collected afterwards (ON4).
 */
function callOnce<R>(f: ((...args: any[]) => R) | null): (...args: any[]) => R {
  let state = IDLE;
  let failed = false;
  /** The result, or the error when `failed`. */
  let outcome: unknown;
  return function (this: unknown, ...args: unknown[]) {
    if (f !== null) {
      const g = f;
      f = null;
      state = RUNNING;
      try {
        outcome = g.apply(this, args);
      } catch (e) {
        failed = true;
        outcome = e;
      }
      state = DONE;
    } else if (state === RUNNING) throw new Error('sync: onceValue function called itself (deadlock)');
    if (failed) throw outcome;
    return outcome as R;
  };
}
