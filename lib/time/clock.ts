/**
 * The library clock: every timer, deadline and timeout in gorx goes through it, and this is the
 * only file that touches an RxJS scheduler. By default it is RxJS's `asyncScheduler`, so
 * `TestScheduler.run` drives every timer in virtual time.
 */
import { asyncScheduler, type Subscription } from 'rxjs';

/** A source of time and delayed callbacks. `schedule` returns a handle that `cancel` accepts. */
export interface Clock {
  now(): number;
  schedule(fn: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
  /**
   * The longest delay one `schedule` call honours: `alarm` chains longer ones in chunks of it
   * (TM7). Unset, it is the host timers' limit; a virtual clock has none, so that a long delay
   * stays one timer.
   */
  readonly maxDelay?: number;
}

/** setTimeout and friends fire at once past this (TM7): longer delays are split. */
const MAX_DELAY = 2 ** 31 - 1;

/** The default clock: RxJS's `asyncScheduler`. */
const defaultClock: Clock = {
  now: () => asyncScheduler.now(),
  schedule: (fn, ms) => asyncScheduler.schedule(fn, Math.max(0, ms)),
  cancel: (handle) => (handle as Subscription).unsubscribe(),
};
let current: Clock = defaultClock;

/**
 * Installs `clock` as the library clock (or restores the default with `undefined`). Returns the
 * previous one.
 * @internal
 */
export function setClock(clock: Clock | undefined): Clock {
  const previous = current;
  current = clock ?? defaultClock;
  return previous;
}

/** The current library time in ms. */
export function now(): number {
  return current.now();
}

/** A pending callback on the library clock. */
export interface Alarm {
  cancel(): void;
}

/** Runs `fn` once the library clock reaches `at`; a long delay is chained in chunks (TM7). */
export function alarm(fn: () => void, at: number): Alarm {
  const clock = current;
  const max = clock.maxDelay ?? MAX_DELAY;
  let handle: unknown;
  const arm = (): void => {
    const delay = at - clock.now();
    handle = delay > max ? clock.schedule(arm, max) : clock.schedule(fn, delay);
  };
  arm();
  return { cancel: () => clock.cancel(handle) };
}
