import type { ReceiveChannel } from '../channel/types.js';
import { duration } from '../internal/validate.js';
import { now } from './clock.js';
import { TimerPort } from './TimerPort.js';

/**
 * A single event: `c` yields the library-clock time once the timer fires. Go 1.23 semantics: the
 * channel is unbuffered, so after `stop` or `reset` no stale value is ever received.
 *
 * @example
 * ```ts
 * import { newTimer } from 'gorx';
 *
 * const t = newTimer(1000);
 * if (t.stop()) console.log('stopped before it fired');
 * ```
 * Go: `time.Timer`. Rules: TM1–TM8.
 */
export class Timer {
  readonly #port: TimerPort;
  /** Receives the fire time, once. */
  declare readonly c: ReceiveChannel<number>;

  /** @internal */
  constructor(ms: number) {
    this.c = this.#port = timerPort('newTimer', ms);
  }

  /**
   * Prevents the timer from firing. Returns `true` if that stopped a delivery, counting a timer
   * that expired but whose value was not received yet; `false` if the value was already
   * received or the timer was already stopped.
   */
  stop(): boolean {
    return this.#port.stop();
  }

  /**
   * Re-arms the timer to fire `ms` from now; returns whether it was active (as `stop` counts).
   * No value from the earlier setting is ever received afterwards.
   */
  reset(ms: number): boolean {
    return this.#port.set(due('Timer.reset', ms));
  }
}

/** When a timer set `ms` from now fires: at once for `ms <= 0`. */
function due(where: string, ms: number): number {
  return now() + Math.max(0, duration(where, ms));
}

/** The channel of a one-shot timer that fires `ms` from now: a Timer's, `after`'s, `sleep`'s. @internal */
export function timerPort(where: string, ms: number): TimerPort {
  const port = new TimerPort();
  port.set(due(where, ms));
  return port;
}

/**
 * Creates a timer that fires after `ms` (at once, not synchronously, when `ms <= 0`).
 *
 * @example
 * ```ts
 * import { newTimer } from 'gorx';
 *
 * const t = newTimer(10);
 * const { value } = await t.c.recv(); // the fire time
 * ```
 * @throws RangeError for a non-finite `ms`.
 * Go: `time.NewTimer`. Rules: TM1–TM8.
 */
export function newTimer(ms: number): Timer {
  return new Timer(ms);
}

/**
 * A channel that yields the clock time once, `ms` from now: the timeout case of a `select`.
 * Nothing is scheduled while nobody waits on it, so an abandoned `after` costs nothing.
 *
 * @example
 * ```ts
 * import { after, Channel, recv, select } from 'gorx';
 *
 * const ch = new Channel<number>();
 * const r = await select({ v: recv(ch), timeout: recv(after(100)) });
 * console.log(r.case); // 'timeout'
 * ```
 * Go: `time.After`. Rules: TM1, TM7, TM11, SE13.
 */
export function after(ms: number): ReceiveChannel<number> {
  return timerPort('after', ms);
}
