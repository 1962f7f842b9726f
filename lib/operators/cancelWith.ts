import type { MonoTypeOperatorFunction, ObservableInput } from 'rxjs';
import type { Cancel } from '../channel/types.js';
import type { CallbackWaiter, Token } from '../internal/blocking.js';
import { toToken } from '../internal/cancel.js';
import { present } from '../internal/validate.js';
import { withdraw } from '../internal/WaitQueue.js';
import { type Feed, GorxSource, guard, openFeed, type Sink } from './internal.js';

/**
 * Mirrors the source until `cancel` (a Context or an AbortSignal) fires, then unsubscribes the
 * source and errors with the token's error: `CanceledError`, or `DeadlineExceededError` for a
 * deadline (an AbortSignal maps as everywhere in gorx). A token already done errors at
 * subscription without subscribing to the source. Demand passes through, so between two gorx
 * operators it keeps their backpressure.
 *
 * ```text
 * source    -a-b-c-d-e-|     ctx = withTimeout(background(), 8)
 * subs      ^-------!
 * output    -a-b-c-d#        DeadlineExceededError at frame 8
 * ```
 *
 * @example
 * ```ts
 * import { interval } from 'rxjs';
 * import { background, cancelWith, withTimeout } from 'gorx';
 *
 * const [ctx] = withTimeout(background(), 1000);
 * interval(100)
 *   .pipe(cancelWith(ctx))
 *   .subscribe({ error: (e) => console.log(e.message) }); // 'context deadline exceeded'
 * ```
 * @throws TypeError if `cancel` is missing or is neither a Context nor an AbortSignal.
 * Go: `select { case v := <-in: …; case <-ctx.Done(): return ctx.Err() }`. Rules: T9, CX5, RX5.
 */
export function cancelWith<T>(cancel: Cancel): MonoTypeOperatorFunction<T> {
  present('cancelWith', 'cancel', cancel);
  const token = toToken(cancel, 'cancelWith');
  return (source) => new GorxSource((sink) => new CancelFeed(source, token, sink));
}

class CancelFeed<T> implements Feed, Sink<T> {
  readonly #up: Feed;
  readonly #token: Token | null;
  readonly #down: Sink<T>;
  #watcher: CallbackWaiter | null = null;
  #started = false;
  #stopped = false;

  constructor(input: ObservableInput<T>, token: Token | null, down: Sink<T>) {
    this.#token = token;
    this.#down = down;
    this.#up = openFeed(input, this);
  }

  get pull(): boolean {
    return this.#up.pull;
  }

  request(n: number): void {
    if (this.#stopped) return;
    if (!this.#started) {
      this.#started = true;
      this.#watcher = guard(this.#token, (error) => this.error(error));
      if (this.#stopped) return;
    }
    this.#up.request(n);
  }

  next(value: T): void {
    if (!this.#stopped) this.#down.next(value);
  }

  error(error: unknown): void {
    if (this.#stopped) return;
    this.cancel();
    this.#down.error(error);
  }

  complete(): void {
    if (this.#stopped) return;
    this.cancel();
    this.#down.complete();
  }

  cancel(): void {
    this.#stopped = true;
    withdraw(this.#watcher);
    this.#up.cancel();
  }
}
