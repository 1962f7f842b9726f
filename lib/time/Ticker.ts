import { NeverPort } from '../channel/NeverPort.js';
import type { ReceiveChannel } from '../channel/types.js';
import { period } from '../internal/validate.js';
import { now } from './clock.js';
import { TimerPort } from './TimerPort.js';

/**
 * The shortest ticker period, in ms (1 µs). A shorter one cannot advance the library clock: near
 * today's `Date.now()` the clock's resolution is about 0.24 µs, so `now + period` would round back
 * to `now` and the ticker would be due forever.
 */
const MIN_PERIOD = 0.001;

/** Moves a ticker's port to its next tick once a tick is taken: the first one due after now (TK2). */
function nextTick(port: TimerPort, period: number): void {
  const when = port.when;
  const t = now();
  const next = when + period * (Math.floor((t - when) / period) + 1);
  // Rounding can leave `next` at `t` (a late tick on a large clock): the next tick is then a
  // full period away, so the ticker is never due twice at one instant.
  port.set(next > t ? next : t + period);
}

/**
 * Delivers the clock time every `period` ms on `c`. A slow receiver gets at most one pending
 * tick: ticks are dropped, never queued. `stop` does not close `c`.
 *
 * @example
 * ```ts
 * import { newTicker } from 'gorx';
 *
 * const ticker = newTicker(100);
 * for (let i = 0; i < 3; i++) await ticker.c.recv();
 * ticker.stop();
 * ```
 * Go: `time.Ticker`. Rules: TK1–TK4.
 */
export class Ticker {
  readonly #port = new TimerPort();
  /** Receives the tick times. */
  readonly c: ReceiveChannel<number> = this.#port;

  /** @internal */
  constructor(ms: number) {
    this.#start('NewTicker', 'newTicker', ms);
  }

  /** Stops the ticker: no tick (and no stale tick) arrives afterwards. */
  stop(): void {
    this.#port.stop();
  }

  /**
   * Restarts the ticker with a new period; the next tick comes `ms` from now.
   * @throws RangeError for a non-positive or non-finite `ms`, or one below 0.001 (1 µs).
   */
  reset(ms: number): void {
    this.#start('Ticker.Reset', 'Ticker.reset', ms);
  }

  /**
   * Starts ticking every `ms` from now. A bad period is a RangeError: with Go's panic text (named
   * `goName`) for one that is not positive, and for one shorter than MIN_PERIOD.
   */
  #start(goName: string, where: string, ms: number): void {
    if (typeof ms === 'number' && ms <= 0) throw new RangeError(`non-positive interval for ${goName}`);
    const p = period(where, ms);
    if (p < MIN_PERIOD)
      throw new RangeError(`${where}: period must be at least ${MIN_PERIOD} ms (1 µs), got ${p}`);
    this.#port.advance = (port) => nextTick(port, p);
    this.#port.set(now() + p);
  }
}

/**
 * Creates a ticker with period `ms`.
 *
 * @example
 * ```ts
 * import { newTicker } from 'gorx';
 *
 * const t = newTicker(1000);
 * t.stop();
 * ```
 * @throws RangeError for a non-positive or non-finite `ms`, or one below 0.001 (1 µs): a shorter
 * period cannot advance the library clock.
 * Go: `time.NewTicker`. Rules: TK1, TK2, TK3.
 */
export function newTicker(ms: number): Ticker {
  return new Ticker(ms);
}

/** The nil channel `tick` returns for a non-positive period. */
let nil: NeverPort | undefined;

/**
 * A channel of clock times every `ms`, dropping ticks for slow receivers. As Go's `time.Tick`, a
 * non-positive period returns the nil channel: one that never becomes ready, so a receive on it
 * waits forever and a `select` case on it is never chosen.
 *
 * @example
 * ```ts
 * import { tick } from 'gorx';
 * import { take } from 'rxjs';
 *
 * tick(1000).pipe(take(3)).subscribe((t) => console.log('tick at', t));
 * ```
 * @throws RangeError for `ms` NaN or `Infinity`, or positive but below 0.001 (1 µs); TypeError for
 * a non-number.
 * Go: `time.Tick`. Rules: TK1, TK2.
 */
export function tick(ms: number): ReceiveChannel<number> {
  if (typeof ms === 'number' && ms <= 0) return (nil ??= new NeverPort());
  return new Ticker(ms).c;
}
