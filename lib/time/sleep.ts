import type { Cancel } from '../channel/types.js';
import { recvPromise, voidShape } from '../internal/blocking.js';
import { toToken } from '../internal/cancel.js';
import { timerPort } from './Timer.js';

/**
 * Waits `ms` on the library clock. When `cancel` fires first it rejects with the token's error
 * and the timer is released.
 *
 * @example
 * ```ts
 * import { sleep } from 'gorx';
 *
 * await sleep(100);
 * ```
 * @throws RangeError for a non-finite `ms`; TypeError for a non-number `ms`, or a `cancel` that is
 * neither a Context nor an AbortSignal.
 * Go: `time.Sleep` (cancellable like `select { case <-time.After(d): case <-ctx.Done(): }`). Rules: TM1, TM7.
 */
export function sleep(ms: number, cancel?: Cancel): Promise<void> {
  const token = toToken(cancel); // before the timer starts: a bad token starts nothing
  return recvPromise(timerPort('sleep', ms), token, voidShape);
}
