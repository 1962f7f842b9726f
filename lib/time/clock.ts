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

/** A pending callback on the library clock; long delays are chained in chunks. */
export class Alarm {
  readonly #clock = current;
  #handle: unknown;

  constructor(fn: () => void, at: number) {
    this.#arm(fn, at);
  }

  #arm(fn: () => void, at: number): void {
    const delay = at - this.#clock.now();
    this.#handle =
      delay > MAX_DELAY
        ? this.#clock.schedule(() => this.#arm(fn, at), MAX_DELAY)
        : this.#clock.schedule(fn, delay);
  }

  cancel(): void {
    this.#clock.cancel(this.#handle);
  }
}

/** Runs `fn` once the library clock reaches `at`. */
export function alarm(fn: () => void, at: number): Alarm {
  return new Alarm(fn, at);
}
