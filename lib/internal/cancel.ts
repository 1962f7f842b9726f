// The one normaliser for cancellation tokens: `Context | AbortSignal | undefined` becomes the
// token the faces park a guard on, or null when it can never fire. Anything else is a TypeError
// here, at the call, before the caller has parked or started anything.
//
// No Context class is needed for that, so a program that only passes AbortSignals (or nothing)
// carries none:
// - a gorx Context (of this or another copy, brand.ts) answers its own token under TOKEN;
// - an AbortSignal has one SignalToken, memoised: its `err` maps `signal.reason`, and its `done`
//   is itself, a port with one 'abort' listener while anything waits on it;
// - a context the user made (CX14), recognised by its shape, is wrapped with its `done` read once.
import type { Context } from '../context/Context.js';
import { CanceledError, DeadlineExceededError } from '../errors.js';
import type { Token } from './blocking.js';
import { CONTEXT, PROTOCOL, TOKEN, userContextDone } from './brand.js';
import { hop } from './resume.js';
import { wakeAll } from './trampoline.js';
import { show } from './validate.js';
import { type Waiter, WaitQueue } from './WaitQueue.js';

export function isSignal(value: unknown): value is AbortSignal {
  return typeof AbortSignal !== 'undefined' && value instanceof AbortSignal;
}

/**
 * The context error for an aborted signal's `reason`: `DeadlineExceededError` for a
 * `TimeoutError` (as from `AbortSignal.timeout`), else `CanceledError`; the reason is its cause.
 */
export function abortError(reason: unknown): CanceledError | DeadlineExceededError {
  const timeout =
    typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
  return new (timeout ? DeadlineExceededError : CanceledError)({ cause: reason });
}

/**
 * The token of one AbortSignal. Its `done` is itself: a port that parks waiters and listens for
 * 'abort' only while one waits, so a signal carries one listener however many waits it guards,
 * and none once they are over. On abort every waiter is committed (`ok: false`), in FIFO order.
 */
export class SignalToken implements Token {
  #err: CanceledError | DeadlineExceededError | undefined;
  readonly #waiters = new WaitQueue();
  #listening = false;
  #sweeping = false;
  declare readonly signal: AbortSignal;
  constructor(signal: AbortSignal) {
    this.signal = signal;
  }

  /** Undefined until the signal aborts; then one error, the same for every wait. */
  get err(): CanceledError | DeadlineExceededError | undefined {
    if (this.#err === undefined && this.signal.aborted) this.#err = abortError(this.signal.reason);
    return this.#err;
  }
  get done(): this {
    return this;
  }
  parkRecv(w: Waiter): void {
    if (!this.#listening) {
      this.#listening = true;
      this.signal.addEventListener('abort', this);
    }
    this.#waiters.push(w, this);
  }
  /**
   * Unlinks a wait's waiter. A wait is often followed by another at once (a loop of guarded sends
   * and receives), so when none is left the listener stays until the next turn, rather than being
   * added and removed on every operation.
   */
  withdraw(w: Waiter): void {
    this.#waiters.unlink(w);
    if (this.#waiters.head === null && !this.#sweeping) {
      this.#sweeping = true;
      hop(this.#sweep);
    }
  }
  readonly #sweep = (): void => {
    this.#sweeping = false;
    if (this.#waiters.head === null) this.#unlisten();
  };
  #unlisten(): void {
    if (!this.#listening) return;
    this.#listening = false;
    this.signal.removeEventListener('abort', this);
  }
  /** The 'abort' listener. */
  handleEvent(): void {
    this.#unlisten();
    wakeAll(this.#waiters);
  }
}

const tokens = new WeakMap<AbortSignal, SignalToken>();

/** The one token of `signal`. */
export function signalToken(signal: AbortSignal): SignalToken {
  let token = tokens.get(signal);
  if (token === undefined) tokens.set(signal, (token = new SignalToken(signal)));
  return token;
}

export function notAToken(where: string, value: unknown): never {
  throw new TypeError(`${where}: cancel must be a Context or an AbortSignal, got ${show(value)}`);
}

/**
 * The token to guard a wait with, or null when the wait can never be cancelled (absent, `null` as
 * Go's nil, or a context that is never cancelled).
 * @throws TypeError when `cancel` is neither absent, a Context nor an AbortSignal.
 */
export function toToken(cancel: Context | AbortSignal | null | undefined, where = 'gorx'): Token | null {
  if (cancel === undefined || cancel === null) return null;
  // The brand is read here rather than through branded(): a property read at its own site stays
  // monomorphic on the hot path (a wait guarded by the same kind of context, again and again).
  const branded = cancel as unknown as { [CONTEXT]?: unknown; [TOKEN]: Token | null };
  if (branded[CONTEXT] === PROTOCOL) return branded[TOKEN];
  if (isSignal(cancel)) return signalToken(cancel);
  // A context the user made: its `done`, read once, and its `err`, read when asked.
  const done = userContextDone(cancel);
  if (done === undefined) return notAToken(where, cancel);
  return {
    done,
    get err() {
      return cancel.err;
    },
  };
}
